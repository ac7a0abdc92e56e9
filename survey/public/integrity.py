"""Integrity without accounts: rate limits and flags on the daily-rotating client key
(survey.client_key). Suspicious responses are flagged, never dropped.
"""
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import bindparam, func
from sqlmodel import select

from survey.client_key import local_now
from survey.models import Answer, Response
from survey.service_points.hours import is_open

FLAG_BURST = "burst"
FLAG_IDENTICAL_TOP = "identical_top"
FLAG_OUTSIDE_HOURS = "outside_hours"
FLAG_HONEYPOT = "honeypot"


@dataclass(frozen=True)
class WindowCounts:
    """What the integrity checks need to know of the recent past, read in one statement."""

    client: int    # responses this client started within its window (up to the rate limit)
    desk_top: int  # other top ratings at this desk within its window (up to the flag threshold)


def _capped_count(rows, cap: str):
    # The checks only ask "at least N?": a busy desk must not make each rating count its window.
    return (select(func.count()).select_from(rows.limit(bindparam(cap)).subquery())
            .scalar_subquery())


def top_rating(questionnaire, values):
    """(item id, top value) when this response gives the top rating on the headline item
    (the first scale item of the page that makes a response count, e.g. the desk's faces)."""
    section = questionnaire.sections[questionnaire.complete_page]
    item = next((i for i in section.items if i.scale_points), None)
    if item is None or values.get(item.id) != str(item.scale_points):
        return None
    return item.id, str(item.scale_points)


def _window_statements():
    """The client count alone, and both counts in one statement; built once: they run on
    every rating, and building and cache-keying a fresh statement costs more CPU than the
    database spends answering it."""
    response, answer = Response.__table__.c, Answer.__table__.c
    client = _capped_count(select(response.id).where(
        response.client_key == bindparam("client_key"),
        response.started_at >= bindparam("client_since")), "client_cap")
    desk = _capped_count(
        select(response.id).join(Answer.__table__, answer.response_id == response.id)
        .where(response.service_point_id == bindparam("point_id"),
               response.submitted_at >= bindparam("desk_since"),
               response.uuid != bindparam("response_uuid"),
               answer.item_id == bindparam("item_id"), answer.value == bindparam("top_value"))
        .order_by(response.submitted_at.desc()),
        "desk_cap")
    return select(client, 0), select(client, desk)


# Without a top rating the desk count is not run at all: it could only come to 0, and finding
# that out walks every rating of the window (PostgreSQL, benchmarks/bench_qr_load.py).
_CLIENT_COUNT, _WINDOW_COUNTS = _window_statements()


def window_counts(session, *, client_key, service_point_id, response_uuid, top, now) -> WindowCounts:
    config = current_app.config
    client = {
        "client_key": client_key,
        "client_since": now - timedelta(seconds=config["QR_CLIENT_WINDOW_SECONDS"]),
        "client_cap": rate_limit(),
    }
    if top is None or service_point_id is None:
        found = session.connection().execute(_CLIENT_COUNT, client).one()
    else:
        found = session.connection().execute(_WINDOW_COUNTS, {
            **client, "point_id": service_point_id, "response_uuid": response_uuid,
            "desk_since": now - timedelta(seconds=config["QR_IDENTICAL_WINDOW_SECONDS"]),
            "item_id": top[0], "top_value": top[1],
            "desk_cap": config["QR_IDENTICAL_FLAG_COUNT"],
        }).one()
    return WindowCounts(found[0], found[1])


def rate_limit() -> int:
    return current_app.config["QR_RATE_LIMIT_COUNT"]


def add_flag(flags: str, flag: str) -> str:
    return ";".join(sorted({*filter(None, flags.split(";")), flag}))


def flags_for(flags: str, service_point, now, honeypot: bool, counts: WindowCounts, top, new: bool):
    """The integrity flags of a response at the moment it comes to count."""
    found = set(filter(None, flags.split(";")))
    config = current_app.config
    if honeypot:
        found.add(FLAG_HONEYPOT)
    if counts.client + new >= config["QR_BURST_FLAG_COUNT"]:
        found.add(FLAG_BURST)
    if top is not None and counts.desk_top + 1 >= config["QR_IDENTICAL_FLAG_COUNT"]:
        found.add(FLAG_IDENTICAL_TOP)
    if is_open(service_point.opening_hours, local_now(now).replace(tzinfo=None)) is False:
        found.add(FLAG_OUTSIDE_HOURS)
    return ";".join(sorted(found))
