"""Reads for sign-in: users and recent failed attempts."""
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func
from sqlmodel import select

from survey.db import get_session
from survey.models import LoginAttempt, User
from survey.routing import MAX_ID


def query_active_user(session_id: str) -> User | None:
    """The user of a session id "<user id>.<session version>", if that session is still valid."""
    user_id, _, version = session_id.partition(".")
    if not (user_id.isascii() and user_id.isdigit() and version.isascii() and version.isdigit()):
        return None
    if int(user_id) > MAX_ID:
        return None
    user = get_session().get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def query_user_by_name(username: str) -> User | None:
    return get_session().exec(select(User).where(User.username == username)).first()


@dataclass(frozen=True)
class Failures:
    count: int
    first: datetime | None
    last: datetime | None


def _aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def query_failures(since: datetime, *, username=None, client_key=None) -> Failures:
    """Failed sign-ins since `since`, of a username, a client or the pair of both."""
    stmt = select(func.count(), func.min(LoginAttempt.attempted_at),
                  func.max(LoginAttempt.attempted_at)).where(
        LoginAttempt.succeeded.is_(False), LoginAttempt.attempted_at >= since
    )
    if username is not None:
        stmt = stmt.where(LoginAttempt.username == username)
    if client_key is not None:
        stmt = stmt.where(LoginAttempt.client_key == client_key)
    count, first, last = get_session().exec(stmt).one()
    return Failures(count, _aware(first), _aware(last))
