"""Writes of service points: one set of checks shared by the admin form and the CSV import."""
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import bindparam, insert, select, update

from survey.csv_upload import read_table
from survey.db import get_session, transaction
from survey.input_checks import column_lengths
from survey.models import ServicePoint
from survey.models.base import utcnow
from survey.problems import Problem
from survey.responses import count_responses
from survey.service_kinds import SERVICE_KINDS
from survey.service_points.codes import generate_code, is_valid_code, normalise_code
from survey.service_points.hours import HoursError, parse_hours
from survey.service_points.queries import query_service_point_by_code
from survey.startup import registry
from survey.units.queries import query_unit_by_id, query_units_on

CSV_HEADER = ("code", "name", "kind", "unit_code", "questionnaire_id", "active", "opening_hours")
TRUE_WORDS, FALSE_WORDS = {"yes", "true", "1", "có"}, {"no", "false", "0", "không"}


@dataclass(frozen=True)
class ServicePointData:
    code: str
    name: str
    kind: str
    unit_id: int | None
    questionnaire_id: str | None
    active: bool
    opening_hours: str


@dataclass(frozen=True)
class Lookups:
    """How `check` finds other service points and units: one query each by default; the CSV
    import passes everything read in one statement each (a query per row timed out at 60,000)."""

    point_by_code: Callable[[str], object] = query_service_point_by_code
    unit_by_id: Callable[[int], object] = query_unit_by_id


def check(data: ServicePointData, current: ServicePoint | None = None,
          lookups: Lookups = Lookups()) -> list[Problem]:
    """Everything that must hold before a service point is saved."""
    problems = []
    if data.code and not is_valid_code(data.code):
        problems.append(Problem("service_point.bad_code", "code", detail=data.code))
    elif data.code:
        other = lookups.point_by_code(data.code)
        if other is not None and (current is None or other.id != current.id):
            problems.append(Problem("service_point.duplicate_code", "code", detail=data.code))
    if not data.name.strip():
        problems.append(Problem("service_point.name_required", "name"))
    if data.kind not in SERVICE_KINDS:
        problems.append(Problem("service_point.bad_kind", "kind", detail=data.kind))
    unit = lookups.unit_by_id(data.unit_id) if data.unit_id else None
    if unit is None or not unit.in_force_on(date.today()):
        problems.append(Problem("service_point.unknown_unit", "unit_id"))
    if data.questionnaire_id and registry().get(data.questionnaire_id) is None:
        problems.append(Problem("service_point.unknown_questionnaire", "questionnaire_id",
                                detail=data.questionnaire_id))
    try:
        parse_hours(data.opening_hours)
    except HoursError as exc:
        problems.append(Problem(exc.code, "opening_hours", detail=exc.detail))
    return problems


def _stored(data: ServicePointData) -> dict:
    """The columns a checked service point is saved with (its code aside)."""
    return {"name": unicodedata.normalize("NFC", data.name.strip()), "kind": data.kind,
            "unit_id": data.unit_id, "active": data.active,
            "questionnaire_id": data.questionnaire_id or None,
            "opening_hours": data.opening_hours.strip(), "updated_at": utcnow()}


def _apply(row: ServicePoint, data: ServicePointData):
    row.code = data.code or row.code
    for name, value in _stored(data).items():
        setattr(row, name, value)


def _unused_code(taken=lambda code: query_service_point_by_code(code) is not None) -> str:
    while True:
        code = generate_code()
        if not taken(code):
            return code


def save(data: ServicePointData, current: ServicePoint | None = None) -> ServicePoint:
    """Create (current=None) or update a checked service point; a missing code is generated."""
    row = current or ServicePoint(code=data.code or _unused_code(), name="", kind="", unit_id=0)
    with transaction() as session:
        _apply(row, data)
        session.add(row)
    return row


def delete(current: ServicePoint) -> bool:
    """Delete a service point that has no responses; one with responses can only be deactivated."""
    if count_responses(service_point_id=current.id):
        return False
    with transaction() as session:
        session.delete(current)
    return True


def _parse_bool(raw: str) -> bool | None:
    word = raw.strip().lower()
    return True if word in TRUE_WORDS or word == "" else False if word in FALSE_WORDS else None


def import_csv(data: bytes) -> tuple[int, list[Problem]]:
    """Create or update service points from CSV; any problem on any line means nothing is saved.

    A row whose code already exists updates that service point; codes may not repeat in a file.
    Existing points and units are read once, and rows are written with one executemany INSERT
    and one UPDATE: 60,000 rows in a few seconds (benchmarks/bench_service_point_import.py).
    """
    table, read_problems = read_table(data, {CSV_HEADER: "service_points"},
                                      column_lengths(ServicePoint, "code", "name", "opening_hours"))
    problems = list(read_problems)
    session, today = get_session(), date.today()
    columns = ServicePoint.__table__.c
    points = ({p.code: p for p in session.connection().execute(select(columns.id, columns.code))}
              if table else {})
    units = {u.code: u for u in query_units_on(today)} if table else {}
    units_by_id = {u.id: u for u in units.values()}
    lookups = Lookups(points.get, units_by_id.get)
    planned, seen = [], {}
    for row in table.rows if table else ():
        line, code = row["_line"], normalise_code(row["code"])
        unit = units.get(row["unit_code"])
        active = _parse_bool(row["active"])
        item = ServicePointData(code, row["name"], row["kind"], unit.id if unit else None,
                                row["questionnaire_id"] or None, bool(active), row["opening_hours"])
        current = points.get(code) if code else None
        found = check(item, current, lookups)
        if active is None:
            found.append(Problem("service_point.bad_active", "active", detail=row["active"]))
        if code and code in seen:
            found.append(Problem("service_point.duplicate_code", "code",
                                 detail=f"{code} (also on line {seen[code]})"))
        seen.setdefault(code, line)
        problems.extend(replace(p, line=line) for p in found)
        planned.append((item, current))
    if problems:
        return 0, sorted(problems, key=lambda p: p.line or 0)
    _write_all(session, planned, taken=lambda c: c in points or c in seen)
    return len(planned), []


def _write_all(session, planned, taken) -> None:
    columns = ServicePoint.__table__.c
    new, changed = [], []
    for item, current in planned:
        if current is None:
            code = item.code or _unused_code(taken)
            new.append({"code": code, **_stored(item), "created_at": utcnow()})
        else:
            changed.append({"point_id": current.id, **_stored(item)})
    with transaction():
        if new:
            session.connection().execute(insert(ServicePoint.__table__), new)
        if changed:
            session.connection().execute(
                update(ServicePoint.__table__).where(columns.id == bindparam("point_id")), changed)
