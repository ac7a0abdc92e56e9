"""Writes for paper entry: batches, accepting a keyed form (idempotent by UUID), resolving conflicts.

Everything written for one keyed form (response, answers, entry, audit events) is one
transaction: a form is accepted whole or not at all.
"""
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import delete, select

from survey import responses
from survey.db import get_session, transaction
from survey.entry import audit, queries
from survey.entry.verification import UNVERIFIED, VERIFIED, differing_items, state_after_entry
from survey.models import Batch, BatchClerk, PaperEntry, Response, Wave
from survey.models.base import utcnow
from survey.models.entry import ENTRY_KINDS
from survey.questionnaires import check_answers
from survey.startup import registry

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
FORM_NUMBER = re.compile(r"^[\w./-]{1,40}$")
# A unique-key race (several devices or threads sending one form at once) is retried this many
# times; each retry sees the rows of the request that won, so it rarely takes more than two.
ATTEMPTS = 5


# --- batches ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class BatchData:
    wave_id: int
    unit_id: int
    service_point_id: int | None
    surveyor_name: str
    form_count: int
    clerk_ids: tuple[int, ...]


def save_batch(data: BatchData, user_id: int, current: Batch | None = None) -> Batch:
    """Create a batch (or change one), its clerks, and the audit event, in one transaction."""
    session = get_session()
    wave = session.get(Wave, data.wave_id)
    values = {"wave_id": wave.id, "questionnaire_id": wave.questionnaire_id,
              "questionnaire_version": wave.questionnaire_version, "unit_id": data.unit_id,
              "service_point_id": data.service_point_id,
              "surveyor_name": unicodedata.normalize("NFC", data.surveyor_name.strip()),
              "form_count": data.form_count}
    with transaction() as session:
        old = None
        if current is None:
            batch = Batch(created_by_id=user_id, **values)
            session.add(batch)
            session.flush()
        else:
            batch = current
            old = {**_batch_state(batch), "clerk_ids": sorted(c.id for c in queries.query_clerks(batch.id))}
            for key, value in values.items():
                setattr(batch, key, value)
            session.add(batch)
            session.exec(delete(BatchClerk).where(BatchClerk.batch_id == batch.id))
        session.add_all(BatchClerk(batch_id=batch.id, user_id=u) for u in sorted(set(data.clerk_ids)))
        new = {**_batch_state(batch), "clerk_ids": sorted(set(data.clerk_ids))}
        audit.record(session, user_id=user_id, action="update" if current else "create",
                     entity="batch", entity_id=batch.id, batch_id=batch.id, old=old, new=new)
    return batch


def _batch_state(batch: Batch) -> dict:
    return {"wave_id": batch.wave_id, "unit_id": batch.unit_id,
            "service_point_id": batch.service_point_id, "surveyor_name": batch.surveyor_name,
            "form_count": batch.form_count}


# --- keyed forms -----------------------------------------------------------------------------

@dataclass(frozen=True)
class KeyedForm:
    uuid: str
    batch_id: int
    paper_form_number: str
    entry_kind: str
    questionnaire_id: str
    questionnaire_version: int
    answers: dict
    keyed_at: datetime | None = None
    interview_date: str = ""  # YYYY-MM-DD from the paper form, or "" when not written


@dataclass(frozen=True)
class Outcome:
    """A form accepted (with its receipt) or refused (with error codes by field or item id)."""

    uuid: str
    receipt: dict | None = None
    errors: dict = field(default_factory=dict)
    replayed: bool = False

    @property
    def accepted(self) -> bool:
        return self.receipt is not None


def normalise_form_number(text: str) -> str:
    return unicodedata.normalize("NFC", (text or "").strip()).upper()


def accept(form: KeyedForm, clerk, *, kind_must_match: bool = False) -> Outcome:
    """Check a keyed form fully and store it as one more entry of its paper form, or refuse it.

    The same UUID with the same content returns the stored receipt; with other content it is
    refused. `kind_must_match` (the page without script, which is online) refuses a "first
    entry" of a form that is already keyed instead of making it a conflict.
    """
    uuid = (form.uuid or "").strip().lower()
    if not UUID.match(uuid):
        return Outcome(form.uuid, errors={"uuid": "entry.bad_uuid"})
    batch = get_session().get(Batch, form.batch_id) if isinstance(form.batch_id, int) else None
    if batch is None or not queries.is_assigned(batch.id, clerk.id):
        return Outcome(uuid, errors={"batch": "entry.not_your_batch"})
    questionnaire = registry().get(form.questionnaire_id, form.questionnaire_version) if isinstance(
        form.questionnaire_version, int) else None
    if questionnaire is None or questionnaire.key != (batch.questionnaire_id, batch.questionnaire_version):
        return Outcome(uuid, errors={"questionnaire": "entry.unknown_version"})
    checked = check_answers(questionnaire, form.answers)
    number = normalise_form_number(form.paper_form_number)
    errors = dict(checked.errors)
    if not FORM_NUMBER.match(number):
        errors["paper_form_number"] = "entry.bad_form_number" if number else "entry.no_form_number"
    if form.entry_kind not in ENTRY_KINDS:
        errors["entry_kind"] = "entry.bad_kind"
    interviewed = parse_interview_date(form.interview_date)
    if interviewed is False:
        errors["interview_date"] = "entry.bad_interview_date"
    digest = _content_hash(batch.id, number, form.entry_kind, checked.values, interviewed or None)
    replay = _replay(uuid, digest, clerk, refused=bool(errors))
    if replay is not None:
        return replay
    if errors:
        return Outcome(uuid, errors=errors)
    for attempt in range(ATTEMPTS):
        try:
            outcome = _store(batch, questionnaire, clerk, uuid, number, form, checked, digest,
                             kind_must_match)
        except IntegrityError:
            # Another request stored this UUID, form number or clerk's entry first: look again.
            replay = _replay(uuid, digest, clerk)
            if replay is not None:
                return replay
            if attempt == ATTEMPTS - 1:
                raise
            continue
        # Refused for what a request with this very UUID stored meanwhile ("same clerk" while the
        # same sync was replayed from another thread)? Then this is a replay: answer its receipt.
        return outcome if outcome.accepted else (_replay(uuid, digest, clerk) or outcome)
    raise AssertionError("unreachable")


def _replay(uuid: str, digest: str, clerk, refused: bool = False) -> Outcome | None:
    """The stored receipt if this UUID is already stored with this content, else a refusal."""
    known = _entry_by_uuid(uuid)
    if known is None:
        return None
    if known.content_hash == digest and known.clerk_id == clerk.id and not refused:
        return Outcome(uuid, receipt=receipt(known), replayed=True)
    return Outcome(uuid, errors={"uuid": "entry.uuid_reused"})


def _entry_by_uuid(uuid: str) -> PaperEntry | None:
    return get_session().exec(select(PaperEntry).where(PaperEntry.uuid == uuid)).first()


def parse_interview_date(text: str) -> date | None | bool:
    """The keyed interview date, None when not written, False when it is not a possible date.

    A date later than tomorrow (a tablet's clock may run ahead of the server's) or before 2000 is
    a keying slip.
    """
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = date.fromisoformat(text)
    except ValueError:
        return False
    return value if date(2000, 1, 1) <= value <= utcnow().date() + timedelta(days=1) else False


def _content_hash(batch_id, number, kind, values, interviewed: date | None = None) -> str:
    content = {"batch": batch_id, "form": number, "kind": kind, "answers": values}
    if interviewed is not None:  # forms keyed without a date keep their earlier digests
        content["interview_date"] = interviewed.isoformat()
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def receipt(entry: PaperEntry) -> dict:
    """What the device keeps as proof the server has this entry; the same on every retry."""
    return {"receipt": f"PE-{entry.id:07d}", "uuid": entry.uuid,
            "paper_form_number": entry.paper_form_number, "entry_number": entry.entry_number,
            "received_at": entry.received_at.isoformat()}


class _Refused(Exception):
    def __init__(self, errors):
        self.errors = errors


def _store(batch, questionnaire, clerk, uuid, number, form, checked, digest, kind_must_match):
    try:
        with transaction() as session:
            # Locks the form on PostgreSQL so a second entry waits for a concurrent one; on
            # SQLite the unique constraints of PaperEntry refuse the loser (IntegrityError).
            response = responses.query_paper_form(batch.id, number, lock=True)
            interviewed = parse_interview_date(form.interview_date)
            if response is None:
                response = _new_response(session, batch, questionnaire, number, checked,
                                         interviewed)
                entry_number = 1
                audit.record(session, user_id=clerk.id, action="create", entity="response",
                             entity_id=response.id, batch_id=batch.id,
                             new={"verification": UNVERIFIED, "answers": checked.values})
            else:
                entry_number = _next_entry(session, response, batch, clerk, form, checked,
                                           kind_must_match, questionnaire)
                if response.interview_date is None and interviewed:
                    response.interview_date = interviewed
                    session.add(response)
            entry = PaperEntry(
                uuid=uuid, batch_id=batch.id, response_id=response.id, clerk_id=clerk.id,
                entry_kind=form.entry_kind, entry_number=entry_number, paper_form_number=number,
                answers=json.dumps(checked.values, ensure_ascii=False, sort_keys=True),
                content_hash=digest, keyed_at=form.keyed_at)
            session.add(entry)
            session.flush()
            audit.record(session, user_id=clerk.id, action="create", entity="paper_entry",
                         entity_id=entry.id, batch_id=batch.id,
                         new={"response_id": response.id, "entry_number": entry_number,
                              "entry_kind": form.entry_kind, "answers": checked.values})
    except _Refused as refused:
        return Outcome(uuid, errors=refused.errors)
    return Outcome(uuid, receipt=receipt(entry))


def _new_response(session, batch, questionnaire, number, checked, interviewed) -> Response:
    now = utcnow()
    response_id = responses.insert_response(
        session, questionnaire, channel="paper", unit_id=batch.unit_id, status="submitted",
        current_page=len(questionnaire.sections), service_point_id=batch.service_point_id,
        started_at=now, submitted_at=now, paper_form_number=number, wave_id=batch.wave_id,
        verification=UNVERIFIED, interview_date=interviewed)
    responses.write_answers(session, response_id, checked)
    return responses.query_response_by_id(response_id)


def _next_entry(session, response, batch, clerk, form, checked, kind_must_match, questionnaire):
    """Compare another entry with the form's current values and move the form's state on."""
    entries = queries.query_entries(response.id)
    if any(e.clerk_id == clerk.id for e in entries):
        raise _Refused({"paper_form_number": "entry.same_clerk"})
    if kind_must_match and form.entry_kind == "first":
        raise _Refused({"paper_form_number": "entry.already_keyed"})
    current = responses.query_answers(response.id)
    state = state_after_entry(response.verification, current, checked.values,
                              claimed_first=form.entry_kind == "first")
    if state != response.verification:
        audit.record(session, user_id=clerk.id, action="verify" if state == VERIFIED else "conflict",
                     entity="response", entity_id=response.id, batch_id=batch.id,
                     old={"verification": response.verification},
                     new={"verification": state,
                          "differing_items": differing_items(questionnaire, current, checked.values)})
        responses.update_response(session, response, verification=state)
    return max(e.entry_number for e in entries) + 1


# --- supervisor resolution -------------------------------------------------------------------

def resolve(response: Response, batch: Batch, supervisor, chosen: dict[str, list[str]]):
    """Set a conflicting form's values from the supervisor's choices; returns the checked answers.

    Items not in `chosen` keep their current value. The result is checked like any keyed form
    (skip logic, codes); with errors nothing is written.
    """
    questionnaire = registry().get(response.questionnaire_id, response.questionnaire_version)
    current = responses.query_answers(response.id)
    raw = {item_id: [value] for item_id, value in current.items()}
    for item_id, values in chosen.items():
        raw[item_id] = values
    checked = check_answers(questionnaire, _as_submitted(questionnaire, raw))
    if not checked.ok:
        return checked
    with transaction() as session:
        responses.write_answers(session, response.id, checked, replace=True)
        changed = differing_items(questionnaire, current, checked.values)
        audit.record(session, user_id=supervisor.id, action="resolve", entity="response",
                     entity_id=response.id, batch_id=batch.id,
                     old={"verification": response.verification,
                          "answers": {i: current.get(i) for i in changed}},
                     new={"verification": VERIFIED,
                          "answers": {i: checked.values.get(i) for i in changed}})
        responses.update_response(session, response, verification=VERIFIED)
    return checked


def _as_submitted(questionnaire, raw):
    """Stored values (as keyed or picked) back into the strings check_answers takes."""
    out = {}
    for item_id, values in raw.items():
        item = questionnaire.items.get(item_id)
        if item is not None:
            values = [part for v in values for part in item.qtype.decode(item, v)]
        out[item_id] = values
    return out



def batch_problems(data: BatchData, unit_ids, service_points, clerk_ids) -> dict[str, str]:
    """Field → problem code for a batch the user may not make as given."""
    problems = {}
    if get_session().get(Wave, data.wave_id) is None:
        problems["wave_id"] = "batch.unknown_wave"
    if data.unit_id not in unit_ids:
        problems["unit_id"] = "batch.unit_out_of_scope"
    point = service_points.get(data.service_point_id)
    if data.service_point_id is not None and (point is None or point.unit_id != data.unit_id):
        problems["service_point_id"] = "batch.point_not_in_unit"
    if not set(data.clerk_ids) <= set(clerk_ids):
        problems["clerk_ids"] = "batch.not_a_clerk"
    elif len(set(data.clerk_ids)) < 2:
        # Double entry: every form is keyed by two different clerks, so one clerk is a dead end.
        problems["clerk_ids"] = "batch.two_clerks"
    return problems
