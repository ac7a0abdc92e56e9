"""Service points: admin pages, shared checks, CSV import that is all-or-nothing, opening hours."""
from datetime import date, datetime, time
from io import BytesIO

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func
from sqlmodel import select

from survey.db import get_session
from survey.models import ServicePoint
from survey.service_points.hours import HoursError, is_open, parse_hours
from survey.units.queries import query_unit
from tests.survey.conftest import csrf_token, post_form

HEADER = "code,name,kind,unit_code,questionnaire_id,active,opening_hours\n"


def _unit_id(app, code="03595"):
    with app.app_context():
        return query_unit(code, date.today()).id


def _count(app):
    with app.app_context():
        return get_session().exec(select(func.count()).select_from(ServicePoint)).one()


def _problems(response):
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return [li.get_text(" ", strip=True) for li in soup.select(".error-summary li")]


def _form(app, **overrides):
    data = {"code": "MC-03595", "name": "Bộ phận Một cửa UBND Xã Than Uyên",
            "kind": "one_stop_commune", "unit_id": str(_unit_id(app)), "questionnaire_id": "",
            "opening_hours": "mon-fri 07:30-11:30 13:30-17:00", "active": "y"}
    data.update(overrides)
    return data


def test_admin_creates_and_edits_a_service_point(app, login, units):
    client = login("admin")
    response = post_form(client, "/service-points/new", _form(app))
    assert response.status_code == 302
    with app.app_context():
        point = get_session().exec(select(ServicePoint)).one()
    assert (point.code, point.kind, point.active) == ("MC-03595", "one_stop_commune", True)
    response = post_form(client, f"/service-points/{point.id}/edit",
                         _form(app, name="Bộ phận Một cửa Xã Than Uyên", active=""))
    assert response.status_code == 302
    listing = client.get("/service-points/").get_data(as_text=True)
    assert "Bộ phận Một cửa Xã Than Uyên" in listing and "MC-03595" in listing


def test_an_empty_code_is_generated_short_and_unambiguous(app, login, units):
    client = login("admin")
    post_form(client, "/service-points/new", _form(app, code=""))
    with app.app_context():
        code = get_session().exec(select(ServicePoint.code)).one()
    assert len(code) == 6 and not set(code) & set("01OI")


def test_a_duplicate_code_is_refused_in_vietnamese(app, login, units):
    client = login("admin")
    post_form(client, "/service-points/new", _form(app))
    response = post_form(client, "/service-points/new", _form(app, code="mc-03595"))
    assert response.status_code == 400
    assert any("Mã này đã được sử dụng" in p for p in _problems(response))
    assert _count(app) == 1


@pytest.mark.parametrize("field, value", [
    ("opening_hours", "mon-fri 7h30-11h30"),
    ("opening_hours", "monday 07:30-11:30"),
    ("code", "A B"),
    ("questionnaire_id", "no-such-questionnaire"),
    ("unit_id", "999999"),
    ("kind", "market"),
])
def test_bad_input_is_reported_and_nothing_saved(app, login, units, field, value):
    client = login("admin")
    response = post_form(client, "/service-points/new", _form(app, **{field: value}))
    assert response.status_code == 400
    assert _problems(response)
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    # The summary links to the field, and the field says what is wrong (GOV.UK pattern).
    assert soup.select_one(f'.error-summary a[href="#{field}"]')
    assert soup.select_one(f"#{field}")["aria-describedby"].endswith(f"{field}-error")
    assert _count(app) == 0


def test_csv_import_creates_and_updates(app, login, units):
    client = login("admin")
    body = (HEADER
            + "MC-03595,Bộ phận Một cửa UBND Xã Than Uyên,one_stop_commune,03595,,yes,mon-fri 07:30-11:30\n"
            + ",Trạm Y tế Xã Than Uyên,health_station,03595,health-outpatient,có,\n")
    page = client.get("/service-points/import").get_data(as_text=True)
    response = client.post("/service-points/import", data={
        "csrf_token": csrf_token(page), "file": (BytesIO(body.encode()), "points.csv")})
    assert response.status_code == 302, _problems(response)
    assert _count(app) == 2
    body = HEADER + "mc-03595,Bộ phận Một cửa Xã Than Uyên,one_stop_commune,03595,,no,\n"
    client.post("/service-points/import", data={
        "csrf_token": csrf_token(page), "file": (BytesIO(body.encode()), "points.csv")})
    with app.app_context():
        point = get_session().exec(select(ServicePoint).where(ServicePoint.code == "MC-03595")).one()
    assert (point.name, point.active, _count(app)) == ("Bộ phận Một cửa Xã Than Uyên", False, 2)


def test_csv_import_reports_every_bad_line_and_saves_nothing(app, login, units):
    client = login("admin")
    body = (HEADER
            + "MC-1,Một cửa A,one_stop_commune,03595,,yes,\n"          # fine on its own
            + "MC-1,Một cửa B,one_stop_commune,03595,,yes,\n"          # 3: duplicate code
            + "MC-2,Một cửa C,one_stop_commune,03619,,yes,\n"          # 4: 03619 is no longer in force
            + "MC-3,Một cửa D,desk,03595,,maybe,\n"                    # 5: bad kind and active
            + "MC-4,Một cửa E,one_stop_commune,03595,,yes\n")          # 6: a column short
    page = client.get("/service-points/import").get_data(as_text=True)
    response = client.post("/service-points/import", data={
        "csrf_token": csrf_token(page), "file": (BytesIO(body.encode()), "points.csv")})
    assert response.status_code == 400
    problems = _problems(response)
    assert [p.split(":")[0] for p in problems] == ["Dòng 3", "Dòng 4", "Dòng 5", "Dòng 5", "Dòng 6"]
    assert _count(app) == 0


def test_csv_import_refuses_a_file_that_is_not_utf8(app, login, units):
    client = login("admin")
    page = client.get("/service-points/import").get_data(as_text=True)
    response = client.post("/service-points/import", data={
        "csrf_token": csrf_token(page), "file": (BytesIO(b"\xff\xfe\x00c\x00o"), "points.csv")})
    assert response.status_code == 400 and len(_problems(response)) == 1


def test_a_service_point_with_responses_cannot_be_deleted(app, login, units):
    from survey.questionnaires import check_answers
    from survey.responses import record_response
    from survey.startup import registry

    client = login("admin")
    post_form(client, "/service-points/new", _form(app))
    with app.app_context():
        point = get_session().exec(select(ServicePoint)).one()
        desk = registry().get("tthc-desk")
        record_response(desk, check_answers(desk, {"satisfaction": ["3"]}), channel="qr",
                        unit_id=point.unit_id, service_point_id=point.id)
    post_form(client, f"/service-points/{point.id}/delete", {}, form_url=f"/service-points/{point.id}/edit")
    assert _count(app) == 1


def test_a_service_point_without_responses_can_be_deleted(app, login, units):
    client = login("admin")
    post_form(client, "/service-points/new", _form(app))
    with app.app_context():
        point_id = get_session().exec(select(ServicePoint.id)).one()
    response = post_form(client, f"/service-points/{point_id}/delete", {},
                         form_url=f"/service-points/{point_id}/edit")
    assert response.status_code == 302 and _count(app) == 0


def test_opening_hours():
    hours = parse_hours("mon-fri 07:30-11:30 13:30-17:00; sat 07:30-11:30")
    assert hours[0] == ((time(7, 30), time(11, 30)), (time(13, 30), time(17, 0)))
    assert 6 not in hours
    tuesday = datetime(2026, 11, 24)
    assert is_open("mon-fri 07:30-11:30 13:30-17:00", tuesday.replace(hour=8)) is True
    assert is_open("mon-fri 07:30-11:30 13:30-17:00", tuesday.replace(hour=12)) is False
    assert is_open("mon-fri 07:30-11:30", datetime(2026, 11, 29, 9)) is False
    assert is_open("", tuesday) is None
    assert parse_hours("sun 00:00-24:00")[6][0][1] == time(23, 59, 59)


@pytest.mark.parametrize("text, code", [
    ("fri-mon 07:00-11:00", "hours.bad_day"),
    ("mon 11:00-07:00", "hours.bad_time"),
    ("mon 7:00-11:00", "hours.bad_time"),
    ("mon", "hours.no_period"),
    ("thứ2 07:00-11:00", "hours.bad_day"),
])
def test_bad_opening_hours(text, code):
    with pytest.raises(HoursError) as caught:
        parse_hours(text)
    assert caught.value.code == code
