"""A wave's sampling design: strata and their frame sizes, PSUs, calibration margins; D766 counts.

The design is kept apart from `Wave` so that a wave can exist (and paper be keyed into it)
before the statistician has settled how it is weighted. `revision` changes on every design
edit; cached results are keyed by it.
"""
from datetime import date, datetime

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel

from survey.models.base import one_of, utcnow

STRATIFY_BY = ("none", "district", "commune")
PSU_KINDS = ("none", "commune", "village", "service_point")
CALIBRATIONS = ("none", "poststratify", "rake")


class WaveDesign(SQLModel, table=True):
    __tablename__ = "wave_design"
    __table_args__ = (
        one_of("stratify_by", STRATIFY_BY, "ck_wave_design_stratify_by"),
        one_of("psu", PSU_KINDS, "ck_wave_design_psu"),
        one_of("calibration", CALIBRATIONS, "ck_wave_design_calibration"),
    )

    wave_id: int = Field(foreign_key="wave.id", primary_key=True)
    stratify_by: str = Field(default="none", max_length=10)
    psu: str = Field(default="none", max_length=16)
    # Where the stratum sizes came from, shown beside them: "census 2019" or the file name.
    frame_source: str = Field(default="", max_length=120)
    calibration: str = Field(default="none", max_length=12)
    # Final weights are kept within [trim_low, trim_high] times their mean (None: no bound).
    trim_low: float | None = None
    trim_high: float | None = None
    published: bool = False
    public: bool = False
    revision: int = 1
    updated_at: datetime = Field(default_factory=utcnow)


class WaveStratum(SQLModel, table=True):
    """Population size of one stratum (dossiers handled, or census population)."""

    __tablename__ = "wave_stratum"

    wave_id: int = Field(foreign_key="wave.id", primary_key=True)
    stratum: str = Field(max_length=16, primary_key=True)
    population: float = Field(ge=0)


class WaveMargin(SQLModel, table=True):
    """A calibration margin: the population count of one category of a demographic item."""

    __tablename__ = "wave_margin"

    wave_id: int = Field(foreign_key="wave.id", primary_key=True)
    item_id: str = Field(max_length=64, primary_key=True)
    category: str = Field(max_length=64, primary_key=True)
    total: float = Field(ge=0)


class D766Count(SQLModel, table=True):
    """Decision 766 counts of one unit in one month: dossiers handled, rated negatively."""

    __tablename__ = "d766_count"
    __table_args__ = (CheckConstraint("negative <= dossiers", name="ck_d766_count_negative"),)

    unit_id: int = Field(foreign_key="admin_unit.id", primary_key=True)
    month: date = Field(primary_key=True)  # the first day of the month
    dossiers: int = Field(ge=0)
    negative: int = Field(ge=0)
    updated_at: datetime = Field(default_factory=utcnow)
