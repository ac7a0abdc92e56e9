"""Reads of the citizen survey."""
from sqlmodel import select

from survey.db import get_session
from survey.models import Answer, Response, ServicePoint
from survey.service_points.queries import query_service_point_by_code
from survey.startup import registry


def query_service_point(code: str) -> ServicePoint | None:
    return query_service_point_by_code(code)


def questionnaire_for(point: ServicePoint):
    """The questionnaire chosen for this service point, else the default for its kind."""
    if point.questionnaire_id:
        return registry().get(point.questionnaire_id)
    return registry().default_for(point.kind)


def query_response(response_uuid: str) -> Response | None:
    return get_session().exec(select(Response).where(Response.uuid == response_uuid)).first()


def query_answers(response: Response | None) -> dict[str, str]:
    if response is None:
        return {}
    stmt = select(Answer).where(Answer.response_id == response.id)
    return {a.item_id: a.value for a in get_session().exec(stmt).all()}
