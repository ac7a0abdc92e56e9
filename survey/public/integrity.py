"""Integrity without accounts: a daily-rotating client key, rate limits, and flags.

The client key is an HMAC of the address and browser under a salt derived from the secret key
and the local date: within a day it links one client's submissions; across days it does not,
and the raw address is never stored. Suspicious responses are flagged, never dropped.
"""
import hashlib
import hmac
from datetime import timedelta
from zoneinfo import ZoneInfo

from flask import current_app, request
from sqlalchemy import func
from sqlmodel import select

from survey.models import Answer, Response
from survey.service_points.hours import is_open

FLAG_BURST = "burst"
FLAG_IDENTICAL_TOP = "identical_top"
FLAG_OUTSIDE_HOURS = "outside_hours"
FLAG_HONEYPOT = "honeypot"


def local_now(now):
    return now.astimezone(ZoneInfo(current_app.config["DEFAULT_TIMEZONE"]))


def client_key(now) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    salt = hmac.new(secret, f"client-key:{local_now(now).date()}".encode(), hashlib.sha256).digest()
    who = f"{request.remote_addr}|{request.user_agent.string}".encode()
    return hmac.new(salt, who, hashlib.sha256).hexdigest()


def _count_up_to(session, rows, cap: int) -> int:
    """Count the rows of a query, stopping at `cap`: the checks only ask "at least N?", and a
    busy desk must not make every submission count its whole window."""
    return session.exec(select(func.count()).select_from(rows.limit(cap).subquery())).one()


def recent_by_client(session, key: str, now) -> int:
    """Responses this client started within the window, counted up to the rate limit."""
    since = now - timedelta(seconds=current_app.config["QR_CLIENT_WINDOW_SECONDS"])
    rows = select(Response.id).where(Response.client_key == key, Response.started_at >= since)
    return _count_up_to(session, rows, rate_limit())


def rate_limit() -> int:
    return current_app.config["QR_RATE_LIMIT_COUNT"]


def add_flag(flags: str, flag: str) -> str:
    return ";".join(sorted({*filter(None, flags.split(";")), flag}))


def _headline(questionnaire):
    """The first scale item of the page that makes a response count (the desk's faces)."""
    section = questionnaire.sections[questionnaire.complete_page]
    return next((i for i in section.items if i.scale_points), None)


def _identical_top_run(session, response, questionnaire, values, now) -> bool:
    item = _headline(questionnaire)
    if item is None or response.service_point_id is None:
        return False
    top = str(item.scale_points)
    if values.get(item.id) != top:
        return False
    since = now - timedelta(seconds=current_app.config["QR_IDENTICAL_WINDOW_SECONDS"])
    threshold = current_app.config["QR_IDENTICAL_FLAG_COUNT"]
    rows = (select(Response.id).join(Answer, Answer.response_id == Response.id)
            .where(Response.service_point_id == response.service_point_id,
                   Response.submitted_at >= since, Response.uuid != response.uuid,
                   Answer.item_id == item.id, Answer.value == top)
            .order_by(Response.submitted_at.desc()))
    return _count_up_to(session, rows, threshold) + 1 >= threshold


def flags_for(session, response, questionnaire, service_point, values, now, honeypot: bool,
              client_count: int):
    """The integrity flags of a response at the moment it comes to count.

    `client_count` is how many responses this client started within the window, this one included.
    """
    flags = set(filter(None, response.flags.split(";")))
    if honeypot:
        flags.add(FLAG_HONEYPOT)
    if client_count >= current_app.config["QR_BURST_FLAG_COUNT"]:
        flags.add(FLAG_BURST)
    if _identical_top_run(session, response, questionnaire, values, now):
        flags.add(FLAG_IDENTICAL_TOP)
    if is_open(service_point.opening_hours, local_now(now).replace(tzinfo=None)) is False:
        flags.add(FLAG_OUTSIDE_HOURS)
    return ";".join(sorted(flags))
