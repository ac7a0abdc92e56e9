"""Reads for paper entry: who may see which batch, progress, form-number checks, conflicts, scores."""
import json
from dataclasses import dataclass

from sqlalchemy import func, or_
from sqlmodel import select

from survey import responses
from survey.db import get_session
from survey.entry.verification import CONFLICT, UNVERIFIED, VERIFIED, clerk_scores
from survey.models import (
    AdminUnit,
    AuditEvent,
    Batch,
    BatchClerk,
    PaperEntry,
    Response,
    User,
    UserUnit,
    Wave,
)


def _scoped(stmt, user):
    """Limit a statement over Batch to what `user` may see.

    Admins see every batch; supervisors the batches of their units and of units within them;
    clerks the batches they are assigned to; other roles none.
    """
    if user.role == "admin":
        return stmt
    if user.role == "supervisor":
        mine = select(UserUnit.unit_id).where(UserUnit.user_id == user.id)
        inside = select(AdminUnit.id).where(AdminUnit.parent_id.in_(mine))
        return stmt.where(or_(Batch.unit_id.in_(mine), Batch.unit_id.in_(inside)))
    if user.role == "clerk":
        assigned = select(BatchClerk.batch_id).where(BatchClerk.user_id == user.id)
        return stmt.where(Batch.id.in_(assigned))
    return stmt.where(False)


def query_batches(user) -> list[tuple[Batch, Wave, AdminUnit]]:
    stmt = (select(Batch, Wave, AdminUnit).join(Wave, Wave.id == Batch.wave_id)
            .join(AdminUnit, AdminUnit.id == Batch.unit_id).order_by(Batch.id.desc()))
    return list(get_session().exec(_scoped(stmt, user)).all())


def query_batch(user, batch_id: int) -> Batch | None:
    """The batch if `user` may see it, else None (the view answers 404 either way)."""
    return get_session().exec(_scoped(select(Batch).where(Batch.id == batch_id), user)).first()


def query_batch_ids(user):
    return _scoped(select(Batch.id), user)


def is_assigned(batch_id: int, user_id: int) -> bool:
    return get_session().get(BatchClerk, (batch_id, user_id)) is not None


def query_clerks(batch_id: int) -> list[User]:
    stmt = (select(User).join(BatchClerk, BatchClerk.user_id == User.id)
            .where(BatchClerk.batch_id == batch_id).order_by(User.username))
    return list(get_session().exec(stmt).all())


def query_clerk_choices() -> list[User]:
    stmt = select(User).where(User.role == "clerk", User.active).order_by(User.username)
    return list(get_session().exec(stmt).all())


def query_waves() -> list[Wave]:
    stmt = select(Wave).where(Wave.mode.in_(("paper", "both"))).order_by(Wave.period_start.desc())
    return list(get_session().exec(stmt).all())


@dataclass(frozen=True)
class Progress:
    form_count: int
    keyed_once: int
    keyed_twice: int
    verified: int
    conflicts: int
    # The lowest and highest form numbers keyed so far (text order), None before the first.
    first_number: str | None = None
    last_number: str | None = None

    @property
    def keyed(self) -> int:
        return self.keyed_once + self.keyed_twice

    @property
    def remaining(self) -> int:
        return max(self.form_count - self.keyed, 0)


def query_forms(batch_id: int) -> list[tuple[Response, int]]:
    """The paper forms keyed in this batch, each with its number of entries, by form number."""
    in_batch = select(PaperEntry.response_id).where(PaperEntry.batch_id == batch_id)
    stmt = (select(Response, func.count(PaperEntry.id))
            .join(PaperEntry, PaperEntry.response_id == Response.id)
            .where(Response.id.in_(in_batch)).group_by(Response.id)
            .order_by(Response.paper_form_number))
    return list(get_session().exec(stmt).all())


def progress(batch: Batch, forms) -> Progress:
    return Progress(
        form_count=batch.form_count,
        keyed_once=sum(1 for _, n in forms if n == 1),
        keyed_twice=sum(1 for _, n in forms if n >= 2),
        verified=sum(1 for r, _ in forms if r.verification == VERIFIED),
        conflicts=sum(1 for r, _ in forms if r.verification == CONFLICT),
        first_number=forms[0][0].paper_form_number if forms else None,
        last_number=forms[-1][0].paper_form_number if forms else None,
    )


def query_entries(response_id: int) -> list[PaperEntry]:
    stmt = (select(PaperEntry).where(PaperEntry.response_id == response_id)
            .order_by(PaperEntry.entry_number, PaperEntry.id))
    return list(get_session().exec(stmt).all())


def form_number_state(batch: Batch, number: str, clerk_id: int) -> str:
    """What keying this form number now would be, without revealing any keyed value.

    "first": not keyed yet; "second": keyed once by another clerk; "yours": this clerk keyed
    it already; "done": keyed twice already (verified or waiting for a supervisor).
    """
    response = responses.query_paper_form(batch.id, number)
    if response is None:
        return "first"
    entries = query_entries(response.id)
    if any(e.clerk_id == clerk_id for e in entries):
        return "yours"
    return "second" if response.verification == UNVERIFIED and len(entries) == 1 else "done"


def query_form_in_scope(user, response_id: int) -> tuple[Response, Batch] | None:
    """A paper form and the batch of its first entry, if `user` may see that batch."""
    response = responses.query_response_by_id(response_id)
    if response is None or response.channel != "paper":
        return None
    entries = query_entries(response.id)
    batch = query_batch(user, entries[0].batch_id) if entries else None
    return (response, batch) if batch is not None else None


def query_usernames(ids) -> dict[int, User]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return {u.id: u for u in get_session().exec(select(User).where(User.id.in_(ids))).all()}


def query_clerk_scores(user):
    """Per clerk: forms scored, items compared, items that differed from the final values."""
    stmt = (select(PaperEntry.clerk_id, PaperEntry.answers, Response.id)
            .join(Response, Response.id == PaperEntry.response_id)
            .where(Response.verification == VERIFIED,
                   PaperEntry.batch_id.in_(query_batch_ids(user))))
    rows = get_session().exec(stmt).all()
    finals = responses.query_answers_of(r for _, _, r in rows)
    scores = clerk_scores((clerk, json.loads(keyed), finals.get(rid, {}))
                          for clerk, keyed, rid in rows)
    names = query_usernames(s.clerk_id for s in scores)
    return [(names[s.clerk_id], s) for s in scores]


def query_audit(user, batch_id: int | None = None, limit: int = 200) -> list[AuditEvent]:
    stmt = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    if batch_id is not None:
        stmt = stmt.where(AuditEvent.batch_id == batch_id)
    if user.role != "admin":
        stmt = stmt.where(AuditEvent.batch_id.in_(query_batch_ids(user)))
    return list(get_session().exec(stmt).all())


@dataclass(frozen=True)
class AuditContext:
    """What the audit page needs to name the records its events refer to, by id."""

    users: dict
    batches: dict
    responses: dict
    entries: dict
    waves: dict
    units: dict
    points: dict


def query_audit_context(events) -> AuditContext:
    """The users, batches, paper forms, entries, waves, units and service points of `events`."""
    from survey.models import ServicePoint

    session = get_session()

    def by_id(model, ids):
        ids = {i for i in ids if isinstance(i, int)}
        rows = session.exec(select(model).where(model.id.in_(ids))).all() if ids else ()
        return {row.id: row for row in rows}

    entries = by_id(PaperEntry, (e.entity_id for e in events if e.entity == "paper_entry"))
    batches = by_id(Batch, {e.batch_id for e in events})
    values = [json.loads(v) for e in events if e.entity == "batch"
              for v in (e.old_value, e.new_value) if v]
    clerk_ids = {c for v in values for c in v.get("clerk_ids", ())}
    return AuditContext(
        users=query_usernames({e.user_id for e in events} | clerk_ids),
        batches=batches,
        responses=by_id(Response, (e.entity_id for e in events if e.entity == "response")),
        entries=entries,
        waves=by_id(Wave, {v.get("wave_id") for v in values}),
        units=by_id(AdminUnit, {v.get("unit_id") for v in values}),
        points=by_id(ServicePoint, {v.get("service_point_id") for v in values}))


def query_unit_choices(user) -> list[AdminUnit]:
    """Units a batch may be made for by `user`: in force today; a supervisor's own units only."""
    from datetime import date

    from survey.units.queries import query_units_on

    units = query_units_on(date.today())
    if user.role == "admin":
        return [u for u in units if u.level != "province"]
    mine = set(get_session().exec(select(UserUnit.unit_id).where(UserUnit.user_id == user.id)).all())
    return [u for u in units if u.id in mine or u.parent_id in mine]


def query_service_point_choices(unit_ids) -> list:
    from survey.models import ServicePoint

    stmt = (select(ServicePoint).where(ServicePoint.unit_id.in_(unit_ids))
            .order_by(ServicePoint.code))
    return list(get_session().exec(stmt).all())
