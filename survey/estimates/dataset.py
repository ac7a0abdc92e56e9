"""Which responses count in a wave, and the compact per-response design frame.

The frame is read with a handful of SQL statements, never ORM objects: at a million responses
the per-row cost of ORM instances alone would exceed the results page's time budget.
"""
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from sqlalchemy import and_, case, false, func, literal_column, or_, select, true

from survey.estimates import units as unit_maps
from survey.estimates import weights as wave_weights
from survey.models import Answer, Response, ServicePoint, Wave, WaveDesign
from survey.startup import registry

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
FRAME_COLUMNS = ["response_id", "channel", "flags", "verification", "unit_code_old", "unit_code_new",
                 "district_code", "service_point_code", "service_kind", "stratum", "psu", "fpc",
                 "weight"]


@dataclass(frozen=True)
class Inclusion:
    include_flagged: bool = False
    include_unverified: bool | None = None  # None: the wave's count_unverified_paper

    def resolved(self, wave: Wave) -> "Inclusion":
        unverified = self.include_unverified
        if unverified is None:
            unverified = wave.count_unverified_paper
        return Inclusion(self.include_flagged, bool(unverified))


def period_bounds(wave: Wave) -> tuple[datetime, datetime]:
    """The wave period as UTC instants: local midnight of the first day to that after the last."""
    start = datetime.combine(wave.period_start, time(), LOCAL_TZ)
    end = datetime.combine(wave.period_end + timedelta(days=1), time(), LOCAL_TZ)
    return start.astimezone(ZoneInfo("UTC")), end.astimezone(ZoneInfo("UTC"))


def _qr_condition(wave: Wave, inclusion: Inclusion):
    start, end = period_bounds(wave)
    cond = and_(Response.channel == "qr", Response.questionnaire_id == wave.questionnaire_id,
                Response.submitted_at >= start, Response.submitted_at < end)
    return cond if inclusion.include_flagged else and_(cond, Response.flags == "")


def _paper_condition(wave: Wave, inclusion: Inclusion):
    states = ("verified", "unverified") if inclusion.include_unverified else ("verified",)
    return and_(Response.channel == "paper", Response.wave_id == wave.id,
                Response.verification.in_(states))


def counted_where(wave: Wave, inclusion: Inclusion):
    """The WHERE clause of `counted_responses` on the `response` table."""
    inclusion = inclusion.resolved(wave)
    parts = []
    if wave.mode in ("qr", "both"):
        parts.append(_qr_condition(wave, inclusion))
    if wave.mode in ("paper", "both"):
        parts.append(_paper_condition(wave, inclusion))
    return and_(Response.status == "submitted", or_(*parts) if parts else false())


def counted_responses(wave: Wave, inclusion: Inclusion):
    """Select of `Response.id` for the responses that count in the wave."""
    return select(Response.id).where(counted_where(wave, inclusion))


def inclusion_counts(session, wave: Wave) -> dict[str, int]:
    """Responses in the wave's scope by channel and state, whatever the inclusion choice."""
    everything = Inclusion(include_flagged=True, include_unverified=True)
    scope = or_(
        and_(_qr_condition(wave, everything), true() if wave.mode != "paper" else false()),
        and_(Response.channel == "paper", Response.wave_id == wave.id,
             true() if wave.mode != "qr" else false()))
    flagged = (Response.flags != "").label("flagged")
    stmt = (select(Response.channel, Response.verification, flagged, func.count())
            .where(Response.status == "submitted", scope)
            .group_by(Response.channel, Response.verification, flagged))
    counts = dict.fromkeys(("qr", "qr_flagged", "paper_verified", "paper_unverified",
                            "paper_conflict"), 0)
    for channel, verification, is_flagged, n in session.execute(stmt):
        if channel == "qr":
            counts["qr_flagged" if is_flagged else "qr"] += n
        else:
            counts[f"paper_{verification}"] += n
    return counts


def _month_expr(session):
    """The calendar month (YYYY-MM) of the interview, computed by the database: the date keyed
    from a paper form, else the local day of submission (a QR response is submitted when made)."""
    if session.get_bind().dialect.name == "sqlite":
        return func.coalesce(func.strftime("%Y-%m", Response.interview_date),
                             func.strftime("%Y-%m", Response.submitted_at, "+7 hours"))
    month = literal_column("'YYYY-MM'")
    return func.coalesce(func.to_char(Response.interview_date, month),
                         func.to_char(func.timezone("Asia/Ho_Chi_Minh", Response.submitted_at), month))


def base_frame(session, wave: Wave, inclusion: Inclusion) -> pd.DataFrame:
    """One row per counted response with unit codes, service point and month; no weights yet."""
    stmt = (select(Response.id, Response.channel, Response.flags, Response.verification,
                   Response.unit_id, Response.service_point_id, _month_expr(session),
                   Response.interview_date)
            .where(counted_where(wave, inclusion)).order_by(Response.id))
    rows = session.execute(stmt).all()
    frame = pd.DataFrame(rows, columns=["response_id", "channel", "flags", "verification", "unit_id",
                                        "service_point_id", "month", "interview_date"])
    frame["response_id"] = frame["response_id"].astype(np.int64)
    codes = unit_maps.unit_codes(session)
    for column in ("unit_code_old", "unit_code_new", "district_code"):
        frame[column] = frame["unit_id"].map({k: getattr(v, column) for k, v in codes.items()})
    points = session.execute(select(ServicePoint.id, ServicePoint.code, ServicePoint.kind)).all()
    # object dtype: a wave whose responses have no service point maps to all-NaN floats.
    point_ids = frame["service_point_id"].astype(object)
    frame["service_point_code"] = point_ids.map({p: c for p, c, _ in points}).astype(object).fillna("")
    frame["service_kind"] = point_ids.map({p: k for p, _, k in points}).astype(object).fillna("")
    frame["flags"] = frame["flags"].fillna("")
    return frame


def wave_design(session, wave: Wave) -> WaveDesign:
    """The wave's design row, or the default (unstratified, equal weights) when none is saved."""
    return session.get(WaveDesign, wave.id) or WaveDesign(wave_id=wave.id)


def design_frame(session, wave: Wave, inclusion: Inclusion) -> pd.DataFrame:
    """The agreed compact frame: one row per counted response, sorted by response_id."""
    frame, _ = weighted_design(session, wave, inclusion)
    return frame[FRAME_COLUMNS].reset_index(drop=True)


def weighted_design(session, wave: Wave, inclusion: Inclusion, items: tuple[str, ...] = ()):
    """The base frame with stratum, PSU, fpc, final weights and answers to `items`, and the
    analysis design over it (None when no response counts)."""
    frame = base_frame(session, wave, inclusion)
    design = wave_design(session, wave)
    wanted = set(items) | wave_weights.items_needed(session, wave, design)
    if wanted:
        answers = item_answers(session, wave, inclusion, tuple(sorted(wanted)))
        frame = frame.join(answers, on="response_id")
    return wave_weights.apply(session, wave, design, frame)


def item_answers(session, wave: Wave, inclusion: Inclusion, items: tuple[str, ...]) -> pd.DataFrame:
    """Answers to `items` indexed by response id: numbers where stored as numbers, else text."""
    numeric, textual = _split_numeric(session, wave, inclusion, items)
    parts = []
    if numeric:
        parts.append(_numeric_answers(session, wave, inclusion, numeric))
    for item in textual:
        stmt = (select(Answer.response_id, Answer.value)
                .where(Answer.item_id == item,
                       Answer.response_id.in_(counted_responses(wave, inclusion))))
        rows = session.execute(stmt).all()
        parts.append(pd.DataFrame(rows, columns=["response_id", item]).set_index("response_id"))
    if not parts:
        return pd.DataFrame(index=pd.Index([], name="response_id"))
    out = parts[0]
    for part in parts[1:]:
        out = out.join(part, how="outer")
    return out


def _split_numeric(session, wave, inclusion, items):
    """Scale items (answers stored with a small whole number) go through the packed query."""
    questionnaire = registry().get(wave.questionnaire_id, wave.questionnaire_version)
    scale = {i for i in items if questionnaire and i in questionnaire.items
             and questionnaire.items[i].scale_points}
    return sorted(scale), [i for i in items if i not in scale]


# Packed codes stay exact in float64 below 2**53 and in BIGINT sums.
PACK_LIMIT = 2**53


def _numeric_answers(session, wave, inclusion, items) -> pd.DataFrame:
    """Scale answers of many items in one GROUP BY: each response's answers packed into numbers.

    Answer k (1..K, 0 = not answered) is stored at digit k of base K+1, so a million responses
    come back as a million rows instead of one row per answer.
    """
    questionnaire = registry().get(wave.questionnaire_id, wave.questionnaire_version)
    base = max(questionnaire.items[i].scale_points for i in items) + 1
    per_column = 1
    while base ** (per_column + 1) < PACK_LIMIT:
        per_column += 1
    groups = [items[i:i + per_column] for i in range(0, len(items), per_column)]
    sums = []
    for g, group in enumerate(groups):
        cases = [(Answer.item_id == item, Answer.value_num * float(base ** k))
                 for k, item in enumerate(group)]
        sums.append(func.sum(case(*cases, else_=0.0)).label(f"p{g}"))
    stmt = (select(Answer.response_id, *sums)
            .where(Answer.item_id.in_(items),
                   Answer.response_id.in_(counted_responses(wave, inclusion)))
            .group_by(Answer.response_id))
    rows = session.execute(stmt).all()
    packed = np.array([r[1:] for r in rows], dtype=np.float64).reshape(len(rows), len(groups))
    out = pd.DataFrame(index=pd.Index(np.array([r[0] for r in rows], dtype=np.int64),
                                      name="response_id"))
    for g, group in enumerate(groups):
        column = packed[:, g].astype(np.int64)
        for k, item in enumerate(group):
            digit = (column // base ** k) % base
            out[item] = np.where(digit > 0, digit, np.nan)
    return out
