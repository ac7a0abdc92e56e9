"""Bad input is a clear 4xx, never a 500 nor a half-written record (issue 14, items 6, 7 and 10):
control characters and over-long text on every channel, absurd ids in paths and queries, absurd
Decision 766 numbers and months, and an error page that still renders after a database error."""
from datetime import UTC, datetime
from io import BytesIO

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, text
from sqlmodel import select

from survey.db import get_session
from survey.models import D766Count, Response, ServicePoint
from survey.routing import MAX_ID, IdConverter
from survey.units.queries import query_unit
from tests.survey.conftest import csrf_token, post_form

SP_HEADER = "code,name,kind,unit_code,questionnaire_id,active,opening_hours\n"


def _count(app, model):
    with app.app_context():
        return get_session().exec(select(func.count()).select_from(model)).one()


def _errors(response) -> str:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return " ".join(e.get_text(" ", strip=True) for e in soup.select(".error-summary, .error, [role=alert]"))


def _upload(client, url, body: str):
    page = client.get(url).get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_token(page),
                                  "file": (BytesIO(body.encode()), "file.csv")})


# --- Item 6: control characters and lengths on every channel ------------------------------------

def test_a_nul_in_a_citizen_answer_is_a_clear_400_and_stores_nothing(app, client, desk):
    first = client.get("/q/MC-03595")
    form = BeautifulSoup(first.get_data(as_text=True), "html.parser").select_one("main form")
    fields = {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]")}
    response = client.post(form["action"], data={**fields, "q_satisfaction": "3",
                                                 "q_dossier_code": "H34\x00-0001"})
    assert response.status_code == 400
    assert "ký tự điều khiển" in response.get_data(as_text=True)
    assert _count(app, Response) == 0


@pytest.mark.parametrize("name", ["Một cửa\x00", "Bell\x07", "Xóa\x7f"])
def test_a_control_character_in_a_staff_form_is_refused_with_a_message(app, login, units, name):
    client = login("admin")
    with app.app_context():
        unit_id = query_unit("03595", datetime.now(UTC).date()).id
    response = post_form(client, "/service-points/new", {
        "code": "", "name": name, "kind": "one_stop_commune", "unit_id": str(unit_id),
        "questionnaire_id": "", "opening_hours": "", "active": "y"})
    assert response.status_code == 400
    assert "ký tự điều khiển" in _errors(response)
    assert _count(app, ServicePoint) == 0


def test_line_breaks_and_tabs_in_text_are_fine(app, login, units):
    client = login("admin")
    with app.app_context():
        unit_id = query_unit("03595", datetime.now(UTC).date()).id
    response = post_form(client, "/service-points/new", {
        "code": "", "name": "Một cửa\tThan Uyên", "kind": "one_stop_commune",
        "unit_id": str(unit_id), "questionnaire_id": "", "opening_hours": "", "active": "y"})
    assert response.status_code == 302


@pytest.mark.parametrize(("cell", "message"), [
    ("Một cửa\x00Than Uyên", "ký tự điều khiển"),
    ("Một cửa " + "x" * 300, "dài hơn"),
])
def test_a_csv_import_refuses_control_characters_and_over_long_cells(app, login, units, cell, message):
    client = login("admin")
    body = SP_HEADER + "MC-0001,Một cửa,one_stop_commune,03595,,yes,\n" + \
        f"MC-0002,{cell},one_stop_commune,03595,,yes,\n"
    response = _upload(client, "/service-points/import", body)
    assert response.status_code == 400
    problems = _errors(response)
    assert message in problems and "3" in problems  # the line of the bad cell
    assert _count(app, ServicePoint) == 0  # all or nothing


def test_a_nul_in_a_path_or_query_is_a_404_or_400(client, login):
    login("admin")
    assert client.get("/q/MC%00-03595").status_code == 404
    assert client.get("/units/?on=2025-01-01%00").status_code == 400
    assert client.get("/q/MC-03595?hs=%00").status_code == 400


def test_an_absurd_number_in_a_staff_form_is_refused(app, login, units):
    client = login("statistician")
    page = client.get("/d766").get_data(as_text=True)
    unit_id = BeautifulSoup(page, "html.parser").select_one("#unit_id option")["value"]
    for dossiers in ("99999999999999999999999", str(2**31)):
        response = post_form(client, "/d766", {"unit_id": unit_id, "month": "2025-09",
                                               "dossiers": dossiers, "negative": "0"})
        assert response.status_code == 400, dossiers
    assert _count(app, D766Count) == 0


# --- Item 7: ids beyond 64 bits --------------------------------------------------------------------

def test_every_int_in_a_route_is_a_bounded_id(app):
    converters = [c for rule in app.url_map.iter_rules() for c in rule._converters.values()
                  if isinstance(c, IdConverter) or type(c).__name__ == "IntegerConverter"]
    assert converters and all(isinstance(c, IdConverter) and c.max == MAX_ID for c in converters)


def _int_routes(app):
    for rule in app.url_map.iter_rules():
        names = [n for n, c in rule._converters.items() if isinstance(c, IdConverter)]
        if names:
            yield rule, names


@pytest.mark.parametrize("huge", [2**63, 2**64, 10**30])
def test_huge_ids_in_any_route_are_404_for_a_signed_in_admin(app, login, desk, huge):
    client = login("admin")
    seen = 0
    for rule, names in _int_routes(app):
        values = {name: huge for name in names}
        for name in rule.arguments - set(names):
            values[name] = {"code": "MC-03595", "questionnaire_id": "tthc-desk", "fmt": "svg",
                            "name": "units", "response_uuid": "0" * 32}.get(name, "x")
        path = rule.build(values, append_unknown=False)[1]
        method = "GET" if "GET" in rule.methods else "POST"
        response = client.open(path, method=method)
        assert response.status_code == 404, (rule.rule, method, response.status_code)
        seen += 1
    assert seen >= 15


def test_a_huge_id_on_the_public_page_is_a_404(client):
    assert client.get(f"/minh-bach/{2**63}").status_code == 404
    assert client.get(f"/minh-bach/{MAX_ID}").status_code == 404  # in range, no such wave


def test_a_huge_id_in_a_query_is_a_400(login):
    client = login("supervisor")
    assert client.get(f"/entry/audit?batch={2**63}").status_code == 400
    assert client.get("/entry/audit?batch=abc").status_code == 400
    assert client.get("/entry/audit?batch=1").status_code == 200


def test_the_500_page_renders_for_a_signed_in_user_after_a_database_error(app, login):
    def broken():
        get_session().execute(text("SELECT * FROM no_such_table"))

    app.add_url_rule("/broken-for-test", "broken_for_test", broken)
    app.testing = False  # serve the error page instead of raising into the test
    client = login("admin")
    response = client.get("/broken-for-test")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "vui lòng thử lại sau" in page and "Đăng xuất" in page  # the signed-in layout
    assert client.get("/units/").status_code == 200  # the session works again


# --- Item 10: Decision 766 numbers and months ------------------------------------------------------

@pytest.mark.parametrize(("month", "dossiers"), [("0000-01", "5"), ("9999-12", "5"),
                                                 ("2025-13", "5"), ("2025-09", str(10**12))])
def test_absurd_d766_months_and_numbers_are_a_clear_400(app, login, units, month, dossiers):
    client = login("statistician")
    page = client.get("/d766").get_data(as_text=True)
    unit_id = BeautifulSoup(page, "html.parser").select_one("#unit_id option")["value"]
    response = post_form(client, "/d766", {"unit_id": unit_id, "month": month,
                                           "dossiers": dossiers, "negative": "0"})
    assert response.status_code == 400
    assert _errors(response)
    assert _count(app, D766Count) == 0


@pytest.mark.parametrize("row", ["03595,0000-01,5,0", "03595,2025-09,99999999999999999999,0",
                                 "03595,2025-09,²,0", "03595,٢٠٢٥-09,5,0"])
def test_absurd_d766_csv_rows_are_a_clear_400(app, login, units, row):
    client = login("statistician")
    response = _upload(client, "/d766/import", "unit_code,month,dossiers,negative\n" + row + "\n")
    assert response.status_code == 400
    assert _errors(response)
    assert _count(app, D766Count) == 0
