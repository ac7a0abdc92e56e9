"""Places where citizens receive a service and where QR posters hang."""
from datetime import datetime

from sqlmodel import Field, SQLModel

from survey.models.base import one_of, utcnow
from survey.service_kinds import SERVICE_KINDS


class ServicePoint(SQLModel, table=True):
    __tablename__ = "service_point"
    __table_args__ = (one_of("kind", SERVICE_KINDS, "ck_service_point_kind"),)

    id: int | None = Field(default=None, primary_key=True)
    # Short, stable and public: printed in QR URLs as /q/<code>; stored upper-case.
    code: str = Field(max_length=16, unique=True)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=24)
    unit_id: int = Field(foreign_key="admin_unit.id", index=True)
    # None: the questionnaire registered as default for the kind.
    questionnaire_id: str | None = Field(default=None, max_length=40)
    active: bool = True
    # Weekly hours in the format of survey.service_points.hours, e.g. "mon-fri 07:30-11:30 13:30-17:00".
    opening_hours: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
