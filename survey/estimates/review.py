"""The weights review before publishing: per stratum, the sample, its weights and their effect.

The weighting design effect is Kish's n sum(w^2) / (sum w)^2 and its effective size
(sum w)^2 / sum(w^2); the design effect and effective size of the headline index per stratum
(which also carry clustering) come from `analysis` through `wave_results(by="stratum")`, with
the one definition of tests/analysis/DESIGN_EFFECTS.md. Below them: every calibration margin
and stratum population beside what the final weights give, and the ones they miss.
"""
from dataclasses import dataclass, field

import numpy as np

from survey.estimates.dataset import Inclusion, wave_design
from survey.estimates.results import analysis_frame, wave_results
from survey.estimates.units import unit_labels
from survey.estimates.weights import DesignProblem, frame_sizes, margins_of, margins_report

# Final weights within 0.1% of a margin meet it (R's calibrate stops at a 1e-7 misfit).
MARGIN_TOLERANCE = 1e-3


@dataclass(frozen=True)
class StratumWeights:
    stratum: str
    label: str
    population: float | None
    n: int
    weight_sum: float
    weight_min: float
    weight_max: float
    kish_deff: float
    kish_n_eff: float
    index_deff: float | None
    index_n_eff: float | None


@dataclass(frozen=True)
class MarginCheck:
    item: str  # a calibration item id, or "stratum" for the frame's populations
    category: str
    target: float
    achieved: float
    relative: float  # (achieved - target) / target

    @property
    def missed(self) -> bool:
        return not abs(self.relative) <= MARGIN_TOLERANCE


@dataclass(frozen=True)
class WeightsReview:
    strata: list[StratumWeights]
    total: StratumWeights | None
    problem: DesignProblem | None
    overfull: list = ()  # strata left out of the estimates (results.ResultsTable.overfull)
    margins: list[MarginCheck] = field(default_factory=list)

    @property
    def missed(self) -> list[MarginCheck]:
        return [m for m in self.margins if m.missed]


def _summary(code, label, population, w, index_row) -> StratumWeights:
    total, squares = float(w.sum()), float((w**2).sum())
    return StratumWeights(code, label, population, len(w), total, float(w.min()), float(w.max()),
                          len(w) * squares / total**2, total**2 / squares,
                          None if index_row is None else index_row.deff,
                          None if index_row is None else index_row.n_eff)


def weights_review(session, wave, inclusion: Inclusion) -> WeightsReview:
    try:
        frame, design = analysis_frame(session, wave, inclusion)
    except DesignProblem as problem:
        return WeightsReview([], None, problem)
    if design is None:
        return WeightsReview([], None, None)
    by_stratum = wave_results(session, wave, "stratum", inclusion)
    overall = wave_results(session, wave, None, inclusion)
    headline = by_stratum.headline
    index_rows = {r.domain: r for r in by_stratum.rows if headline and r.indicator == headline.id}
    overall_rows = [r for r in overall.rows if headline and r.indicator == headline.id]
    sizes, labels = frame_sizes(session, wave.id), unit_labels(session)
    frame = frame[frame["weight"].notna()]  # overfull strata have no weights to review
    w = frame["weight"].to_numpy(float)
    strata = []
    if frame["stratum"].notna().any():
        codes = frame["stratum"].astype(str).to_numpy()
        for code in sorted(set(codes)):
            strata.append(_summary(code, labels.get(code, code), sizes.get(code), w[codes == code],
                                   index_rows.get(code)))
    total = _summary("", "", float(np.sum(list(sizes.values()))) if sizes else None, w,
                     overall_rows[0] if overall_rows else None)
    report = margins_report(frame, design, wave_design(session, wave), margins_of(session, wave.id),
                            sizes)
    checks = [MarginCheck(r.variable, str(r.category), float(r.target), float(r.achieved),
                          float(r.relative)) for r in report.itertuples(index=False)]
    return WeightsReview(strata, total, by_stratum.problem or overall.problem, overall.overfull, checks)
