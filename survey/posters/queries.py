"""Reads for posters: the service points to print, grouped by unit."""
from datetime import date

from survey.models import AdminUnit, ServicePoint
from survey.service_points.queries import query_service_points


def query_units_with_points(day: date) -> list[tuple[AdminUnit, list[ServicePoint]]]:
    """Units in force on `day` that have service points, by unit code, with their points by name.

    Points of units no longer in force are left out: their posters would name a unit that
    does not exist any more, so they need a new unit before a new poster.
    """
    grouped: dict[int, tuple[AdminUnit, list[ServicePoint]]] = {}
    for point, unit in query_service_points():
        if unit.in_force_on(day):
            grouped.setdefault(unit.id, (unit, []))[1].append(point)
    return list(grouped.values())


def query_unit_points(unit_id: int) -> list[ServicePoint]:
    """The service points of one unit, by name."""
    return [point for point, _ in query_service_points(unit_id=unit_id)]
