"""Writes of the citizen survey: one page of answers at a time, each page in one transaction.

The response is created by its first page (its id made when the form was shown, so a replayed
first page finds it instead of creating a twin), counts once the questionnaire's
`complete_after` page is saved, and takes optional follow-up pages after that.
"""
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import delete, select

from survey.db import get_session
from survey.models import Answer, Response
from survey.models.base import utcnow
from survey.public import integrity

DOSSIER_ITEM = "dossier_code"


@dataclass(frozen=True)
class Refusal(Exception):
    """A submission that is not stored; `code` picks the page the citizen sees."""

    code: str


def _dossier_taken(session, service_point_id, dossier_code, response_id) -> bool:
    stmt = select(Response.id).where(Response.service_point_id == service_point_id,
                                     Response.dossier_code == dossier_code)
    return any(found != response_id for found in session.exec(stmt).all())


def save_page(*, questionnaire, service_point, response, response_uuid, page, checked, language,
              honeypot=False, skip=False) -> Response:
    """Store the answers of `page` (or skip an optional page); raise Refusal if it cannot be.

    `response` is the stored response with this id, or None before its first page.
    """
    session, now, dossier = get_session(), utcnow(), None
    try:
        new = response is None
        recent = 0
        if new:
            if page != 0:
                raise Refusal("survey.not_started")
            key = integrity.client_key(now)
            recent = integrity.recent_by_client(session, key, now)
            if recent >= integrity.rate_limit():
                raise Refusal("survey.rate_limited")
            response = Response(
                uuid=response_uuid, questionnaire_id=questionnaire.id,
                questionnaire_version=questionnaire.version, channel="qr", status="in_progress",
                service_point_id=service_point.id, unit_id=service_point.unit_id,
                language=language, client_key=key, started_at=now)
        elif (response.service_point_id != service_point.id
              or (response.questionnaire_id, response.questionnaire_version) != questionnaire.key):
            raise Refusal("survey.version_changed")
        if page != response.current_page:
            # A replayed or out-of-order page: what was stored stays as it is.
            raise Refusal("survey.already_recorded" if page < response.current_page
                          else "survey.not_started")
        if skip and page <= questionnaire.complete_page:
            raise Refusal("survey.not_started")
        dossier = checked.values.get(DOSSIER_ITEM)
        if dossier and _dossier_taken(session, service_point.id, dossier, response.id):
            raise Refusal("survey.dossier_rated")
        response.dossier_code = dossier or response.dossier_code
        finished = skip or page + 1 == len(questionnaire.sections)
        response.current_page = len(questionnaire.sections) if finished else page + 1
        if page == questionnaire.complete_page:
            response.status, response.submitted_at = "submitted", now
            response.flags = integrity.flags_for(session, response, questionnaire, service_point,
                                                 checked.values, now, honeypot, recent + new)
        elif honeypot:
            response.flags = integrity.add_flag(response.flags, integrity.FLAG_HONEYPOT)
        session.add(response)
        session.flush()
        if not skip:
            _replace_answers(session, response, questionnaire.sections[page], checked, new)
        session.commit()
        return response
    except IntegrityError:
        # Two tabs racing on one dossier or one response id: the first one won.
        session.rollback()
        raise Refusal("survey.dossier_rated" if dossier else "survey.already_recorded") from None
    except Refusal:
        session.rollback()
        raise


def _replace_answers(session, response, section, checked, new):
    item_ids = [item.id for item in section.items]
    if not new:
        session.exec(delete(Answer).where(Answer.response_id == response.id,
                                          Answer.item_id.in_(item_ids)))
    session.add_all(Answer(response_id=response.id, item_id=item_id, value=value,
                           value_num=checked.numbers.get(item_id))
                    for item_id, value in checked.values.items() if item_id in item_ids)
