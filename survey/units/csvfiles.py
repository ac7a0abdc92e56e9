"""Read and validate the unit CSV files (units, merger map, census population).

Each reader returns (rows, errors); an error names the line and what is wrong, and the caller
writes nothing unless every row of every file is valid. Which reader applies is told by the
header, so a file of the same shape as the bundled ones can be loaded as it is.
"""
import re
from dataclasses import dataclass, replace
from datetime import date

from survey.csv_upload import read_table
from survey.input_checks import column_lengths
from survey.models.units import UNIT_LEVELS, UNIT_TYPES, AdminUnit
from survey.problems import Problem

UNITS_HEADER = ("code", "name", "level", "type", "parent_code", "valid_from", "valid_to")
MERGER_HEADER = ("old_code", "old_name", "old_type", "old_district_code", "old_name_in_resolution",
                 "new_code", "new_name", "new_type", "new_code_reuses_old_code",
                 "resolution_clause", "confirmed")
COMMUNE_POPULATION_HEADER = ("code", "name", "parent_code", "population", "urban", "rural",
                             "derivation")
DISTRICT_POPULATION_HEADER = ("code", "name", "level", "population", "urban", "rural",
                              "population_2020_boundaries")
KINDS = {
    UNITS_HEADER: "units",
    MERGER_HEADER: "merger",
    COMMUNE_POPULATION_HEADER: "commune_population",
    DISTRICT_POPULATION_HEADER: "district_population",
}
CODE = re.compile(r"^\d{2,5}$")


@dataclass(frozen=True)
class CsvFile:
    name: str
    kind: str
    rows: tuple[dict, ...]   # each row with its "_line"


def read_csv(name: str, data: bytes) -> tuple[CsvFile | None, list[Problem]]:
    """Parse and identify one file by its header; each problem's `field` is the file's name."""
    table, problems = read_table(data, KINDS, column_lengths(AdminUnit, "code", "name"))
    errors = [replace(p, field=name) for p in problems]
    return (CsvFile(name, table.kind, table.rows) if table else None), errors


def parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def parse_count(value: str) -> int | None:
    return int(value) if value.isdigit() else None


def check_unit_row(row) -> list[tuple[str, str]]:
    """Problems of one unit row on its own, as (code, detail)."""
    problems = []
    if not CODE.match(row["code"]):
        problems.append(("unit.bad_code", row["code"]))
    if not row["name"]:
        problems.append(("unit.bad_name", ""))
    if row["level"] not in UNIT_LEVELS:
        problems.append(("unit.bad_level", row["level"]))
    if row["type"] not in UNIT_TYPES:
        problems.append(("unit.bad_type", row["type"]))
    if (row["level"] == "province") != (row["parent_code"] == ""):
        problems.append(("unit.bad_parent", "only a province has no parent"))
    start, end = parse_date(row["valid_from"]), parse_date(row["valid_to"]) if row["valid_to"] else None
    if start is None or (row["valid_to"] and end is None):
        problems.append(("unit.bad_date", f"{row['valid_from']}..{row['valid_to']}"))
    elif end is not None and end < start:
        problems.append(("unit.bad_date", "valid_to is before valid_from"))
    return problems
