"""Integrity without accounts: layered counts on daily-rotating client keys, and a desk's pace.

Suspicious ratings are flagged, never dropped; flagged ratings stay out of the default
estimate (survey.estimates.dataset). The layers, each read in the one statement below:

- device (network + browser, `burst`): one phone rating again and again. Its browser part is
  chosen by the client, so this layer only flags and a new User-Agent resets nothing else;
- network (IPv4 address or IPv6 /64, `network_burst`): nothing the client sends changes it.
  Citizens behind one commune Wi-Fi or carrier NAT share it, so its flag threshold is generous,
  and past it every rating of the network in the window is flagged (a stuffing run is flagged
  from its first rating). Only far above it are new ratings refused, to protect the database;
- desk (`desk_rate`): a desk cannot serve dozens of people a minute, whatever their addresses;
  past the pace every rating of the desk in that minute is flagged;
- identical top ratings at a desk (`identical_top`), outside opening hours, the honeypot.
"""
from dataclasses import dataclass
from datetime import UTC, timedelta
from functools import cache

from flask import current_app
from sqlalchemy import bindparam, func, insert, literal, not_, select

from survey.client_key import device_key, local_now, network_key
from survey.models import Answer, Response
from survey.models.client_keys import CLIENT_KEY_TABLES, RING_DAYS, client_key_table
from survey.responses import set_flags
from survey.service_points.hours import is_open

FLAG_BURST = "burst"
FLAG_NETWORK_BURST = "network_burst"
FLAG_DESK_RATE = "desk_rate"
FLAG_IDENTICAL_TOP = "identical_top"
FLAG_OUTSIDE_HOURS = "outside_hours"
FLAG_HONEYPOT = "honeypot"


@dataclass(frozen=True)
class ClientKeys:
    network: str
    device: str


@dataclass(frozen=True)
class WindowCounts:
    """What the integrity checks need to know of the recent past, read in one statement; each
    count is capped at the largest threshold it is compared with."""

    device: int        # ratings this browser on this network started within the window
    network: int       # ratings this network started within the window
    desk_recent: int   # other ratings counted at this desk within the desk-pace window
    desk_top: int      # other top ratings at this desk within their window


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


def _desk_rows(top: bool):
    response, answer = Response.__table__.c, Answer.__table__.c
    rows = select(response.id).where(
        response.service_point_id == bindparam("point_id"),
        response.submitted_at >= bindparam("top_since" if top else "pace_since"),
        response.uuid != bindparam("response_uuid"))
    if top:
        rows = rows.join(Answer.__table__, answer.response_id == response.id).where(
            answer.item_id == bindparam("item_id"), answer.value == bindparam("top_value"))
    return rows.order_by(response.submitted_at.desc())


@cache
def _window_statement(slot: int, desk: bool, top: bool):
    """Every count in one statement; built once per ring table and shape: they run on every
    rating, and building and cache-keying a fresh statement costs more CPU than the database
    spends answering it. Without a top rating the top count is not run at all: it could only
    come to 0, and finding that out walks every rating of the window (benchmarks/bench_qr_load.py)."""
    ring = CLIENT_KEY_TABLES[slot].c
    device = _capped_count(select(ring.response_id).where(
        ring.device_key == bindparam("device_key"), ring.started_at >= bindparam("since")),
        "device_cap")
    network = _capped_count(select(ring.response_id).where(
        ring.network_key == bindparam("network_key"), ring.started_at >= bindparam("since")),
        "network_cap")
    pace = _capped_count(_desk_rows(False), "pace_cap") if desk else literal(0)
    tops = _capped_count(_desk_rows(True), "top_cap") if top else literal(0)
    return select(device, network, pace, tops)


def keys_for(session, response, now) -> ClientKeys | None:
    """The keys of the client behind a rating: from the request for a new one, else as stored
    when it started (None once purged, or lost in a crash)."""
    if response is None:
        return ClientKeys(network_key(now), device_key(now))
    started = response.started_at
    if started.tzinfo is None:  # SQLite gives back naive UTC
        started = started.replace(tzinfo=UTC)
    ring = client_key_table(local_now(started).date()).c
    found = session.connection().execute(
        select(ring.network_key, ring.device_key).where(ring.response_id == response.id)).first()
    return ClientKeys(*found) if found else None


def window_counts(session, *, keys, service_point_id, response_uuid, top, completes, now
                  ) -> WindowCounts:
    config = current_app.config
    desk = completes and service_point_id is not None
    statement = _window_statement(local_now(now).date().toordinal() % RING_DAYS, desk,
                                  desk and top is not None)
    params = {
        "device_key": keys.device if keys else "", "network_key": keys.network if keys else "",
        "since": now - timedelta(seconds=config["QR_CLIENT_WINDOW_SECONDS"]),
        "device_cap": config["QR_BURST_FLAG_COUNT"],
        "network_cap": max(config["QR_NETWORK_FLAG_COUNT"], rate_limit()),
    }
    if desk:
        params.update(point_id=service_point_id, response_uuid=response_uuid,
                      pace_since=now - timedelta(seconds=config["QR_DESK_PACE_WINDOW_SECONDS"]),
                      pace_cap=config["QR_DESK_PACE_FLAG_COUNT"])
    if desk and top is not None:
        params.update(top_since=now - timedelta(seconds=config["QR_IDENTICAL_WINDOW_SECONDS"]),
                      item_id=top[0], top_value=top[1], top_cap=config["QR_IDENTICAL_FLAG_COUNT"])
    return WindowCounts(*session.connection().execute(statement, params).one())


def rate_limit() -> int:
    """New ratings one network may start within the window before it is refused."""
    return current_app.config["QR_RATE_LIMIT_COUNT"]


def add_flag(flags: str, flag: str) -> str:
    return ";".join(sorted({*filter(None, flags.split(";")), flag}))


def flags_for(flags: str, service_point, now, honeypot: bool, counts: WindowCounts, top, new: bool):
    """The integrity flags of a response at the moment it comes to count."""
    found = set(filter(None, flags.split(";")))
    config = current_app.config
    if honeypot:
        found.add(FLAG_HONEYPOT)
    if counts.device + new >= config["QR_BURST_FLAG_COUNT"]:
        found.add(FLAG_BURST)
    if counts.network + new >= config["QR_NETWORK_FLAG_COUNT"]:
        found.add(FLAG_NETWORK_BURST)
    if counts.desk_recent + 1 >= config["QR_DESK_PACE_FLAG_COUNT"]:
        found.add(FLAG_DESK_RATE)
    if top is not None and counts.desk_top + 1 >= config["QR_IDENTICAL_FLAG_COUNT"]:
        found.add(FLAG_IDENTICAL_TOP)
    if is_open(service_point.opening_hours, local_now(now).replace(tzinfo=None)) is False:
        found.add(FLAG_OUTSIDE_HOURS)
    return ";".join(sorted(found))


def remember(session, response_id: int, keys: ClientKeys, service_point_id, now) -> None:
    """Keep a new rating's client keys in today's ring table (see survey.models.client_keys)."""
    ring = client_key_table(local_now(now).date())
    session.connection().execute(insert(ring), {
        "response_id": response_id, "service_point_id": service_point_id,
        "network_key": keys.network, "device_key": keys.device, "started_at": now})


def flag_runs(session, flags: str, keys: ClientKeys | None, service_point_id, now) -> None:
    """Flag the whole run a rating belongs to once it crossed a network or desk threshold, so
    the ratings before the threshold do not count either."""
    config, response = current_app.config, Response.__table__.c
    runs = []
    if FLAG_NETWORK_BURST in flags and keys is not None:
        ring = client_key_table(local_now(now).date()).c
        since = now - timedelta(seconds=config["QR_CLIENT_WINDOW_SECONDS"])
        runs.append((FLAG_NETWORK_BURST, select(ring.response_id).where(
            ring.network_key == keys.network, ring.started_at >= since)))
    if FLAG_DESK_RATE in flags and service_point_id is not None:
        since = now - timedelta(seconds=config["QR_DESK_PACE_WINDOW_SECONDS"])
        runs.append((FLAG_DESK_RATE, select(response.id).where(
            response.service_point_id == service_point_id, response.submitted_at >= since)))
    for flag, members in runs:
        rows = session.connection().execute(select(response.id, response.flags).where(
            response.id.in_(members), not_(response.flags.contains(flag)))).all()
        if rows:
            set_flags(session, {rid: add_flag(old, flag) for rid, old in rows})
