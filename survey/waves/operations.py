"""Writes for waves and their designs: wave fields, design choices, frame sizes, margins, publishing.

Frame and margin files are checked completely before anything is written, then replace the
wave's rows in one transaction: a bad file changes nothing.
"""
import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import delete

from survey.csv_upload import read_table
from survey.db import get_session, transaction
from survey.estimates.snapshots import refresh_wave
from survey.models import Wave, WaveDesign, WaveMargin, WaveStratum
from survey.models.base import utcnow
from survey.problems import Problem
from survey.startup import registry
from survey.units.queries import query_population, query_units_on

FRAME_HEADER = ("stratum", "population")
MARGIN_HEADER = ("item_id", "category", "total")
CENSUS_DAY_DISTRICTS = date(2025, 6, 30)  # the last day the districts existed
ETHNICITY_CSV = Path(__file__).resolve().parents[1] / "units" / "data" / "lai-chau-ethnicity.csv"


@dataclass(frozen=True)
class WaveData:
    code: str
    name: str
    questionnaire_id: str
    period_start: date
    period_end: date
    mode: str
    count_unverified_paper: bool


@dataclass(frozen=True)
class DesignData:
    stratify_by: str
    psu: str
    calibration: str
    trim_low: float | None
    trim_high: float | None




def check_wave(data: WaveData, current: Wave | None) -> list[Problem]:
    problems = []
    if registry().get(data.questionnaire_id) is None:
        problems.append(Problem("wave.unknown_questionnaire", "questionnaire_id"))
    if data.period_start > data.period_end:
        problems.append(Problem("wave.period_order", "period_end"))
    from survey.waves.queries import query_wave_by_code

    other = query_wave_by_code(data.code)
    if other is not None and (current is None or other.id != current.id):
        problems.append(Problem("wave.code_taken", "code"))
    return problems


def save_wave(data: WaveData, current: Wave | None, user_id: int | None) -> Wave:
    """Create or update a wave; a new wave takes the questionnaire's latest version."""
    with transaction() as session:
        wave = current or Wave(created_by_id=user_id, questionnaire_version=0)
        if current is None or current.questionnaire_id != data.questionnaire_id:
            wave.questionnaire_version = registry().get(data.questionnaire_id).version
        for name in ("code", "name", "questionnaire_id", "period_start", "period_end", "mode",
                     "count_unverified_paper"):
            setattr(wave, name, getattr(data, name))
        session.add(wave)
        session.flush()
        _touch(session, wave.id)
    return wave


def check_design(wave: Wave, data: DesignData, margin_items: set[str]) -> list[Problem]:
    problems = []
    questionnaire = registry().get(wave.questionnaire_id, wave.questionnaire_version)
    if data.psu == "village" and (questionnaire is None or "village" not in questionnaire.items):
        problems.append(Problem("design.no_village_item", "psu"))
    if data.calibration == "poststratify" and len(margin_items) > 1:
        problems.append(Problem("design.poststratify_one", "calibration"))
    if data.calibration != "none" and not margin_items:
        problems.append(Problem("design.no_margins", "calibration"))
    if data.trim_low is not None and data.trim_high is not None and data.trim_low >= data.trim_high:
        problems.append(Problem("design.trim_order", "trim_high"))
    if data.trim_low is not None and not 0 < data.trim_low <= 1:
        problems.append(Problem("design.trim_low", "trim_low"))
    if data.trim_high is not None and data.trim_high < 1:
        problems.append(Problem("design.trim_high", "trim_high"))
    return problems


def save_design(wave: Wave, data: DesignData) -> WaveDesign:
    with transaction() as session:
        design = _touch(session, wave.id)
        if design.stratify_by != data.stratify_by:
            # Frame sizes belong to one stratification: keep none of the other level.
            session.execute(delete(WaveStratum).where(WaveStratum.wave_id == wave.id))
            design.frame_source = ""
        for name in ("stratify_by", "psu", "calibration", "trim_low", "trim_high"):
            setattr(design, name, getattr(data, name))
    return design


def _touch(session, wave_id: int) -> WaveDesign:
    """The wave's design row with a new revision, so cached results are not reused."""
    design = session.get(WaveDesign, wave_id)
    if design is None:
        design = WaveDesign(wave_id=wave_id, revision=0)
    design.revision += 1
    design.updated_at = utcnow()
    session.add(design)
    return design


def set_published(wave: Wave, published: bool, public: bool) -> None:
    with transaction() as session:
        design = _touch(session, wave.id)
        design.published, design.public = published, public and published
    if published:
        # Published results are about to be read: compute a large wave's tables now, in the background.
        refresh_wave(get_session(), wave)


def stratum_codes(stratify_by: str) -> set[str]:
    """Codes a frame may name: former districts, or current communes (and the province)."""
    if stratify_by == "district":
        units = query_units_on(CENSUS_DAY_DISTRICTS, level="district")
    else:
        units = query_units_on(date.today(), level="commune")
    return {u.code for u in units} | {"12"}


def import_frame(wave: Wave, data: bytes, filename: str) -> tuple[int, list[Problem]]:
    design = get_session().get(WaveDesign, wave.id)
    if design is None or design.stratify_by == "none":
        return 0, [Problem("frame.no_strata", line=0)]
    table, problems = read_table(data, {FRAME_HEADER: "frame"})
    if table is None:
        return 0, problems
    known, sizes = stratum_codes(design.stratify_by), {}
    for row in table.rows:
        code, line = row["stratum"], row["_line"]
        size = _number(row["population"])
        if code not in known:
            problems.append(Problem("frame.unknown_stratum", line=line, detail=code))
        elif code in sizes:
            problems.append(Problem("frame.duplicate", line=line, detail=code))
        if size is None:
            problems.append(Problem("frame.bad_number", line=line, detail=row["population"]))
        sizes[code] = size
    if not sizes and not problems:
        problems.append(Problem("csv.empty", line=1))
    if problems:
        return 0, problems
    _replace_frame(wave, sizes, filename[:120])
    return len(sizes), []


def census_frame(wave: Wave) -> int:
    """Stratum sizes from the 2019 census, within the stratum's own (old or new) boundaries."""
    design = get_session().get(WaveDesign, wave.id)
    day = CENSUS_DAY_DISTRICTS if design.stratify_by == "district" else date.today()
    sizes = {}
    for unit in query_units_on(day, level=design.stratify_by):
        population = query_population(unit)
        if population is not None:
            sizes[unit.code] = float(population)
    _replace_frame(wave, sizes, "census 2019")
    return len(sizes)


def set_stratum_size(wave: Wave, stratum: str, population: float) -> None:
    """Add or change one stratum's population size, e.g. one the census does not cover."""
    with transaction() as session:
        row = session.get(WaveStratum, (wave.id, stratum))
        if row is None:
            session.add(WaveStratum(wave_id=wave.id, stratum=stratum, population=population))
        else:
            row.population = population
        _touch(session, wave.id)


def _replace_frame(wave, sizes, source):
    with transaction() as session:
        session.execute(delete(WaveStratum).where(WaveStratum.wave_id == wave.id))
        session.add_all(WaveStratum(wave_id=wave.id, stratum=k, population=v) for k, v in sizes.items())
        _touch(session, wave.id).frame_source = source


def calibration_items(wave: Wave) -> dict:
    """Single-choice items of the wave's questionnaire that margins may be given for."""
    questionnaire = registry().get(wave.questionnaire_id, wave.questionnaire_version)
    if questionnaire is None:
        return {}
    return {i.id: i for i in questionnaire.items.values()
            if i.qtype.picks_one_choice and not i.scale_points}


def import_margins(wave: Wave, data: bytes) -> tuple[int, list[Problem]]:
    table, problems = read_table(data, {MARGIN_HEADER: "margins"})
    if table is None:
        return 0, problems
    items, totals = calibration_items(wave), {}
    for row in table.rows:
        item, category, line = row["item_id"], row["category"], row["_line"]
        total = _number(row["total"])
        if item not in items:
            problems.append(Problem("margin.unknown_item", line=line, detail=item))
        elif category not in items[item].choice_codes:
            problems.append(Problem("margin.unknown_category", line=line,
                                    detail=f"{item}={category}"))
        elif (item, category) in totals:
            problems.append(Problem("margin.duplicate", line=line, detail=f"{item}={category}"))
        if total is None:
            problems.append(Problem("frame.bad_number", line=line, detail=row["total"]))
        totals[(item, category)] = total
    if not totals and not problems:
        problems.append(Problem("csv.empty", line=1))
    if problems:
        return 0, problems
    _replace_margins(wave, totals, {item for item, _ in totals})
    return len(totals), []


def census_ethnicity_margins(wave: Wave) -> int:
    """Ethnicity margin from the 2019 census; groups the questionnaire lacks go to `other`."""
    item = calibration_items(wave).get("ethnicity")
    if item is None:
        return 0
    codes, totals = set(item.choice_codes), {}
    with ETHNICITY_CSV.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            code = row["gso_ethnic_code"] if row["gso_ethnic_code"] in codes else "other"
            if code in codes:
                totals[("ethnicity", code)] = totals.get(("ethnicity", code), 0.0) + float(row["population"])
    _replace_margins(wave, totals, {"ethnicity"})
    return len(totals)


def _replace_margins(wave, totals, items):
    with transaction() as session:
        session.execute(delete(WaveMargin).where(WaveMargin.wave_id == wave.id,
                                                 WaveMargin.item_id.in_(items)))
        session.add_all(WaveMargin(wave_id=wave.id, item_id=i, category=c, total=t)
                        for (i, c), t in totals.items())
        _touch(session, wave.id)


def clear_margins(wave: Wave) -> None:
    with transaction() as session:
        session.execute(delete(WaveMargin).where(WaveMargin.wave_id == wave.id))
        _touch(session, wave.id)


def _number(text: str) -> float | None:
    try:
        value = float(text.replace(" ", ""))
    except ValueError:
        return None
    return value if value >= 0 and value == value and value != float("inf") else None

