"""Export jobs (files written in the background) and API tokens for scripts."""
from datetime import datetime

from sqlmodel import Field, SQLModel

from survey.models.base import one_of, utcnow

EXPORT_FORMATS = ("xlsx", "sav", "dta", "parquet", "rebuild")
JOB_STATUSES = ("queued", "running", "done", "failed")


class ExportJob(SQLModel, table=True):
    """A response-level export written to a file by a worker process, with its progress."""

    __tablename__ = "export_job"
    __table_args__ = (
        one_of("format", EXPORT_FORMATS, "ck_export_job_format"),
        one_of("status", JOB_STATUSES, "ck_export_job_status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    wave_id: int = Field(foreign_key="wave.id", index=True)
    format: str = Field(max_length=8)
    include_flagged: bool = False
    # None: the wave's own rule for paper forms keyed once.
    include_unverified: bool | None = None
    status: str = Field(default="queued", max_length=8)
    rows_done: int = 0
    rows_total: int | None = None
    file_name: str | None = Field(default=None, max_length=200)
    # An error code (see survey.exports.messages), never a stack trace.
    error: str | None = Field(default=None, max_length=40)
    created_by_id: int = Field(foreign_key="app_user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    # Touched by the worker as it goes: a running job silent for long has died.
    updated_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None


class ApiToken(SQLModel, table=True):
    """A bearer token acting as its user (with the user's current role); only its hash is kept."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    name: str = Field(max_length=80)
    token_hash: str = Field(max_length=64, unique=True)
    # The first characters of the token, shown so that a user can tell tokens apart.
    prefix: str = Field(max_length=12)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime | None = None
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None
