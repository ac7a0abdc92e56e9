"""Write responses and their answers: the one place that does, for every channel.

The functions taking a `session` write inside the caller's transaction, so a channel stores a
response together with its own records (a paper entry, its audit events) or not at all. Rows
go in through Core statements built once: a new QR rating runs them on every submission, and
building a model instance or a fresh ORM statement per request costs more CPU than the
database spends on the insert (benchmarks/bench_qr_load.py).
"""
import uuid as uuid_lib
from datetime import datetime

from sqlalchemy import bindparam, update
from sqlmodel import delete, insert

from survey.db import transaction
from survey.dossier_codes import normalise_dossier_code
from survey.models import Answer, Response
from survey.models.base import utcnow
from survey.questionnaires import CheckedAnswers

_INSERT_RESPONSE = insert(Response.__table__).returning(Response.__table__.c.id)
_INSERT_ANSWER = insert(Answer.__table__)


def insert_response(session, questionnaire, *, channel: str, unit_id: int, **columns) -> int:
    """Add a response to `questionnaire`'s version as a plain row; return its id.

    `columns` are Response columns; a new random uuid is made when none is given.
    """
    return session.connection().execute(_INSERT_RESPONSE, {
        "uuid": columns.pop("uuid", None) or str(uuid_lib.uuid4()),
        "questionnaire_id": questionnaire.id, "questionnaire_version": questionnaire.version,
        "channel": channel, "unit_id": unit_id, **columns,
    }).scalar_one()


def update_response(session, response: Response, **columns) -> None:
    for name, value in columns.items():
        setattr(response, name, value)
    session.add(response)
    session.flush()


def write_answers(session, response_id: int, checked: CheckedAnswers, item_ids=None, *,
                  replace: bool = False) -> None:
    """Store the checked answers to `item_ids` (default: all of them) as they were checked.

    `replace` first removes what the response had stored for those items (all its answers when
    `item_ids` is None), so an item answered before and left blank now has no answer.
    """
    if replace:
        stmt = delete(Answer).where(Answer.response_id == response_id)
        if item_ids is not None:
            stmt = stmt.where(Answer.item_id.in_(item_ids))
        session.exec(stmt)
    rows = [{"response_id": response_id, "item_id": item_id, "value": value,
             "value_num": checked.numbers.get(item_id)}
            for item_id, value in checked.values.items() if item_ids is None or item_id in item_ids]
    if rows:
        session.connection().execute(_INSERT_ANSWER, rows)


_SET_FLAGS = (update(Response.__table__).where(Response.__table__.c.id == bindparam("rid"))
               .values(flags=bindparam("new_flags")))


def set_flags(session, flags_by_id: dict[int, str]) -> None:
    """Replace the integrity flags of several responses in one statement."""
    session.connection().execute(_SET_FLAGS, [{"rid": rid, "new_flags": flags}
                                              for rid, flags in flags_by_id.items()])


def record_response(questionnaire, checked: CheckedAnswers, *, channel: str, unit_id: int,
                    service_point_id: int | None = None, submitted_at: datetime | None = None,
                    response_uuid: str | None = None, language: str = "vi",
                    dossier_code: str | None = None, paper_form_number: str | None = None,
                    flags: tuple[str, ...] = (),
                    wave_id: int | None = None, verification: str | None = None) -> Response:
    """Store a whole submitted response in its own transaction: all of it or nothing.

    `checked` must come from check_answers on `questionnaire`.
    """
    if not checked.ok:
        raise ValueError(f"answers have errors: {checked.errors}")
    at = submitted_at or utcnow()
    with transaction() as session:
        response_id = insert_response(
            session, questionnaire, channel=channel, unit_id=unit_id, uuid=response_uuid,
            status="submitted", service_point_id=service_point_id, language=language,
            dossier_code=normalise_dossier_code(dossier_code), paper_form_number=paper_form_number,
            flags=";".join(sorted(set(flags))), started_at=at,
            submitted_at=at, wave_id=wave_id, verification=verification)
        write_answers(session, response_id, checked)
        return session.get(Response, response_id)
