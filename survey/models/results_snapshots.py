"""Results tables computed in the background and kept, so a large wave's page need not recompute."""
from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from survey.models.base import one_of, utcnow

SNAPSHOT_STATUSES = ("computing", "ready", "failed")


class ResultsSnapshot(SQLModel, table=True):
    """The last computed results table of one wave, breakdown, inclusion choice and language.

    `table` is the last complete table (JSON), kept while a newer one is computed so the page can
    show it as of `computed_at`; `fingerprint` and `revision` say which data and design it is of.
    """

    __tablename__ = "results_snapshot"
    __table_args__ = (
        UniqueConstraint("wave_id", "breakdown", "include_flagged", "include_unverified", "lang",
                         name="uq_results_snapshot_key"),
        one_of("status", SNAPSHOT_STATUSES, "ck_results_snapshot_status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    wave_id: int = Field(foreign_key="wave.id", index=True)
    # "" for the whole wave, else a domain (commune, district, ...) or a demographic item id.
    breakdown: str = Field(max_length=80)
    include_flagged: bool
    include_unverified: bool
    lang: str = Field(max_length=8)
    status: str = Field(default="computing", max_length=10)
    # An error code (see survey.results.messages), never a stack trace.
    error: str | None = Field(default=None, max_length=40)
    # When the running (or last) computation started: one silent for long has died and is retaken.
    started_at: datetime = Field(default_factory=utcnow)
    table: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    fingerprint: str | None = Field(default=None, max_length=400)
    revision: int | None = None
    computed_at: datetime | None = None
