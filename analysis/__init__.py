"""Design-based survey estimation that matches R's `survey` package 4.1.1, all domains at once.

Pure statistics (numpy, pandas, scipy): inputs are DataFrames, outputs DataFrames or frozen
dataclasses with codes. Formulas and the choices made where R is unusable are in each module's
docstring; the reference is METHODS.md of the survey-stats notes.
"""
from analysis.decision766 import Indicator54, indicator_54
from analysis.design import Design
from analysis.errors import CODES, AnalysisError
from analysis.grake import margin_report
from analysis.indices import estimate_index, estimate_indices, mean_score, top2_share
from analysis.replicate import Jackknife
from analysis.repweights import ReplicateWeights, bootstrap_weights, jackknife_weights
from analysis.sae import FayHerriotFit, fay_herriot, small_area, smooth_psi
from analysis.targets import assess_target

__all__ = [
    "CODES",
    "AnalysisError",
    "Design",
    "FayHerriotFit",
    "Indicator54",
    "Jackknife",
    "ReplicateWeights",
    "assess_target",
    "bootstrap_weights",
    "estimate_index",
    "estimate_indices",
    "fay_herriot",
    "indicator_54",
    "jackknife_weights",
    "margin_report",
    "mean_score",
    "small_area",
    "smooth_psi",
    "top2_share",
]
