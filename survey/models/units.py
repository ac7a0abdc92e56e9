"""Administrative units, versioned by validity window, with the 2025 merger map and census counts.

Codes were reused with a new meaning on 2025-07-01 (03618 was Xã Phúc Than, then the new Xã Mường
Than), so a unit is identified by (code, valid_from), never by code alone.
"""
from datetime import date

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from survey.models.base import one_of

UNIT_LEVELS = ("province", "district", "commune")
UNIT_TYPES = ("tỉnh", "thành phố", "huyện", "xã", "phường", "thị trấn")


class AdminUnit(SQLModel, table=True):
    __tablename__ = "admin_unit"
    __table_args__ = (
        UniqueConstraint("code", "valid_from", name="uq_admin_unit_code_window"),
        one_of("level", UNIT_LEVELS, "ck_admin_unit_level"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=10, index=True)
    name: str = Field(max_length=120)
    level: str = Field(max_length=10)
    unit_type: str = Field(max_length=20)
    parent_id: int | None = Field(default=None, foreign_key="admin_unit.id", index=True)
    valid_from: date
    valid_to: date | None = None

    def in_force_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class UnitSuccession(SQLModel, table=True):
    """One old unit went (wholly) into one new unit on `effective`."""

    __tablename__ = "unit_succession"

    old_unit_id: int = Field(foreign_key="admin_unit.id", primary_key=True)
    new_unit_id: int = Field(foreign_key="admin_unit.id", primary_key=True, index=True)
    effective: date
    old_name_in_source: str = Field(max_length=120)
    source: str = Field(max_length=120)


class UnitPopulation(SQLModel, table=True):
    """Census population of a unit within its own boundaries."""

    __tablename__ = "unit_population"

    unit_id: int = Field(foreign_key="admin_unit.id", primary_key=True)
    census_year: int = Field(primary_key=True)
    population: int = Field(ge=0)
    urban: int = Field(ge=0)
    rural: int = Field(ge=0)
