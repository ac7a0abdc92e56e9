"""Staff accounts (citizens never log in), their unit scope, and login attempts for throttling."""
from datetime import datetime

from flask_login import UserMixin
from sqlmodel import Field, SQLModel

from survey.models.base import one_of, utcnow

ROLES = ("admin", "supervisor", "clerk", "statistician", "viewer")


class User(UserMixin, SQLModel, table=True):
    __tablename__ = "app_user"
    __table_args__ = (one_of("role", ROLES, "ck_app_user_role"),)

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True)
    password_hash: str = Field(max_length=255)
    role: str = Field(max_length=16)
    display_name: str = Field(default="", max_length=120)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)
    last_login_at: datetime | None = None
    # Part of the id kept in the session cookie: raising it (logout, new password, new role)
    # makes every cookie issued before worthless, though its signature is still valid.
    session_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}.{self.session_version}"


class UserUnit(SQLModel, table=True):
    """The units a supervisor (or clerk) works in."""

    __tablename__ = "user_unit"

    user_id: int = Field(foreign_key="app_user.id", primary_key=True)
    unit_id: int = Field(foreign_key="admin_unit.id", primary_key=True)


class LoginAttempt(SQLModel, table=True):
    """A login attempt, keyed by hashes only: never the raw IP address."""

    __tablename__ = "login_attempt"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, index=True)
    client_key: str = Field(max_length=64, index=True)
    succeeded: bool
    attempted_at: datetime = Field(default_factory=utcnow, index=True)
