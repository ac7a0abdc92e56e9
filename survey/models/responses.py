"""Responses from every channel, and their answers stored against (questionnaire, version, item).

A response is anonymous: no name, phone, raw IP or precise location. The hashed, expiring client
keys of QR responses live apart (survey.models.client_keys); paper responses carry the paper form
number, unique within its batch (see survey.models.entry.PaperEntry).
"""
from datetime import date, datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from survey.models.base import one_of, utcnow

CHANNELS = ("qr", "paper")
RESPONSE_STATUSES = ("in_progress", "submitted")
# Paper forms only (NULL for QR): keyed once, keyed twice and matching (or resolved by a
# supervisor), or keyed twice with differences still to resolve.
VERIFICATION_STATES = ("unverified", "verified", "conflict")


class Response(SQLModel, table=True):
    __tablename__ = "response"
    __table_args__ = (
        # One rating per dossier per service point; NULL dossier codes never collide.
        UniqueConstraint("service_point_id", "dossier_code", name="uq_response_dossier"),
        one_of("verification", VERIFICATION_STATES, "ck_response_verification"),
        one_of("channel", CHANNELS, "ck_response_channel"),
        one_of("status", RESPONSE_STATUSES, "ck_response_status"),
        # The integrity checks count the recent ratings of a desk on every citizen submission;
        # without this each submission would scan the whole table.
        Index("ix_response_point_recent", "service_point_id", "submitted_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # Made by the client for offline entry (idempotent sync) or by the server for QR.
    uuid: str = Field(max_length=36, unique=True)
    questionnaire_id: str = Field(max_length=40, index=True)
    questionnaire_version: int
    channel: str = Field(max_length=8)
    status: str = Field(default="submitted", max_length=12)
    # The next page (section) to answer on the citizen survey; all pages done = len(sections).
    current_page: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    service_point_id: int | None = Field(default=None, foreign_key="service_point.id", index=True)
    unit_id: int = Field(foreign_key="admin_unit.id", index=True)
    language: str = Field(default="vi", max_length=8)
    started_at: datetime = Field(default_factory=utcnow)
    submitted_at: datetime | None = Field(default=None, index=True)
    dossier_code: str | None = Field(default=None, max_length=40)
    paper_form_number: str | None = Field(default=None, max_length=40)
    # Paper forms: the interview date written on the form, keyed by the clerk. Trends use it
    # instead of the keying time, which can be weeks later.
    interview_date: date | None = Field(default=None)
    # Set for paper forms (from their batch); QR responses belong to the waves whose
    # questionnaire and period they match.
    wave_id: int | None = Field(default=None, foreign_key="wave.id", index=True)
    verification: str | None = Field(default=None, max_length=12)
    # ';'-separated integrity flag codes; flagged responses are kept, never silently deleted.
    flags: str = Field(default="", max_length=200)


class Answer(SQLModel, table=True):
    __tablename__ = "answer"

    response_id: int = Field(foreign_key="response.id", primary_key=True, ondelete="CASCADE")
    item_id: str = Field(max_length=64, primary_key=True, index=True)
    # The canonical text form (choice codes space-separated for multiple choice, ISO dates).
    value: str = Field(sa_column=Column(Text, nullable=False))
    # The same value as a number where it is one, so SQL can aggregate scales directly.
    value_num: float | None = None
