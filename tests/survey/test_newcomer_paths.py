"""Paths where a new user got stuck (issue 16), walked as that user would."""
from datetime import date

from bs4 import BeautifulSoup
from sqlmodel import select

from survey.models import Wave, WaveDesign
from tests.survey.conftest import post_form


def _one(app, model):
    with app.app_context():
        from survey.db import get_session

        (row,) = get_session().exec(select(model)).all()
        return row


def _new_wave(app, client):
    post_form(client, "/waves/new", {"code": "sipas-2025", "name": "SIPAS 2025",
                                     "questionnaire_id": "sipas", "period_start": "2025-08-01",
                                     "period_end": "2025-10-31", "mode": "both"})
    return _one(app, Wave)


def _design(**bounds):
    return {"stratify_by": "district", "psu": "none", "calibration": "none", **bounds}


def test_trim_bounds_may_stay_empty_and_are_not_marked_required(app, login, units):
    client = login("statistician")
    wave = _new_wave(app, client)
    page = BeautifulSoup(client.get(f"/waves/{wave.id}").get_data(as_text=True), "html.parser")
    for name in ("trim_low", "trim_high"):
        field = page.find("input", attrs={"name": name})
        assert not field.has_attr("required") and field["inputmode"] == "decimal"
    response = post_form(client, f"/waves/{wave.id}", _design(trim_low="", trim_high=""))
    assert response.status_code == 302
    design = _one(app, WaveDesign)
    assert (design.trim_low, design.trim_high) == (None, None)


def test_decimal_bounds_accept_a_comma_under_an_english_browser(app, login, units):
    client = login("statistician")
    wave = _new_wave(app, client)
    url = f"/waves/{wave.id}"
    response = post_form(client, url + "?lang=en", _design(trim_low="0,3", trim_high="3.5"),
                         form_url=url + "?lang=en")
    assert response.status_code == 302
    design = _one(app, WaveDesign)
    assert (design.trim_low, design.trim_high) == (0.3, 3.5)
    shown = BeautifulSoup(client.get(url + "?lang=vi").get_data(as_text=True), "html.parser")
    assert shown.find("input", attrs={"name": "trim_high"})["value"] == "3,5"


def test_a_bound_that_is_not_a_number_is_explained(app, login, units):
    client = login("statistician")
    wave = _new_wave(app, client)
    url = f"/waves/{wave.id}"
    response = post_form(client, url + "?lang=vi", _design(trim_low="abc", trim_high="nan"),
                         form_url=url + "?lang=vi")
    assert response.status_code == 400
    errors = BeautifulSoup(response.get_data(as_text=True), "html.parser").select(".error-summary li")
    assert len(errors) == 2 and "Nhập một số" in errors[0].get_text()


def test_posters_warn_and_are_marked_trial_while_the_base_url_is_this_computer(app, login, units,
                                                                            create_service_point):
    create_service_point("MC-03595")
    client = login("admin")
    listing = BeautifulSoup(client.get("/posters/?lang=vi").get_data(as_text=True), "html.parser")
    warning = listing.select_one(".flash-error[role=alert]")
    assert warning and "http://127.0.0.1:5000" in warning.get_text()
    unit_link = listing.select_one("a[href*='/posters/unit/'][href*='/print']")["href"]
    printed = BeautifulSoup(client.get(unit_link).get_data(as_text=True), "html.parser")
    assert printed.select_one(".flash-error[role=alert]")
    marks = [t for t in printed.find_all("text") if "BẢN IN THỬ" in t.get_text()]
    assert marks and len(marks) == len(printed.select(".sheet"))

    app.config["PUBLIC_BASE_URL"] = "https://hailong.laichau.gov.vn"
    listing = BeautifulSoup(client.get("/posters/?lang=vi").get_data(as_text=True), "html.parser")
    assert listing.select_one(".flash-error") is None
    printed = client.get(unit_link).get_data(as_text=True)
    assert "BẢN IN THỬ" not in printed and "flash-error" not in printed


def test_the_demo_starts_without_an_error_line_and_lists_every_account(tmp_path):
    import os
    import sqlite3
    import subprocess
    import sys

    database = tmp_path / "demo.db"
    env = {**os.environ, "SURVEY_DATABASE_URL": f"sqlite:///{database}",
           "SURVEY_INSTANCE_PATH": str(tmp_path), "SURVEY_SECRET_KEY": "demo-test"}
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "demo", "--responses", "30"],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "db upgrade" not in done.stdout + done.stderr
    assert "nhaplieu2 (clerk)" in done.stdout and "giamsat (supervisor)" in done.stdout
    with sqlite3.connect(database) as db:
        (end,) = db.execute("SELECT period_end FROM wave WHERE code = 'demo-1cua'").fetchone()
    assert date.fromisoformat(end) > date.today()  # ratings made after today still count


def test_an_already_rated_dossier_says_what_happened_and_offers_a_way_on(app, client, units,
                                                                        create_service_point):
    create_service_point("MC-03595")

    def rate(browser, face):
        page = BeautifulSoup(browser.get("/q/MC-03595?hs=000.00.27.H34-251124-0001").get_data(
            as_text=True), "html.parser")
        form = page.select_one("main form")
        data = {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]")}
        data.update({"q_satisfaction": face, "q_dossier_code": "000.00.27.H34-251124-0001"})
        return browser.post(form["action"], data=data)

    assert rate(client, "3").status_code == 303
    again = rate(app.test_client(), "1")
    assert again.status_code == 409
    page = BeautifulSoup(again.get_data(as_text=True), "html.parser")
    assert "chưa được ghi" in page.main.get_text()
    way_on = page.main.find("a")["href"]
    assert way_on == "/q/MC-03595" and client.get(way_on).status_code == 200
    english = page.select_one("header nav a[hreflang=en]")["href"]
    assert english == "/q/MC-03595?lang=en" and client.get(english).status_code == 200


def test_the_wave_page_speaks_the_readers_language(app, login, units):
    client = login("statistician")
    wave = _new_wave(app, client)
    post_form(client, f"/waves/{wave.id}", _design())
    post_form(client, f"/waves/{wave.id}/frame/census", {"census-submit": "1"}, form_url=f"/waves/{wave.id}")
    page = BeautifulSoup(client.get(f"/waves/{wave.id}?lang=vi").get_data(as_text=True), "html.parser")
    summary = next(p.get_text() for p in page.main.find_all("p") if "sipas v1" in p.get_text())
    assert "01/08/2025 – 31/10/2025" in summary and "both" not in summary
    assert "QR và phiếu giấy" in summary
    rows = [row.get_text(" ", strip=True) for row in page.select("table tbody tr")]
    assert rows, "the census frame fills the strata table"
    assert all("·" in row for row in rows)  # every stratum code comes with its name
    assert any("." in row.split()[-1] for row in rows)  # 2019 census sizes grouped as 12.345


def test_satisfied_answers_are_blue_on_every_scale_length():
    from survey.results.charts import NEUTRAL_COLOUR, POSITIVE_COLOURS, scale_colours

    blues = {c for colours in POSITIVE_COLOURS.values() for c in colours}
    # The desk's 3-point scale: Không hài lòng, Hài lòng, Rất hài lòng.
    assert scale_colours(3) == ("#d6604d", "#92c5de", "#4393c3")
    assert scale_colours(5) == ("#d6604d", "#f4a582", NEUTRAL_COLOUR, "#92c5de", "#4393c3")
    for count in (2, 3, 4, 5, 7):
        colours = scale_colours(count)
        assert len(colours) == count and colours[-1] in blues and colours[0] not in blues
        assert not set(colours[:-2]) & blues


def test_a_dissatisfied_citizen_taps_reasons_and_may_still_write(app, client, units, create_service_point):
    from survey.models import Answer, Response

    create_service_point("MC-03595")

    def post(response, answers):
        form = BeautifulSoup(response.get_data(as_text=True), "html.parser").select_one("main form")
        data = {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]")}
        from werkzeug.datastructures import MultiDict

        return client.post(form["action"], data=MultiDict([*data.items(), *answers]))

    follow_up = client.get(post(client.get("/q/MC-03595"), [("q_satisfaction", "1")]).location)
    page = BeautifulSoup(follow_up.get_data(as_text=True), "html.parser")
    boxes = page.select("input[type=checkbox][name=q_dissatisfied_reasons]")
    labels = {page.find("label", attrs={"for": box["id"]}).get_text(strip=True) for box in boxes}
    assert {"Phải chờ lâu", "Phải đi lại nhiều lần", "Bị gợi ý đưa thêm tiền, quà"} <= labels
    assert page.find("textarea", attrs={"name": "q_reason_dissatisfied"})
    done = post(follow_up, [("q_dissatisfied_reasons", "waiting"), ("q_dissatisfied_reasons", "come_back"),
                            ("q_reason_dissatisfied", "Thiếu hướng dẫn")])
    assert done.status_code == 303
    with app.app_context():
        from survey.db import get_session

        (response,) = get_session().exec(select(Response)).all()
        answers = {a.item_id: a.value for a in get_session().exec(
            select(Answer).where(Answer.response_id == response.id))}
    assert response.questionnaire_version == 2
    assert set(answers["dissatisfied_reasons"].split()) == {"waiting", "come_back"}
    assert answers["reason_dissatisfied"] == "Thiếu hướng dẫn"


def _district_wave_with_a_provincial_desk(app):
    """A desk wave stratified by former district whose ratings include the provincial centre (12)."""
    from datetime import UTC, datetime

    from survey.questionnaires import check_answers
    from survey.responses.operations import record_response
    from survey.service_points import operations as points
    from survey.startup import registry
    from survey.units.queries import query_unit
    from survey.waves import operations

    with app.app_context():
        wave = operations.save_wave(operations.WaveData(
            "CENSUS", "Đợt một cửa", "tthc-desk", date(2025, 8, 1), date(2025, 10, 31), "both", False),
            None, None)
        operations.save_design(wave, operations.DesignData("district", "none", "none", None, None))
        operations.set_published(wave, True, False)
        desk = registry().get("tthc-desk")
        for unit_code, kind in (("12", "one_stop_province"), ("03595", "one_stop_commune")):
            unit = query_unit(unit_code, date(2025, 9, 1))
            point = points.save(points.ServicePointData(f"MC-{unit_code}", f"Một cửa {unit.name}", kind,
                                                        unit.id, None, True, ""))
            for n in range(12):
                record_response(desk, check_answers(desk, {"satisfaction": [str(1 + n % 3)]}),
                                channel="qr", unit_id=unit.id, service_point_id=point.id,
                                submitted_at=datetime(2025, 9, 1 + n, 3, tzinfo=UTC))
        return wave.id


def test_a_census_frame_gap_is_named_with_a_way_to_fill_it_and_no_page_fails(app, login, units):
    wave_id = _district_wave_with_a_provincial_desk(app)
    client = login("statistician")
    census = post_form(client, f"/waves/{wave_id}/frame/census", {"census-submit": "1"},
                       form_url=f"/waves/{wave_id}")
    assert census.status_code == 302 and census.location.endswith(f"/waves/{wave_id}/weights")
    page = BeautifulSoup(client.get(census.location).get_data(as_text=True), "html.parser")
    assert "12" in page.select_one(".error-summary").get_text()
    assert page.find("label", attrs={"for": "population-12"})
    charts = client.get(f"/results/{wave_id}/charts")
    charts_page = BeautifulSoup(charts.get_data(as_text=True), "html.parser")
    assert charts.status_code == 200 and charts_page.select_one(f".error-summary a[href$='/waves/{wave_id}']")
    assert client.get(f"/results/{wave_id}/charts/units.svg").status_code == 409

    refused = post_form(client, f"/waves/{wave_id}/frame/stratum", {"stratum": "12", "population": "-3"},
                        form_url=f"/waves/{wave_id}/weights")
    assert refused.status_code == 400
    saved = post_form(client, f"/waves/{wave_id}/frame/stratum", {"stratum": "12", "population": "4.800"},
                      form_url=f"/waves/{wave_id}/weights")
    assert saved.status_code == 302
    page = BeautifulSoup(client.get(f"/waves/{wave_id}/weights").get_data(as_text=True), "html.parser")
    assert page.select_one(".error-summary") is None and len(page.find("table").tbody.find_all("tr")) == 3
    assert client.get(f"/results/{wave_id}/charts/units.svg").status_code == 200
