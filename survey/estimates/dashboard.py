"""The leaders' target dashboard, the Decision 766 rate, and answer distributions per item.

The Decision 766 rate is the official census count, not an estimate: (dossiers handled -
dossiers rated negatively) / dossiers handled, per unit over the months of the wave period.
It is shown beside the survey estimate, whose target status comes from its interval.
"""
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select

from analysis import AnalysisError
from survey.estimates import cache
from survey.estimates.dataset import Inclusion, wave_design
from survey.estimates.results import ResultRow, analysis_frame, wave_results
from survey.estimates.units import unit_codes
from survey.models import D766Count, Wave
from survey.startup import registry

LEVEL_COLUMNS = {"commune": "unit_code_new", "district": "district_code"}


@dataclass(frozen=True)
class D766Rate:
    dossiers: int
    negative: int

    @property
    def rate(self) -> float | None:
        return (self.dossiers - self.negative) / self.dossiers if self.dossiers else None


@dataclass(frozen=True)
class UnitTarget:
    code: str
    label: str
    survey: ResultRow
    d766: D766Rate | None
    channels: dict


@dataclass(frozen=True)
class Dashboard:
    level: str
    indicator_label: str
    units: list[UnitTarget]
    overall: ResultRow | None
    trend: list[ResultRow]
    status_counts: dict
    problem: object
    overfull: list = ()  # strata left out of the estimates (results.ResultsTable.overfull)


def d766_rates(session, wave: Wave, level: str) -> dict[str, D766Rate]:
    codes = unit_codes(session)
    first = wave.period_start.replace(day=1)
    rows = session.execute(select(D766Count.unit_id, D766Count.dossiers, D766Count.negative)
                           .where(D766Count.month >= first, D766Count.month <= wave.period_end)).all()
    totals: dict[str, list[int]] = {}
    for unit_id, dossiers, negative in rows:
        unit = codes.get(unit_id)
        code = getattr(unit, LEVEL_COLUMNS[level]) if unit else ""
        if not code and unit is not None:
            code = unit.unit_code_old
        total = totals.setdefault(code, [0, 0])
        total[0] += dossiers
        total[1] += negative
    return {code: D766Rate(d, n) for code, (d, n) in totals.items()}


def target_dashboard(session, wave: Wave, level: str, inclusion: Inclusion, lang: str = "vi") -> Dashboard:
    table = wave_results(session, wave, level, inclusion, lang)
    headline = table.headline
    overall = wave_results(session, wave, None, inclusion, lang)
    trend = wave_results(session, wave, "month", inclusion, lang)
    if headline is None or table.problem:
        return Dashboard(level, "", [], None, [], {}, table.problem)
    rows = sorted(table.for_indicator(headline.id), key=lambda r: -r.estimate if r.n else 1)
    rates = d766_rates(session, wave, level)
    channels = channel_counts(session, wave, level, inclusion)
    units = [UnitTarget(r.domain, r.domain_label, r, rates.get(r.domain), channels.get(r.domain, {}))
             for r in rows]
    statuses = {}
    for unit in units:
        statuses[unit.survey.status] = statuses.get(unit.survey.status, 0) + 1
    first = overall.for_indicator(headline.id)
    return Dashboard(level, headline.label, units, first[0] if first else None,
                     sorted(trend.for_indicator(headline.id), key=lambda r: r.domain), statuses, None,
                     table.overfull)


def channel_counts(session, wave, level, inclusion) -> dict[str, dict[str, int]]:
    frame, _ = analysis_frame(session, wave, inclusion)
    if not len(frame):
        return {}
    codes = frame[LEVEL_COLUMNS[level]].replace("", np.nan).fillna(frame["unit_code_old"])
    counts = frame.groupby([codes, frame["channel"]]).size()
    out: dict[str, dict[str, int]] = {}
    for (code, channel), n in counts.items():
        out.setdefault(code, {})[channel] = int(n)
    return out


@dataclass(frozen=True)
class Share:
    code: str
    label: str
    estimate: float
    ci_low: float
    ci_high: float
    n: int


def answer_distribution(session, wave: Wave, inclusion: Inclusion, lang: str = "vi"):
    """Weighted share of each answer of each index item, with Korn-Graubard intervals."""
    inclusion = inclusion.resolved(wave)
    key = ("distribution", wave.id, wave_design(session, wave).revision, inclusion, lang,
           cache.fingerprint(session, wave))
    return cache.table(key, lambda: _distribution(session, wave, inclusion, lang))


def _distribution(session, wave, inclusion, lang):
    from survey.estimates.results import index_items
    from survey.questionnaires import localized

    frame, design = analysis_frame(session, wave, inclusion)
    questionnaire = registry().get(wave.questionnaire_id, wave.questionnaire_version)
    out = []
    if design is None:
        return out
    data = design.data
    for item_id in index_items(wave):
        item = questionnaire.items[item_id]
        y = data[item_id].to_numpy(float)
        shares = []
        for choice in item.choices:
            column = f"_share_{item_id}"
            data[column] = np.where(np.isnan(y), np.nan, (y == float(choice.code)).astype(float))
            try:
                row = design.mean(column, ci="beta").iloc[0]
            except AnalysisError:
                continue
            shares.append(Share(choice.code, localized(choice.text, lang), float(row["estimate"]),
                                float(row["ci_low"]), float(row["ci_high"]), int(row["n"])))
        out.append((item_id, localized(item.text, lang), shares))
    return out
