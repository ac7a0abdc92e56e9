"""Writes of service points: one set of checks shared by the admin form and the CSV import."""
import unicodedata
from dataclasses import dataclass, replace
from datetime import date

from survey.csv_upload import read_table
from survey.db import get_session, transaction
from survey.models import ServicePoint
from survey.models.base import utcnow
from survey.responses import count_responses
from survey.service_kinds import SERVICE_KINDS
from survey.service_points.codes import generate_code, is_valid_code, normalise_code
from survey.service_points.hours import HoursError, parse_hours
from survey.service_points.queries import query_service_point_by_code
from survey.startup import registry
from survey.units.queries import query_unit, query_unit_by_id

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
class Problem:
    field: str
    code: str
    detail: str = ""
    line: int | None = None


def check(data: ServicePointData, current: ServicePoint | None = None) -> list[Problem]:
    """Everything that must hold before a service point is saved."""
    problems = []
    if data.code and not is_valid_code(data.code):
        problems.append(Problem("code", "service_point.bad_code", data.code))
    elif data.code:
        other = query_service_point_by_code(data.code)
        if other is not None and (current is None or other.id != current.id):
            problems.append(Problem("code", "service_point.duplicate_code", data.code))
    if not data.name.strip():
        problems.append(Problem("name", "service_point.name_required"))
    if data.kind not in SERVICE_KINDS:
        problems.append(Problem("kind", "service_point.bad_kind", data.kind))
    unit = query_unit_by_id(data.unit_id) if data.unit_id else None
    if unit is None or not unit.in_force_on(date.today()):
        problems.append(Problem("unit_id", "service_point.unknown_unit"))
    if data.questionnaire_id and registry().get(data.questionnaire_id) is None:
        problems.append(Problem("questionnaire_id", "service_point.unknown_questionnaire",
                                data.questionnaire_id))
    try:
        parse_hours(data.opening_hours)
    except HoursError as exc:
        problems.append(Problem("opening_hours", exc.code, exc.detail))
    return problems


def _apply(row: ServicePoint, data: ServicePointData):
    row.code = data.code or row.code
    row.name = unicodedata.normalize("NFC", data.name.strip())
    row.kind, row.unit_id, row.active = data.kind, data.unit_id, data.active
    row.questionnaire_id = data.questionnaire_id or None
    row.opening_hours = data.opening_hours.strip()
    row.updated_at = utcnow()


def _unused_code() -> str:
    while True:
        code = generate_code()
        if query_service_point_by_code(code) is None:
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
    """
    table, read_problems = read_table(data, {CSV_HEADER: "service_points"})
    problems = [Problem("file", p.code, p.detail, p.line) for p in read_problems]
    planned, seen = [], {}
    for row in table.rows if table else ():
        line, code = row["_line"], normalise_code(row["code"])
        unit = query_unit(row["unit_code"], date.today())
        active = _parse_bool(row["active"])
        item = ServicePointData(code, row["name"], row["kind"], unit.id if unit else None,
                                row["questionnaire_id"] or None, bool(active), row["opening_hours"])
        current = query_service_point_by_code(code) if code else None
        found = check(item, current)
        if active is None:
            found.append(Problem("active", "service_point.bad_active", row["active"]))
        if code and code in seen:
            found.append(Problem("code", "service_point.duplicate_code",
                                 f"{code} (also on line {seen[code]})"))
        seen.setdefault(code, line)
        problems.extend(replace(p, line=line) for p in found)
        planned.append((item, current))
    if problems:
        return 0, sorted(problems, key=lambda p: p.line or 0)
    session = get_session()
    with transaction():
        for item, current in planned:
            row = current or ServicePoint(code=item.code or _unused_code(), name="", kind="", unit_id=0)
            _apply(row, item)
            session.add(row)
    return len(planned), []
