"""Survey waves: one questionnaire fielded over a period, by QR, on paper, or both.

A wave is what paper batches are keyed into and what results, weights and exports are computed
for. Its sampling design (strata, PSUs, frame sizes, calibration) lives in tables of its own.
"""
from datetime import date, datetime

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel

from survey.models.base import one_of, utcnow

WAVE_MODES = ("qr", "paper", "both")


class Wave(SQLModel, table=True):
    __tablename__ = "wave"
    __table_args__ = (
        one_of("mode", WAVE_MODES, "ck_wave_mode"),
        CheckConstraint("period_start <= period_end", name="ck_wave_period"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    name: str = Field(max_length=200)
    questionnaire_id: str = Field(max_length=40, index=True)
    questionnaire_version: int
    period_start: date
    period_end: date
    mode: str = Field(default="both", max_length=8)
    # Paper forms count in analysis once verified by double entry; a wave may choose to count
    # forms keyed once as well (e.g. a pilot without a second clerk).
    count_unverified_paper: bool = False
    created_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow)
