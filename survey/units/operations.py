"""Load unit CSV files into the database: all files checked first, then written in one transaction."""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlmodel import select

from survey.db import get_session, transaction
from survey.models import AdminUnit, UnitPopulation, UnitSuccession
from survey.problems import Problem
from survey.units.csvfiles import (
    CsvFile,
    check_unit_row,
    parse_count,
    parse_date,
    read_csv,
)

BUNDLED_DIR = Path(__file__).resolve().parent / "data"
BUNDLED_FILES = (
    "lai-chau-units-2020.csv",
    "lai-chau-units-2025.csv",
    "lai-chau-merger-2025.csv",
    "lai-chau-population-2019-communes.csv",
    "lai-chau-population-2019.csv",
)
KIND_ORDER = ("units", "merger", "commune_population", "district_population")
LEVEL_ORDER = {"province": 0, "district": 1, "commune": 2}


@dataclass
class LoadReport:
    errors: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def ok(self):
        return not self.errors


@dataclass
class _Unit:
    """A unit as it will be after loading: an existing row, or a row of the files."""

    code: str
    name: str
    level: str
    unit_type: str
    parent_code: str
    valid_from: object
    valid_to: object
    row: AdminUnit | None = None

    def in_force_on(self, day):
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class _Plan:
    def __init__(self, session):
        self.session = session
        self.units: dict[tuple, _Unit] = {}
        parents = {u.id: u for u in session.exec(select(AdminUnit)).all()}
        for u in parents.values():
            parent = parents.get(u.parent_id)
            self.units[(u.code, u.valid_from)] = _Unit(
                u.code, u.name, u.level, u.unit_type, parent.code if parent else "",
                u.valid_from, u.valid_to, u)
        self.successions: dict[tuple, dict] = {}
        # Loaded counts take part in the district totals check, whichever file brought them.
        self.populations: dict[tuple, dict] = {
            (parents[p.unit_id].code, parents[p.unit_id].valid_from, p.census_year):
                {"population": p.population, "urban": p.urban, "rural": p.rural}
            for p in session.exec(select(UnitPopulation)).all()
        }

    def find(self, code, day):
        return next((u for u in self.units.values() if u.code == code and u.in_force_on(day)), None)

    def find_named(self, code, names):
        return [u for u in self.units.values() if u.code == code and u.name in names]


def load_files(files: list[CsvFile], census_year: int = 2019) -> LoadReport:
    """Check `files` together against the database and, only if all is valid, write them."""
    report, plan = LoadReport(), _Plan(get_session())
    ordered = sorted(files, key=lambda f: KIND_ORDER.index(f.kind))
    checkers = {"units": _plan_units, "merger": _plan_merger,
                "commune_population": _plan_population, "district_population": _check_totals}
    for f in ordered:
        for row in f.rows:
            for code, detail in checkers[f.kind](plan, row, census_year):
                report.errors.append(Problem(code, f.name, row["_line"], detail))
            report.counts[f.kind] += 1
    if report.ok:
        _write(plan, census_year)
    return report


def _plan_units(plan, row, _year):
    problems = check_unit_row(row)
    if problems:
        return problems
    start = parse_date(row["valid_from"])
    end = parse_date(row["valid_to"]) if row["valid_to"] else None
    key = (row["code"], start)
    if key in plan.units and plan.units[key].row is None:
        return [("unit.duplicate", f"{row['code']} from {start}")]
    for other in plan.units.values():
        if other.code == row["code"] and other.valid_from != start and (
            (end is None or other.valid_from <= end)
            and (other.valid_to is None or start <= other.valid_to)
        ):
            return [("unit.overlap", f"{row['code']} is also in force from {other.valid_from}")]
    if row["parent_code"]:
        parent = plan.find(row["parent_code"], start)
        if parent is None:
            return [("unit.unknown_parent", f"{row['parent_code']} on {start}")]
        if LEVEL_ORDER[parent.level] >= LEVEL_ORDER[row["level"]]:
            return [("unit.bad_parent", f"{parent.code} is not above a {row['level']}")]
    existing = plan.units.get(key)
    plan.units[key] = _Unit(row["code"], row["name"], row["level"], row["type"],
                            row["parent_code"], start, end, existing.row if existing else None)
    return []


def _plan_merger(plan, row, _year):
    if row["confirmed"] != "yes":
        return [("merger.unconfirmed", row["old_code"])]
    old = [u for u in plan.find_named(row["old_code"], {row["old_name"]}) if u.valid_to]
    if len(old) != 1:
        return [("merger.unknown_old_unit", f"{row['old_code']} {row['old_name']}")]
    effective = old[0].valid_to + timedelta(days=1)
    new = plan.find(row["new_code"], effective)
    if new is None:
        return [("merger.unknown_new_unit", f"{row['new_code']} on {effective}")]
    # Codes were reused: the names must agree too, or the row joins the wrong units.
    if new.name != row["new_name"]:
        return [("merger.name_mismatch", f"{row['new_code']} is {new.name} on {effective}")]
    key = (old[0].code, old[0].valid_from)
    if key in plan.successions:
        return [("merger.duplicate", row["old_code"])]
    plan.successions[key] = {"new": (new.code, new.valid_from), "effective": effective,
                             "old_name_in_source": row["old_name_in_resolution"] or row["old_name"],
                             "source": row["resolution_clause"]}
    return []


def _plan_population(plan, row, year):
    counts = [parse_count(row[k]) for k in ("population", "urban", "rural")]
    if None in counts:
        return [("population.bad_number", "population, urban and rural are whole numbers")]
    if counts[1] + counts[2] != counts[0]:
        return [("population.sum", f"{counts[1]} + {counts[2]} != {counts[0]}")]
    units = [u for u in plan.find_named(row["code"], {row["name"]})
             if u.parent_code == row["parent_code"]]
    if len(units) != 1:
        return [("population.unknown_unit", f"{row['code']} {row['name']} in {row['parent_code']}")]
    plan.populations[(units[0].code, units[0].valid_from, year)] = dict(
        zip(("population", "urban", "rural"), counts, strict=True))
    return []


def _check_totals(plan, row, year):
    """The district file is a check on the commune file: its totals must equal the sums."""
    expected = parse_count(row["population_2020_boundaries"])
    if expected is None:
        return [("population.bad_number", "population_2020_boundaries")]
    # The province keeps code 12 in both windows: the one holding the counted communes is meant.
    totals = {}
    for unit in plan.find_named(row["code"], {row["name"]}):
        totals[unit.valid_from] = sum(
            p["population"] for (code, start, y), p in plan.populations.items()
            if y == year and _is_within(plan, plan.units[(code, start)], unit))
    counted = [total for total in totals.values() if total]
    if len(counted) != 1:
        return [("population.unknown_unit", f"{row['code']} {row['name']}")]
    if counted[0] != expected:
        return [("population.total_mismatch", f"communes sum to {counted[0]}, file says {expected}")]
    return []


def _is_within(plan, unit, ancestor):
    while unit is not None:
        if unit is ancestor:
            return True
        unit = plan.find(unit.parent_code, unit.valid_from) if unit.parent_code else None
    return False


def _write(plan, year):
    with transaction() as session:
        for unit in sorted(plan.units.values(), key=lambda u: LEVEL_ORDER[u.level]):
            parent = plan.find(unit.parent_code, unit.valid_from) if unit.parent_code else None
            row = unit.row or AdminUnit(code=unit.code, valid_from=unit.valid_from,
                                        name="", level="", unit_type="")
            row.name, row.level, row.unit_type, row.valid_to = (
                unit.name, unit.level, unit.unit_type, unit.valid_to)
            row.parent_id = parent.row.id if parent else None
            session.add(row)
            session.flush()
            unit.row = row
        for old_key, s in plan.successions.items():
            ids = dict(old_unit_id=plan.units[old_key].row.id,
                       new_unit_id=plan.units[s["new"]].row.id)
            row = session.get(UnitSuccession, (ids["old_unit_id"], ids["new_unit_id"]))
            row = row or UnitSuccession(**ids, effective=s["effective"],
                                        old_name_in_source="", source="")
            row.effective, row.old_name_in_source, row.source = (
                s["effective"], s["old_name_in_source"], s["source"])
            session.add(row)
        for (code, start, census_year), counts in plan.populations.items():
            unit_id = plan.units[(code, start)].row.id
            row = session.get(UnitPopulation, (unit_id, census_year))
            row = row or UnitPopulation(unit_id=unit_id, census_year=census_year, **counts)
            row.population, row.urban, row.rural = counts["population"], counts["urban"], counts["rural"]
            session.add(row)


def load_paths(paths, census_year: int = 2019) -> LoadReport:
    """Read, check and load CSV files; any error in any file means nothing is written."""
    files, errors = [], []
    for path in map(Path, paths):
        parsed, problems = read_csv(path.name, path.read_bytes())
        errors.extend(problems)
        if parsed is not None:
            files.append(parsed)
    if errors:
        return LoadReport(errors=errors)
    return load_files(files, census_year)


def load_bundled() -> LoadReport:
    return load_paths(BUNDLED_DIR / name for name in BUNDLED_FILES)
