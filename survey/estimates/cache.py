"""A small in-process cache of wave frames and results tables.

Keys carry the wave's design revision and a fingerprint of the wave's data, cheap to read on
indexes: the largest response id and latest submission time (a new or newly submitted response
changes them), and the count and id sum of the wave's paper forms per verification state (a
form verified or put in conflict changes them). A changed design changes the revision. Stale
entries are thus never served; old ones age out (least recently used). Not seen: a QR
response's flags changed after its submission. Each worker process has its own cache.
"""
import threading
from collections import OrderedDict

from sqlalchemy import func, select

from survey.models import Response, Wave

_lock = threading.Lock()
_frames: OrderedDict = OrderedDict()
_tables: OrderedDict = OrderedDict()
MAX_FRAMES = 1  # a million-response frame is a few hundred MB
MAX_TABLES = 64


def fingerprint(session, wave: Wave) -> tuple:
    latest = tuple(session.execute(select(func.max(Response.id), func.max(Response.submitted_at))).one())
    paper = session.execute(
        select(Response.verification, func.count(), func.sum(Response.id))
        .where(Response.wave_id == wave.id).group_by(Response.verification)
        .order_by(Response.verification)).all()
    return latest + tuple(tuple(row) for row in paper)


def _get(store, key, make, limit):
    with _lock:
        if key in store:
            store.move_to_end(key)
            return store[key]
    value = make()
    with _lock:
        store[key] = value
        while len(store) > limit:
            store.popitem(last=False)
    return value


def frame(key, make):
    return _get(_frames, key, make, MAX_FRAMES)


def table(key, make):
    return _get(_tables, key, make, MAX_TABLES)


def clear() -> None:
    with _lock:
        _frames.clear()
        _tables.clear()
