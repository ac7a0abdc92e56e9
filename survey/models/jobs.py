"""Background jobs: one row per piece of work handed to the worker, for the admins' jobs page.

The queue itself (what is waiting, what is scheduled) is huey's, in its own tables of the same
database (migration 0010); this row says what the work was and how it went.
"""
from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from survey.models.base import one_of, utcnow

JOB_STATES = ("queued", "running", "retrying", "done", "failed")


class Job(SQLModel, table=True):
    __tablename__ = "job"
    __table_args__ = (one_of("state", JOB_STATES, "ck_job_state"),)

    id: int | None = Field(default=None, primary_key=True)
    # The name the worker runs it by (survey.jobs.queue.KINDS).
    kind: str = Field(max_length=40)
    # The arguments, as JSON: ids only, never personal data.
    args: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    state: str = Field(default="queued", max_length=10)
    attempts: int = 0
    # An error code (see survey.jobs.messages), never a stack trace.
    error: str | None = Field(default=None, max_length=40)
    enqueued_at: datetime = Field(default_factory=utcnow, index=True)
    started_at: datetime | None = None
    finished_at: datetime | None = None
