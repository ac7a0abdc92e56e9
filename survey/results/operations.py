"""Decision 766 counts: entered one unit-month at a time or imported from CSV (all or nothing)."""
import re
from datetime import date

from sqlalchemy import select

from survey.csv_upload import read_table
from survey.db import get_session, transaction
from survey.models import AdminUnit, D766Count
from survey.models.base import utcnow
from survey.problems import Problem

D766_HEADER = ("unit_code", "month", "dossiers", "negative")
MONTH = re.compile(r"^(\d{4})-(\d{2})$", re.ASCII)
# Decision 766 dates from 2023; a month outside these years is a typing error.
FIRST_YEAR, LAST_YEAR = 2000, 2100
# More dossiers than people in the province in one unit-month is a typing error too.
MAX_COUNT = 10_000_000


def parse_month(text: str) -> date | None:
    match = MONTH.match(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        return None
    if not FIRST_YEAR <= int(match.group(1)) <= LAST_YEAR:
        return None
    return date(int(match.group(1)), int(match.group(2)), 1)


def unit_on(code: str, month: date) -> AdminUnit | None:
    """The unit a code named during `month` (codes were reused on 2025-07-01)."""
    stmt = select(AdminUnit).where(AdminUnit.code == code, AdminUnit.valid_from <= month,
                                   (AdminUnit.valid_to.is_(None)) | (AdminUnit.valid_to >= month))
    return get_session().execute(stmt).scalars().first()


def save_counts(entries: dict[tuple[int, date], tuple[int, int]]) -> None:
    with transaction() as session:
        for (unit_id, month), (dossiers, negative) in entries.items():
            row = session.get(D766Count, (unit_id, month)) or D766Count(unit_id=unit_id, month=month,
                                                                       dossiers=0, negative=0)
            row.dossiers, row.negative, row.updated_at = dossiers, negative, utcnow()
            session.add(row)


def import_csv(data: bytes) -> tuple[int, list[Problem]]:
    table, problems = read_table(data, {D766_HEADER: "d766"})
    if table is None:
        return 0, problems
    entries = {}
    for row in table.rows:
        line, month = row["_line"], parse_month(row["month"])
        if month is None:
            problems.append(Problem("d766.bad_month", line=line, detail=row["month"]))
            continue
        unit = unit_on(row["unit_code"], month)
        if unit is None:
            problems.append(Problem("d766.unknown_unit", line=line, detail=row["unit_code"]))
            continue
        dossiers, negative = whole_count(row["dossiers"]), whole_count(row["negative"])
        if dossiers is None or negative is None:
            problems.append(Problem("d766.bad_number", line=line))
        elif negative > dossiers:
            problems.append(Problem("d766.negative_above_total", line=line))
        elif (unit.id, month) in entries:
            problems.append(Problem("d766.duplicate", line=line,
                                    detail=f"{row['unit_code']} {row['month']}"))
        else:
            entries[(unit.id, month)] = (dossiers, negative)
    if not entries and not problems:
        problems.append(Problem("csv.empty", line=1))
    if problems:
        return 0, problems
    save_counts(entries)
    return len(entries), []


def whole_count(text: str) -> int | None:
    """A count of 0 to MAX_COUNT written in ASCII digits, or None."""
    text = text.strip()
    if not text.isascii() or not text.isdigit() or len(text) > len(str(MAX_COUNT)):
        return None
    return int(text) if int(text) <= MAX_COUNT else None


def query_counts() -> list[tuple[D766Count, AdminUnit]]:
    stmt = (select(D766Count, AdminUnit).join(AdminUnit, AdminUnit.id == D766Count.unit_id)
            .order_by(D766Count.month.desc(), AdminUnit.code))
    return list(get_session().execute(stmt).all())
