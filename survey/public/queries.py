"""Reads of the citizen survey."""
import time
from dataclasses import dataclass

from flask import current_app

from survey.service_points.queries import query_service_point_by_code
from survey.startup import registry


@dataclass(frozen=True)
class PointView:
    """What the citizen pages need of a service point, detached from any database session."""

    id: int
    code: str
    name: str
    kind: str
    unit_id: int
    questionnaire_id: str | None
    active: bool
    opening_hours: str


def query_service_point(code: str) -> PointView | None:
    """The service point behind a QR code, read at most once per SERVICE_POINT_CACHE_SECONDS."""
    cache = current_app.extensions.setdefault("service_point_cache", {})
    key, now = code.strip().upper(), time.monotonic()
    hit = cache.get(key)
    if hit is not None and now - hit[0] < current_app.config["SERVICE_POINT_CACHE_SECONDS"]:
        return hit[1]
    row = query_service_point_by_code(key)
    view = None if row is None else PointView(
        row.id, row.code, row.name, row.kind, row.unit_id, row.questionnaire_id, row.active,
        row.opening_hours)
    if len(cache) > 10_000:  # codes typed wrong by hand must not grow the cache without end
        cache.clear()
    cache[key] = (now, view)
    return view


def questionnaire_for(point: PointView):
    """The questionnaire chosen for this service point, else the default for its kind."""
    if point.questionnaire_id:
        return registry().get(point.questionnaire_id)
    return registry().default_for(point.kind)

