"""Paper-form entry: batches of paper forms, clerks assigned to them, every keying, the audit trail.

One paper form is one `Response` (channel "paper"); each time a clerk keys it is one `PaperEntry`,
never overwritten, so double entry can be compared and an error rate computed per clerk.
"""
from datetime import datetime

from sqlalchemy import CheckConstraint, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from survey.models.base import one_of, utcnow

ENTRY_KINDS = ("first", "second")


class Batch(SQLModel, table=True):
    """A bundle of paper forms from one surveyor, for one wave and unit, handed to clerks to key."""

    __tablename__ = "entry_batch"
    __table_args__ = (CheckConstraint("form_count > 0", name="ck_entry_batch_form_count"),)

    id: int | None = Field(default=None, primary_key=True)
    wave_id: int = Field(foreign_key="wave.id", index=True)
    # Copied from the wave when the batch is made: what every form in it is checked against.
    questionnaire_id: str = Field(max_length=40)
    questionnaire_version: int
    unit_id: int = Field(foreign_key="admin_unit.id", index=True)
    service_point_id: int | None = Field(default=None, foreign_key="service_point.id")
    # The member of staff who collected the forms (never a respondent).
    surveyor_name: str = Field(max_length=120)
    form_count: int
    created_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow)


class BatchClerk(SQLModel, table=True):
    __tablename__ = "entry_batch_clerk"

    batch_id: int = Field(foreign_key="entry_batch.id", primary_key=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="app_user.id", primary_key=True, index=True)


class PaperEntry(SQLModel, table=True):
    """One keying of one paper form by one clerk, exactly as accepted; never edited."""

    __tablename__ = "paper_entry"
    __table_args__ = (
        one_of("entry_kind", ENTRY_KINDS, "ck_paper_entry_kind"),
        Index("ix_paper_entry_response", "response_id", "entry_number"),
        # The database, not a read-then-write check, makes these impossible, so two requests at
        # the same instant cannot both pass (row locks do nothing on SQLite):
        # one clerk keys a paper form at most once;
        UniqueConstraint("response_id", "clerk_id", name="uq_paper_entry_clerk"),
        # a form number names one paper form within its batch (numbers restart in every batch),
        # and each of its entries has its own place.
        UniqueConstraint("batch_id", "paper_form_number", "entry_number",
                         name="uq_paper_entry_form_number"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # Made on the device: a retried sync sends the same UUID and gets the same receipt.
    uuid: str = Field(max_length=36, unique=True)
    batch_id: int = Field(foreign_key="entry_batch.id", index=True)
    response_id: int = Field(foreign_key="response.id")
    clerk_id: int = Field(foreign_key="app_user.id", index=True)
    # What the clerk said it was (first or verifying entry) and its place among the form's entries.
    entry_kind: str = Field(max_length=8)
    entry_number: int
    paper_form_number: str = Field(max_length=40)
    # The checked answers (item id → canonical text) as JSON, and a hash of what was sent.
    answers: str = Field(sa_column=Column(Text, nullable=False))
    content_hash: str = Field(max_length=64)
    keyed_at: datetime | None = None
    received_at: datetime = Field(default_factory=utcnow)


class AuditEvent(SQLModel, table=True):
    """Who did what to which record, when, with the values before and after (JSON)."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    action: str = Field(max_length=32)
    entity: str = Field(max_length=32)
    entity_id: int
    # The batch the record belongs to, so a supervisor sees the trail of their units only.
    batch_id: int | None = Field(default=None, foreign_key="entry_batch.id", index=True)
    old_value: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    new_value: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
