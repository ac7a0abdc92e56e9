"""Writes for accounts: create users, check a sign-in with throttling, revoke sessions."""
import re
import unicodedata
from dataclasses import dataclass

from werkzeug.security import check_password_hash, generate_password_hash

from survey.auth.queries import query_user_by_name
from survey.auth.throttle import client_for, wait_seconds
from survey.db import transaction
from survey.models import LoginAttempt, User
from survey.models.base import utcnow
from survey.models.users import ROLES

MIN_PASSWORD_LENGTH = 10
USERNAME = re.compile(r"^[\w.-]{1,64}$")
# Checked against when the username is unknown, so timing does not reveal which names exist.
_DUMMY_HASH = generate_password_hash("not a real password")


class AccountError(ValueError):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def normalise_username(username: str) -> str:
    return unicodedata.normalize("NFC", username.strip().lower())


def create_user(username: str, password: str, role: str, display_name: str = "") -> User:
    username = normalise_username(username)
    if not USERNAME.match(username):
        raise AccountError("user.bad_username")
    if role not in ROLES:
        raise AccountError("user.bad_role")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("user.weak_password")
    if query_user_by_name(username) is not None:
        raise AccountError("user.exists")
    with transaction() as session:
        user = User(username=username, password_hash=generate_password_hash(password),
                    role=role, display_name=display_name.strip())
        session.add(user)
    return user


def change_password(user: User, password: str) -> None:
    """Set a new password; every session of the user signed in before ends."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("user.weak_password")
    with transaction() as session:
        user.password_hash = generate_password_hash(password)
        user.session_version += 1
        session.add(user)


def change_role(user: User, role: str) -> None:
    """Give the user another role; sessions opened with the old one end."""
    if role not in ROLES:
        raise AccountError("user.bad_role")
    with transaction() as session:
        user.role = role
        user.session_version += 1
        session.add(user)


def revoke_sessions(user: User) -> None:
    """End every session of the user (on sign-out: a copied cookie is worthless afterwards)."""
    with transaction() as session:
        user.session_version += 1
        session.add(user)


@dataclass(frozen=True)
class SignIn:
    user: User | None
    error: str | None  # "login.throttled" or "login.invalid"
    wait_seconds: int = 0


def authenticate(username: str, password: str) -> SignIn:
    """Check the credentials unless this client must wait (auth/throttle.py); log the attempt."""
    now, username = utcnow(), normalise_username(username)[:64]
    user = query_user_by_name(username)
    client = client_for(user.id if user else None, now)
    wait = wait_seconds(username, client, now)
    if wait:
        return SignIn(None, "login.throttled", wait)
    valid = check_password_hash(user.password_hash if user else _DUMMY_HASH, password)
    ok = bool(user and valid and user.active)
    with transaction() as session:
        session.add(LoginAttempt(username=username, client_key=client.key, succeeded=ok))
        if ok:
            user.last_login_at = now
            session.add(user)
    return SignIn(user if ok else None, None if ok else "login.invalid")
