"""Results tables of large waves, computed by the background worker and kept in `results_snapshot`.

Computing a wave of a million responses reads ~30M answers (about a minute), far over the page's
budget, so the page shows the kept table instead: as is when it was computed from the current
data and design (same fingerprint and revision, see `cache.fingerprint`), with a notice while a
newer one is computed when not, and "being computed" when there is none yet. Small waves (a cheap
count below RESULTS_INLINE_MAX_RESPONSES) are computed in the request as before.

One computation per snapshot at a time: a job ("results_snapshot", run by `worker.py`) is queued
only by whoever turns the row to "computing" (an atomic UPDATE); a "computing" row silent for
RESULTS_SNAPSHOT_TIMEOUT_SECONDS has died and may be retaken, a failed one after
RESULTS_SNAPSHOT_RETRY_SECONDS. The worker's periodic "refresh_stale_snapshots" job recomputes
kept tables whose data or design changed since, so they are fresh before anyone asks.
"""
import json
import logging
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from survey.db import get_session, transaction
from survey.estimates import cache
from survey.estimates.dataset import Inclusion, counted_where, wave_design
from survey.estimates.results import Indicator, ResultRow, ResultsTable, wave_results
from survey.estimates.weights import DesignProblem
from survey.jobs.queue import enqueue
from survey.models import Response, ResultsSnapshot, Wave
from survey.models.base import utcnow

log = logging.getLogger(__name__)
KEY_FIELDS = ("wave_id", "breakdown", "include_flagged", "include_unverified", "lang")


@dataclass
class Served:
    """What the page can show of one results table.

    state: current (fresh snapshot or computed in the request), stale (an older table, a newer one
    is being computed), computing (none yet) or failed (none, and the last computation failed).
    """

    table: ResultsTable | None
    state: str
    as_of: datetime | None = None
    error: str | None = None


# Serialisation: JSON keeps floats exactly (repr round-trips) and writes NaN/Infinity as Python does.

def dumps(table: ResultsTable) -> str:
    problem = None
    if table.problem is not None:
        problem = {"code": table.problem.code, "details": table.problem.details}
    return json.dumps({
        "wave_id": table.wave_id, "by": table.by, "inclusion": asdict(table.inclusion),
        "indicators": [_tag(asdict(i)) for i in table.indicators], "rows": [asdict(r) for r in table.rows],
        "counts": table.counts, "n_counted": table.n_counted, "problem": problem,
        "overfull": table.overfull,
    }, default=_plain, ensure_ascii=False)


def _tag(value):
    """Tuples (in indicator specs) marked so that they come back as tuples, not lists."""
    if isinstance(value, tuple):
        return {"__tuple__": [_tag(v) for v in value]}
    if isinstance(value, list):
        return [_tag(v) for v in value]
    if isinstance(value, dict):
        return {k: _tag(v) for k, v in value.items()}
    return value


def _untag(value: dict):
    return tuple(value["__tuple__"]) if value.keys() == {"__tuple__"} else value


def _plain(value):
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    if isinstance(value, set | frozenset | tuple):
        return sorted(value, key=str)
    return str(value)


def loads(text: str) -> ResultsTable:
    data = json.loads(text, object_hook=_untag)
    problem = data["problem"]
    return ResultsTable(
        wave_id=data["wave_id"], by=data["by"], inclusion=Inclusion(**data["inclusion"]),
        indicators=[Indicator(**i) for i in data["indicators"]], rows=[ResultRow(**r) for r in data["rows"]],
        counts=data["counts"], n_counted=data["n_counted"], overfull=data.get("overfull", []),
        problem=DesignProblem(problem["code"], **problem["details"]) if problem else None)


def fingerprint_text(session, wave: Wave) -> str:
    return json.dumps(cache.fingerprint(session, wave), default=str)


def is_large(session, wave: Wave, inclusion: Inclusion) -> bool:
    """Whether at least RESULTS_INLINE_MAX_RESPONSES responses count; stops counting there (a
    full count of a million responses takes seconds on SQLite)."""
    limit = current_app.config["RESULTS_INLINE_MAX_RESPONSES"]
    first = select(Response.id).where(counted_where(wave, inclusion)).limit(limit).subquery()
    return session.execute(select(func.count()).select_from(first)).scalar_one() >= limit


def _key(wave: Wave, by: str | None, inclusion: Inclusion, lang: str) -> dict:
    return {"wave_id": wave.id, "breakdown": by or "", "include_flagged": inclusion.include_flagged,
            "include_unverified": inclusion.include_unverified, "lang": lang}


def _find(session, key: dict) -> ResultsSnapshot | None:
    stmt = select(ResultsSnapshot).where(*(getattr(ResultsSnapshot, k) == v for k, v in key.items()))
    return session.execute(stmt).scalars().first()


def results_for(session, wave: Wave, bys: list[str | None], inclusion: Inclusion,
                lang: str = "vi") -> list[Served]:
    """The wave's results table for each breakdown in `bys`; refreshes what is not current in one
    background job (so the frame is read once for all of them)."""
    inclusion = inclusion.resolved(wave)
    revision = wave_design(session, wave).revision
    fingerprint = fingerprint_text(session, wave)
    rows = [_find(session, _key(wave, by, inclusion, lang)) for by in bys]
    if all(_fresh(row, fingerprint, revision) for row in rows):
        return [Served(loads(row.table), "current", row.computed_at) for row in rows]
    if not is_large(session, wave, inclusion):
        return [Served(wave_results(session, wave, by, inclusion, lang), "current") for by in bys]
    claimed = [_claim(session, _key(wave, by, inclusion, lang), row)
               for by, row in zip(bys, rows, strict=True) if not _fresh(row, fingerprint, revision)]
    _start([i for i in claimed if i is not None])
    session.expire_all()
    rows = [_find(session, _key(wave, by, inclusion, lang)) for by in bys]
    return [_served(row, fingerprint, revision) for row in rows]


def _fresh(row, fingerprint, revision) -> bool:
    return bool(row and row.table and row.fingerprint == fingerprint and row.revision == revision)


def _served(row: ResultsSnapshot, fingerprint, revision) -> Served:
    if _fresh(row, fingerprint, revision):
        return Served(loads(row.table), "current", row.computed_at)
    if row.table:
        return Served(loads(row.table), "stale", row.computed_at, row.error)
    if row.status == "failed":
        return Served(None, "failed", None, row.error)
    return Served(None, "computing")


def _claim(session, key: dict, row: ResultsSnapshot | None) -> int | None:
    """Mark the snapshot as being computed; its id when this caller won it, None when another
    computation runs (or failed too recently to retry)."""
    now = utcnow()
    if row is None:
        try:
            with transaction() as tx:
                row = ResultsSnapshot(**key, status="computing", started_at=now)
                tx.add(row)
            return row.id
        except IntegrityError:
            return None  # another request created it a moment ago and computes it
    config = current_app.config
    dead = now - timedelta(seconds=config["RESULTS_SNAPSHOT_TIMEOUT_SECONDS"])
    retry = now - timedelta(seconds=config["RESULTS_SNAPSHOT_RETRY_SECONDS"])
    stmt = (update(ResultsSnapshot).where(
        ResultsSnapshot.id == row.id,
        or_(ResultsSnapshot.status == "ready",
            and_(ResultsSnapshot.status == "computing", ResultsSnapshot.started_at < dead),
            and_(ResultsSnapshot.status == "failed", ResultsSnapshot.started_at < retry)))
        .values(status="computing", started_at=now, error=None))
    with transaction() as tx:
        won = tx.execute(stmt).rowcount == 1
    return row.id if won else None


def _start(ids: list[int]) -> None:
    if ids:
        enqueue("results_snapshot", ids)


def refresh_wave(session, wave: Wave) -> None:
    """Start computing the default tables of a large wave (whole wave and by commune, in every
    language), e.g. when its design is published, so leaders rarely meet the computing page."""
    inclusion = Inclusion().resolved(wave)
    if not is_large(session, wave, inclusion):
        return
    ids = []
    for lang in current_app.config["LANGUAGES"]:
        for by in (None, "commune"):
            key = _key(wave, by, inclusion, lang)
            ids.append(_claim(session, key, _find(session, key)))
    _start([i for i in ids if i is not None])


def refresh_stale() -> int:
    """Queue the recomputation of every kept table whose data or design changed since it was
    computed (one job per wave); return how many tables were claimed."""
    session = get_session()
    waves = session.execute(select(Wave).where(Wave.id.in_(select(ResultsSnapshot.wave_id)))).scalars().all()
    claimed = 0
    for wave in waves:
        revision = wave_design(session, wave).revision
        fingerprint = fingerprint_text(session, wave)
        stmt = select(ResultsSnapshot).where(ResultsSnapshot.wave_id == wave.id)
        rows = session.execute(stmt).scalars().all()
        ids = [_claim(session, {k: getattr(row, k) for k in KEY_FIELDS}, row)
               for row in rows if not _fresh(row, fingerprint, revision)]
        ids = [i for i in ids if i is not None]
        _start(ids)
        claimed += len(ids)
    return claimed


def compute(ids: list[int]) -> None:
    """Compute and keep each snapshot (in this process); a failure is recorded on its row, except a
    transient database error, left to the queue to retry (`record_failure` when it gives up)."""
    session = get_session()
    for snapshot_id in ids:
        row = session.get(ResultsSnapshot, snapshot_id)
        try:
            wave = session.get(Wave, row.wave_id)
            # Read before computing: data arriving meanwhile leaves the snapshot stale, never wrong.
            revision = wave_design(session, wave).revision
            fingerprint = fingerprint_text(session, wave)
            with force_locale(row.lang):
                table = wave_results(session, wave, row.breakdown or None,
                                     Inclusion(row.include_flagged, row.include_unverified), row.lang)
            fields = {"status": "ready", "error": None, "table": dumps(table), "fingerprint": fingerprint,
                      "revision": revision, "computed_at": utcnow()}
        except OperationalError:
            raise
        except Exception:
            log.exception("results snapshot %s failed", snapshot_id)
            session.rollback()
            fields = {"status": "failed", "error": "results.failed"}
        with transaction() as tx:
            tx.execute(update(ResultsSnapshot).where(ResultsSnapshot.id == snapshot_id).values(**fields))


def record_failure(_code: str, ids: list[int]) -> None:
    """The queue gave the computation up: mark the snapshots still computing as failed."""
    with transaction() as tx:
        tx.execute(update(ResultsSnapshot)
                   .where(ResultsSnapshot.id.in_(ids), ResultsSnapshot.status == "computing")
                   .values(status="failed", error="results.failed"))
