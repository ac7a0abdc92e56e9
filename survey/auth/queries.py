"""Reads for sign-in: users and recent failed attempts."""
from datetime import timedelta

from sqlalchemy import func
from sqlmodel import select

from survey.db import get_session
from survey.models import LoginAttempt, User
from survey.models.base import utcnow


def query_active_user(user_id: str) -> User | None:
    try:
        user = get_session().get(User, int(user_id))
    except ValueError:
        return None
    return user if user is not None and user.active else None


def query_user_by_name(username: str) -> User | None:
    return get_session().exec(select(User).where(User.username == username)).first()


def query_recent_failures(window_seconds: int, *, username=None, client_key=None) -> int:
    since = utcnow() - timedelta(seconds=window_seconds)
    stmt = select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.succeeded.is_(False), LoginAttempt.attempted_at >= since
    )
    if username is not None:
        stmt = stmt.where(LoginAttempt.username == username)
    if client_key is not None:
        stmt = stmt.where(LoginAttempt.client_key == client_key)
    return get_session().exec(stmt).one()
