"""The one adapter between the database and `analysis`: which responses count in a wave, their
design frame and weights, and every estimate the pages, exports and API show.

Nothing else in `survey` computes a statistic; views and templates format what this returns.
"""
from survey.estimates.dataset import Inclusion, counted_responses, design_frame
from survey.estimates.results import ResultRow, ResultsTable, wave_results
from survey.estimates.weights import DesignProblem

__all__ = ["DesignProblem", "Inclusion", "ResultRow", "ResultsTable", "counted_responses", "design_frame",
           "wave_results"]
