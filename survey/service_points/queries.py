"""Reads of service points."""
from sqlmodel import select

from survey.db import get_session
from survey.models import AdminUnit, ServicePoint


def query_service_points(kind=None, unit_id=None) -> list[tuple[ServicePoint, AdminUnit]]:
    stmt = (select(ServicePoint, AdminUnit).join(AdminUnit, AdminUnit.id == ServicePoint.unit_id)
            .order_by(AdminUnit.code, ServicePoint.name))
    if kind:
        stmt = stmt.where(ServicePoint.kind == kind)
    if unit_id:
        stmt = stmt.where(ServicePoint.unit_id == unit_id)
    return list(get_session().exec(stmt).all())


def query_service_point(service_point_id: int) -> ServicePoint | None:
    return get_session().get(ServicePoint, service_point_id)


def query_service_point_by_code(code: str) -> ServicePoint | None:
    stmt = select(ServicePoint).where(ServicePoint.code == code.strip().upper())
    return get_session().exec(stmt).first()
