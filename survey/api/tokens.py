"""API tokens: made once and shown once, stored as a SHA-256 hash, revocable, with an expiry.

A token is 32 random bytes, so a fast hash is enough (no password stretching needed): nobody
can guess a preimage, and a lookup by hash stays one indexed read.
"""
import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlmodel import select

from survey.db import get_session, transaction
from survey.models import ApiToken, User

PREFIX = "lcs_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user_id: int, name: str) -> tuple[ApiToken, str]:
    """Store a new token for `user_id`; return it and its secret text (never stored)."""
    secret = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user_id, name=name, token_hash=hash_token(secret), prefix=secret[:12],
                   expires_at=datetime.now(UTC) + timedelta(days=current_app.config["API_TOKEN_DAYS"]))
    with transaction() as session:
        session.add(row)
    return row, secret


def revoke_token(token: ApiToken) -> None:
    with transaction() as session:
        token = session.get(ApiToken, token.id)
        if token.revoked_at is None:
            token.revoked_at = datetime.now(UTC)


def query_tokens(user_id: int) -> list[ApiToken]:
    stmt = select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.created_at.desc())
    return list(get_session().exec(stmt).all())


def query_token(token_id: int) -> ApiToken | None:
    return get_session().get(ApiToken, token_id)


def _aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def authenticate(secret: str) -> tuple[User | None, str | None]:
    """(user, None) for a valid token, else (None, error code)."""
    session = get_session()
    token = session.exec(select(ApiToken).where(ApiToken.token_hash == hash_token(secret))).first()
    if token is None:
        return None, "token.unknown"
    now = datetime.now(UTC)
    if token.revoked_at is not None:
        return None, "token.revoked"
    if token.expires_at is not None and _aware(token.expires_at) <= now:
        return None, "token.expired"
    user = session.get(User, token.user_id)
    if user is None or not user.active:
        return None, "token.user_inactive"
    with transaction() as session:
        session.get(ApiToken, token.id).last_used_at = now
    return user, None


def token_state(token: ApiToken) -> str:
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and _aware(token.expires_at) <= datetime.now(UTC):
        return "expired"
    return "active"
