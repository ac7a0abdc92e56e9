"""Writes for accounts: create users, check a sign-in with throttling."""
import re
import unicodedata
from dataclasses import dataclass

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from survey.auth.queries import query_recent_failures, query_user_by_name
from survey.client_key import client_key
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


@dataclass(frozen=True)
class SignIn:
    user: User | None
    error: str | None  # "login.throttled" or "login.invalid"


def authenticate(username: str, password: str) -> SignIn:
    """Check the credentials unless this user or client failed too often recently; log the attempt."""
    config = current_app.config
    username, key = normalise_username(username)[:64], client_key(utcnow())
    window = config["LOGIN_WINDOW_SECONDS"]
    if (
        query_recent_failures(window, username=username) >= config["LOGIN_MAX_FAILURES_PER_USER"]
        or query_recent_failures(window, client_key=key) >= config["LOGIN_MAX_FAILURES_PER_CLIENT"]
    ):
        return SignIn(None, "login.throttled")
    user = query_user_by_name(username)
    valid = check_password_hash(user.password_hash if user else _DUMMY_HASH, password)
    ok = bool(user and valid and user.active)
    with transaction() as session:
        session.add(LoginAttempt(username=username, client_key=key, succeeded=ok))
        if ok:
            user.last_login_at = utcnow()
            session.add(user)
    return SignIn(user if ok else None, None if ok else "login.invalid")
