"""Reads of single responses and their answers, for the channels that write them."""
from sqlalchemy import func
from sqlmodel import select

from survey.db import get_session
from survey.models import Answer, PaperEntry, Response


def query_response(response_uuid: str) -> Response | None:
    return get_session().exec(select(Response).where(Response.uuid == response_uuid)).first()


def query_response_by_id(response_id: int) -> Response | None:
    return get_session().get(Response, response_id)


def query_paper_form(batch_id: int, number: str, *, lock: bool = False) -> Response | None:
    """The paper form keyed under this number in this batch (numbers are per batch, not per
    wave); `lock` holds its row to the transaction's end."""
    stmt = (select(Response).join(PaperEntry, PaperEntry.response_id == Response.id)
            .where(PaperEntry.batch_id == batch_id, PaperEntry.paper_form_number == number)
            .limit(1))
    if lock:
        stmt = stmt.with_for_update(of=Response)
    return get_session().exec(stmt).first()


def query_answers(response_id: int | None) -> dict[str, str]:
    """Item id → stored text of one response's answers ({} for no response)."""
    if response_id is None:
        return {}
    stmt = select(Answer.item_id, Answer.value).where(Answer.response_id == response_id)
    return dict(get_session().exec(stmt).all())


def query_answers_of(response_ids) -> dict[int, dict[str, str]]:
    """Response id → its answers as query_answers gives them, for several responses at once."""
    ids, found = set(response_ids), {}
    if not ids:
        return found
    stmt = select(Answer.response_id, Answer.item_id, Answer.value).where(Answer.response_id.in_(ids))
    for response_id, item_id, value in get_session().exec(stmt).all():
        found.setdefault(response_id, {})[item_id] = value
    return found


def dossier_rated(session, service_point_id: int, dossier_code: str, response_id: int | None) -> bool:
    """Whether another response than `response_id` rated this dossier at this service point."""
    stmt = select(Response.id).where(Response.service_point_id == service_point_id,
                                     Response.dossier_code == dossier_code)
    return any(found != response_id for found in session.exec(stmt).all())


def count_responses(*, service_point_id: int | None = None) -> int:
    stmt = select(func.count()).select_from(Response)
    if service_point_id is not None:
        stmt = stmt.where(Response.service_point_id == service_point_id)
    return get_session().exec(stmt).one()


def count_by_unit(questionnaire_id: str) -> dict[int, int]:
    """Unit id → responses to the questionnaire (any version) given in that unit."""
    stmt = (select(Response.unit_id, func.count()).where(Response.questionnaire_id == questionnaire_id)
            .group_by(Response.unit_id))
    return dict(get_session().exec(stmt).all())
