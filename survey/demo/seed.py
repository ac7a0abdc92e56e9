"""Build the demo data set deterministically (fixed seed), through the same operations as real use."""
import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func
from sqlmodel import select

from survey.auth.operations import create_user
from survey.auth.queries import query_user_by_name
from survey.db import get_session
from survey.models import AdminUnit, ServicePoint
from survey.questionnaires import check_answers
from survey.responses import count_responses, record_response
from survey.service_points import operations as sp_operations
from survey.startup import registry
from survey.units.operations import load_bundled
from survey.units.queries import query_unit, query_units_on

DEMO_USERS = {
    "admin": ("admin", "Quản trị viên"),
    "giamsat": ("supervisor", "Giám sát viên"),
    "nhaplieu": ("clerk", "Nhập liệu viên"),
    "nhaplieu2": ("clerk", "Nhập liệu viên 2"),  # double entry needs a second clerk
    "thongke": ("statistician", "Thống kê viên"),
    "lanhdao": ("viewer", "Lãnh đạo"),
}
WEEKDAY_HOURS = "mon-fri 07:30-11:30 13:30-17:00"


def ensure_units() -> str:
    if get_session().exec(select(func.count()).select_from(AdminUnit)).one():
        return "Units: already loaded."
    report = load_bundled()
    if not report.ok:
        raise RuntimeError(f"bundled unit files are invalid: {report.errors[:3]}")
    return "Units: loaded " + ", ".join(f"{n} {k} rows" for k, n in report.counts.items()) + "."


def ensure_users(password: str) -> str:
    made = [name for name, (role, display) in DEMO_USERS.items()
            if query_user_by_name(name) is None and create_user(name, password, role, display)]
    return f"Users: created {', '.join(made)}." if made else "Users: already there."


def _points(today):
    province = query_unit("12", today)
    yield "HCC-12", "Trung tâm Phục vụ hành chính công tỉnh Lai Châu", "one_stop_province", province
    yield "BV-12", "Bệnh viện Đa khoa tỉnh Lai Châu", "hospital", province
    for commune in query_units_on(today, level="commune"):
        place = commune.name
        yield f"MC-{commune.code}", f"Bộ phận Một cửa UBND {place}", "one_stop_commune", commune
        yield f"YT-{commune.code}", f"Trạm Y tế {place}", "health_station", commune
        if int(commune.code) % 3 == 0:
            school = "Trường Tiểu học" if int(commune.code) % 2 else "Trường THCS"
            short = place.removeprefix("Xã ").removeprefix("Phường ")
            yield f"TH-{commune.code}", f"{school} {short}", "school", commune


def ensure_service_points() -> str:
    if get_session().exec(select(func.count()).select_from(ServicePoint)).one():
        return "Service points: already there."
    today, made = date.today(), 0
    for code, name, kind, unit in _points(today):
        data = sp_operations.ServicePointData(code, name, kind, unit.id, None, True, WEEKDAY_HOURS)
        problems = sp_operations.check(data)
        if problems:
            raise RuntimeError(f"demo service point {code} is invalid: {problems}")
        sp_operations.save(data)
        made += 1
    return f"Service points: created {made}."


def _desk_answers(rng, satisfied_rate):
    draw = rng.random()
    rating = "3" if draw < satisfied_rate * 0.55 else "2" if draw < satisfied_rate else "1"
    raw = {"satisfaction": [rating]}
    if rng.random() < 0.5:
        raw["waiting_time"] = [rng.choice(["lt15", "lt15", "15to30", "30to60", "gt60"])]
        raw["staff_attitude"] = [rng.choice(["3", "3", "3", "2", "1" if rating == "1" else "2"])]
        raw["asked_informal_payment"] = ["yes" if rng.random() < 0.02 else "no"]
    if rating == "1" and rng.random() < 0.6:
        raw["reason_dissatisfied"] = [rng.choice([
            "Phải đi lại nhiều lần mới xong hồ sơ.",
            "Thời gian chờ quá lâu.",
            "Hướng dẫn chưa rõ ràng, phải bổ sung giấy tờ nhiều lần.",
        ])]
    return raw


def ensure_responses(count: int) -> str:
    if count_responses():
        return "Responses: already there."
    desk = registry().get("tthc-desk")
    if desk is None:
        return "Responses: no tthc-desk questionnaire, none generated."
    rng = random.Random(2025)
    points = get_session().exec(
        select(ServicePoint).where(ServicePoint.kind.in_(("one_stop_province", "one_stop_commune")))
        .order_by(ServicePoint.code)).all()
    # Each desk has its own true level, so results differ between communes as in life.
    rates = {p.id: rng.uniform(0.86, 0.995) for p in points}
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    for n in range(count):
        point = points[0] if rng.random() < 0.2 else rng.choice(points)
        checked = check_answers(desk, _desk_answers(rng, rates[point.id]))
        day = now - timedelta(days=rng.randint(0, 89))
        at = day.replace(hour=rng.choice([1, 2, 3, 7, 8, 9]), minute=rng.randint(0, 59))
        record_response(desk, checked, channel="qr", unit_id=point.unit_id,
                        service_point_id=point.id, submitted_at=at,
                        dossier_code=f"000.00.{n:04d}.H34" if rng.random() < 0.3 else None)
    return f"Responses: created {count} desk ratings."
