"""Weighted indices of a wave per domain, with uncertainty, flags, target status and Fay-Herriot.

Every index the questionnaire defines (elements and the overall index) and every scale item in
them is estimated with `analysis.estimate_index` on the wave's design; share indices get the
Korn-Graubard interval and the >= 95% target assessment. deff and n_eff are `analysis`'s one
definition (tests/analysis/DESIGN_EFFECTS.md). For unit domains the Fay-Herriot EBLUP
(`analysis.small_area`: each unit's own direct variance of the index, smoothed where unstable,
or modelled from the spread inside the unit when units are the PSUs) sits beside the direct
estimate, only for what benchmarks/bench_sae.py validated (share indices, enough units).
"""
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import select

from analysis import AnalysisError, estimate_index, small_area
from survey.estimates import cache
from survey.estimates.dataset import (
    Inclusion,
    inclusion_counts,
    item_answers,
    wave_design,
    weighted_design,
)
from survey.estimates.units import unit_labels
from survey.estimates.weights import overfull_strata
from survey.models import ServicePoint, Wave
from survey.questionnaires import localized
from survey.startup import registry

TARGET = 0.95
UNIT_DOMAINS = {"district": "district_code", "commune": "commune_code", "service_point": "service_point_code"}
# Validated by simulation (benchmarks/bench_sae.py): shares of respondents, items and composites,
# with 38 areas; fewer areas than this leave the model's variance too uncertain to show.
FH_RULES = ("top2_share", "all_top2", "mean_at_least")
FH_MIN_AREAS = 10
FIXED_DOMAINS = ("district", "commune", "service_point", "service_kind")
INTERNAL_DOMAINS = ("month", "stratum", "channel")


@dataclass(frozen=True)
class Indicator:
    id: str
    label: str
    kind: str  # overall, element, alternative (another definition of an index) or item
    share: bool  # a share (0..1) with a target, or a 0-100 mean score
    spec: dict
    headline: bool = False  # the questionnaire's `headline: true`
    alternative_to: str | None = None


@dataclass(frozen=True)
class ResultRow:
    domain: str
    domain_label: str
    indicator: str
    indicator_label: str
    indicator_kind: str
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    n: int
    n_eff: float
    deff: float
    df: int
    flags: str
    status: str | None = None  # met, not_met, inconclusive (shares only)
    fh_estimate: float | None = None
    fh_rmse: float | None = None
    fh_psi: str | None = None  # where the model's sampling variance came from: direct, gvf, within


@dataclass
class ResultsTable:
    wave_id: int
    by: str | None
    inclusion: Inclusion
    indicators: list[Indicator]
    rows: list[ResultRow]
    counts: dict[str, int] = field(default_factory=dict)
    n_counted: int = 0
    problem: object = None  # a weights.DesignProblem when the design could not be applied
    # Strata left out of the estimates, the rest estimated (weights.overfull_strata).
    overfull: list[dict] = field(default_factory=list)

    def to_frame(self) -> pd.DataFrame:
        columns = [f for f in ResultRow.__dataclass_fields__]
        return pd.DataFrame([asdict(r) for r in self.rows], columns=columns)

    def for_indicator(self, indicator_id: str) -> list[ResultRow]:
        return [r for r in self.rows if r.indicator == indicator_id]

    def indicator(self, indicator_id: str) -> Indicator | None:
        return next((i for i in self.indicators if i.id == indicator_id), None)

    @property
    def headline(self) -> Indicator | None:
        return headline_of(self.indicators)


def headline_of(found: list[Indicator]) -> Indicator | None:
    """The questionnaire's headline index, else the first overall index, else the first one."""
    return next((i for i in found if i.headline),
                next((i for i in found if i.kind == "overall"), found[0] if found else None))


def indicators(wave: Wave, lang: str = "vi") -> list[Indicator]:
    questionnaire = registry().get(wave.questionnaire_id, wave.questionnaire_version)
    if questionnaire is None:
        return []
    out, items = [], []
    for index in questionnaire.indices:
        spec = {"id": index.id, "rule": index.rule, "items": index.items, "of": index.of,
                "weights": index.weights, "reverse": index.reverse}
        kind = ("alternative" if index.alternative_to else
                "overall" if index.of or index.headline else "element")
        out.append(Indicator(index.id, localized(index.label, lang), kind, index.rule != "mean_score", spec,
                             index.headline, index.alternative_to))
        for item in index.items or ():
            if item not in [i[0] for i in items]:
                items.append((item, index))
    for item_id, index in items:
        item = questionnaire.items[item_id]
        rule = "mean_score" if index.rule == "mean_score" else "top2_share"
        spec = {"id": "item:" + item_id, "rule": rule, "items": [item_id],
                "reverse": [item_id] if item_id in index.reverse else []}
        out.append(Indicator("item:" + item_id, localized(item.text, lang), "item", rule != "mean_score",
                             spec))
    order = {"overall": 0, "element": 1, "alternative": 2, "item": 3}
    return sorted(out, key=lambda i: order[i.kind])


def index_items(wave: Wave) -> tuple[str, ...]:
    return tuple(sorted({item for i in indicators(wave) for item in (i.spec.get("items") or ())}))


def scale_points(wave: Wave) -> dict[str, int]:
    questionnaire = registry().get(wave.questionnaire_id, wave.questionnaire_version)
    return {k: v.scale_points for k, v in questionnaire.items.items() if v.scale_points}


def analysis_frame(session, wave: Wave, inclusion: Inclusion):
    """(frame, design) of the wave with its index items, cached by design revision and data."""
    inclusion = inclusion.resolved(wave)
    design_row = wave_design(session, wave)
    key = ("frame", wave.id, design_row.revision, inclusion,
           cache.fingerprint(session, wave))
    return cache.frame(key, lambda: weighted_design(session, wave, inclusion, index_items(wave)))


def wave_results(session, wave: Wave, by: str | None, inclusion: Inclusion,
                 lang: str = "vi") -> ResultsTable:
    """Every indicator of the wave per domain of `by` (None: the whole wave)."""
    inclusion = inclusion.resolved(wave)
    design_row = wave_design(session, wave)
    key = ("table", wave.id, design_row.revision, inclusion, by, lang, cache.fingerprint(session, wave))
    return cache.table(key, lambda: _compute(session, wave, by, inclusion, lang))


def _compute(session, wave, by, inclusion, lang) -> ResultsTable:
    from survey.estimates.weights import DesignProblem

    found = indicators(wave, lang)
    table = ResultsTable(wave.id, by, inclusion, found, [], inclusion_counts(session, wave))
    try:
        frame, design = analysis_frame(session, wave, inclusion)
    except DesignProblem as problem:
        table.problem = problem
        return table
    table.n_counted = len(frame)
    table.overfull = overfull_strata(frame)
    if design is None:
        return table
    # Domain columns go on the design's own data (a trimmed design holds a copy of the frame).
    column, labels = _domain(session, wave, inclusion, design.data, by, lang)
    points = scale_points(wave)
    defs = [i.spec for i in found]
    for indicator in found:
        try:
            result = estimate_index(design, defs, indicator.id, by=column, scale_points=points, ci="beta",
                                    target=TARGET if indicator.share else None)
        except AnalysisError as exc:
            table.problem = DesignProblem("analysis." + exc.code, **exc.details)
            return table
        fh = _fay_herriot(design, defs, indicator, column, points) if by in UNIT_DOMAINS else None
        table.rows.extend(_rows(result, column, labels, indicator, fh))
    return table


def _domain(session, wave, inclusion, frame, by, lang):
    """Name of the domain column added to `frame` (None: whole wave) and labels of its codes."""
    if by is None:
        return None, {}
    if by in ("district", "commune"):
        codes = (frame["district_code"] if by == "district"
                 else frame["unit_code_new"].replace("", np.nan).fillna(frame["unit_code_old"]))
        frame[UNIT_DOMAINS[by]] = codes.fillna("").astype(str)
        return UNIT_DOMAINS[by], unit_labels(session)
    if by == "service_point":
        names = dict(session.execute(select(ServicePoint.code, ServicePoint.name)).all())
        return "service_point_code", names
    if by == "service_kind":
        from survey.service_points.forms import KIND_LABELS

        return "service_kind", {k: str(v) for k, v in KIND_LABELS.items()}
    if by in INTERNAL_DOMAINS:
        frame[by] = frame[by].fillna("").astype(str)
        return by, {}
    return _demographic(session, wave, inclusion, frame, by, lang)


def demographic_items(wave: Wave) -> list:
    """Single-choice items that are not in any index: the groups results can be broken down by."""
    questionnaire = registry().get(wave.questionnaire_id, wave.questionnaire_version)
    if questionnaire is None:
        return []
    used = set(index_items(wave))
    return [item for item in questionnaire.items.values()
            if item.qtype.picks_one_choice and item.id not in used]


def _demographic(session, wave, inclusion, frame, item_id, lang):
    item = next((i for i in demographic_items(wave) if i.id == item_id), None)
    if item is None:
        raise KeyError(item_id)
    answers = item_answers(session, wave, inclusion, (item_id,))
    column = "by:" + item_id
    values = frame["response_id"].map(answers[item_id] if item_id in answers else {})
    frame[column] = values.map(_category)
    return column, {c.code: localized(c.text, lang) for c in item.choices}


def _category(value) -> str:
    if pd.isna(value):
        return ""
    return str(int(value)) if isinstance(value, float) else str(value)


def _fay_herriot(design, defs, indicator, column, points):
    """EBLUP, RMSE and psi source per domain, or None where FH is not validated or not fitted."""
    if indicator.spec["rule"] not in FH_RULES:  # composites share their components' rule
        return None
    try:
        fit = small_area(design, indicator.id, column, definitions=defs, scale_points=points)
    except AnalysisError:
        return None
    if (fit["n"] > 0).sum() < FH_MIN_AREAS:
        return None
    return fit["eblup"].to_numpy(), fit["rmse"].to_numpy(), fit["psi_source"].to_numpy()


def _rows(result, column, labels, indicator, fh):
    out = []
    codes = [""] * len(result) if column is None else result[column].astype(str).tolist()
    for i, row in enumerate(result.itertuples(index=False)):
        code = codes[i]
        n, se, estimate = int(row.n), float(row.se), float(row.estimate)
        out.append(ResultRow(
            domain=code, domain_label=labels.get(code, code), indicator=indicator.id,
            indicator_label=indicator.label, indicator_kind=indicator.kind, estimate=estimate, se=se,
            ci_low=float(row.ci_low), ci_high=float(row.ci_high), n=n,
            n_eff=float(row.n_eff), deff=float(row.deff),
            df=int(row.df), flags=row.flags, status=getattr(row, "status", None) if indicator.share else None,
            fh_estimate=None if fh is None else float(fh[0][i]),
            fh_rmse=None if fh is None else float(fh[1][i]),
            fh_psi=None if fh is None else str(fh[2][i]) or None))
    return out
