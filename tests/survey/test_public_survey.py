"""The citizen survey by QR code: one-tap desk rating, paged forms kept on the server,
dossier codes, integrity flags and every bad input with a clear page and status."""
import gzip
import re
from datetime import UTC, datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from sqlmodel import select

from survey.db import get_session
from survey.models import Answer, Response, ServicePoint
from survey.service_points import operations as sp_operations
from survey.units.queries import query_unit

ALWAYS_OPEN = "mon-sun 00:00-24:00"


@pytest.fixture
def points(app, units):
    """A commune desk (always open), a health station and an inactive desk."""
    with app.app_context():
        unit = query_unit("03595", datetime.now(UTC).date())
        made = {}
        for code, kind, active, hours in (("MC-03595", "one_stop_commune", True, ALWAYS_OPEN),
                                          ("YT-03595", "health_station", True, ALWAYS_OPEN),
                                          ("MC-OLD", "one_stop_commune", False, "")):
            made[code] = sp_operations.save(sp_operations.ServicePointData(
                code, f"Điểm {code}", kind, unit.id, None, active, hours)).id
    return made


def _soup(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _form_of(response):
    soup = _soup(response)
    form = soup.select_one("main form")
    fields = {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]")}
    return form["action"], fields


def _post_page(client, page_response, answers, **extra):
    action, fields = _form_of(page_response)
    return client.post(action, data={**fields, **answers, **extra})


def _responses():
    return get_session().exec(select(Response).order_by(Response.id)).all()


def _answers(response):
    rows = get_session().exec(select(Answer).where(Answer.response_id == response.id)).all()
    return {a.item_id: a.value for a in rows}


def test_desk_rating_counts_after_one_tap(app, client, points):
    first = client.get("/q/mc-03595")
    assert first.status_code == 200
    soup = _soup(first)
    assert soup.html["lang"] == "vi"
    faces = soup.select("fieldset .faces button[name=q_satisfaction]")
    assert [b.get_text(strip=True) for b in faces] == ["Rất hài lòng", "Hài lòng", "Không hài lòng"]
    rated = _post_page(client, first, {"q_satisfaction": "3"})
    assert rated.status_code == 303
    with app.app_context():
        (response,) = _responses()
        assert (response.status, response.channel, response.current_page) == ("submitted", "qr", 1)
        assert response.questionnaire_id == "tthc-desk" and _answers(response) == {"satisfaction": "3"}
    follow = client.get(rated.location)
    assert "đã được ghi nhận" in follow.get_data(as_text=True)
    done = _post_page(client, follow, {"q_waiting_time": "lt15", "q_staff_attitude": "3",
                                       "q_asked_informal_payment": "no"})
    assert done.status_code == 303 and done.location.endswith("/thanks")
    assert client.get(done.location).status_code == 200
    with app.app_context():
        (response,) = _responses()
        assert _answers(response)["waiting_time"] == "lt15" and response.current_page == 2


def test_every_scan_gets_its_own_response_id_and_token(app, points):
    """The first page is rendered once and filled in per scan (survey.public.first_page)."""
    scans = [app.test_client() for _ in range(3)]
    pages = [c.get("/q/MC-03595") for c in scans]
    forms = [_form_of(page) for page in pages]
    assert len({action for action, _ in forms}) == 3
    assert len({fields["csrf_token"] for _, fields in forms}) == 3
    assert "mark" not in pages[0].get_data(as_text=True)
    for c, page in zip(scans, pages, strict=True):
        assert _post_page(c, page, {"q_satisfaction": "2"}).status_code == 303
    with app.app_context():
        assert len({r.uuid for r in _responses()}) == 3


def test_first_page_follows_language_and_service_point_changes(app, client, points):
    app.config["SERVICE_POINT_CACHE_SECONDS"] = 0
    english = _soup(client.get("/q/MC-03595?lang=en"))
    assert english.html["lang"] == "en" and english.select_one("header p").get_text() == "Điểm MC-03595"
    vietnamese = _soup(client.get("/q/MC-03595?lang=vi"))
    assert vietnamese.html["lang"] == "vi" and "Rất hài lòng" in vietnamese.get_text()
    with app.app_context():
        point = get_session().get(ServicePoint, points["MC-03595"])
        point.name = "Bộ phận Một cửa xã Than Uyên"
        get_session().add(point)
        get_session().commit()
    renamed = _soup(client.get("/q/MC-03595"))
    assert renamed.select_one("header p").get_text() == "Bộ phận Một cửa xã Than Uyên"

def test_follow_ups_can_be_skipped(app, client, points):
    rated = _post_page(client, client.get("/q/MC-03595"), {"q_satisfaction": "2"})
    skipped = _post_page(client, client.get(rated.location), {}, skip="1")
    assert skipped.location.endswith("/thanks")
    with app.app_context():
        assert [r.status for r in _responses()] == ["submitted"]


def test_a_replayed_rating_is_not_counted_twice(app, client, points):
    first = client.get("/q/MC-03595")
    assert _post_page(client, first, {"q_satisfaction": "3"}).status_code == 303
    replay = _post_page(client, first, {"q_satisfaction": "1"})
    assert replay.status_code in (303, 409)
    with app.app_context():
        (response,) = _responses()
        assert _answers(response)["satisfaction"] == "3"


def test_a_longer_questionnaire_is_paged_and_resumes_after_a_closed_tab(app, client, points):
    first = client.get("/q/YT-03595")
    q = app.extensions["questionnaires"].get("health-outpatient")
    assert _soup(first).select_one(".step").get_text(strip=True) == f"Trang 1/{len(q.sections)}"
    first_section = q.sections[0]
    answers = {f"q_{item.id}": "4" for item in first_section.items if item.scale_points}
    second = _post_page(client, first, answers)
    assert second.status_code == 303
    # The tab is closed; scanning again brings the citizen back to where they were.
    resumed = client.get("/q/YT-03595")
    assert resumed.status_code == 302 and resumed.location == second.location
    with app.app_context():
        (response,) = _responses()
        assert response.status == "in_progress" and response.current_page == 1
        assert set(_answers(response)) == {k[2:] for k in answers}


def test_dossier_code_rates_once_per_service_point(app, client, points):
    first = client.get("/q/MC-03595?hs=000.00.27.H34-251124-0001")
    assert _soup(first).select_one("#q_dossier_code")["value"] == "000.00.27.H34-251124-0001"
    assert _post_page(client, first, {"q_satisfaction": "3",
                                      "q_dossier_code": "000.00.27.H34-251124-0001"}).status_code == 303
    other = app.test_client()
    again = _post_page(other, other.get("/q/MC-03595"), {"q_satisfaction": "1",
                                                          "q_dossier_code": "000.00.27.H34-251124-0001"})
    assert again.status_code == 409
    assert "Hồ sơ này đã được đánh giá" in again.get_data(as_text=True)
    with app.app_context():
        assert len(_responses()) == 1


@pytest.mark.parametrize("url, status", [
    ("/q/NO-SUCH", 404),
    ("/q/MC-OLD", 410),
    ("/q/MC-03595/not-a-uuid/0", 404),
])
def test_bad_links_get_a_clear_page(client, points, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert _soup(response).h1.get_text(strip=True)
    assert _soup(response).html["lang"] == "vi"


def test_tampered_and_missing_answers_are_refused_with_nothing_stored(app, client, points):
    first = client.get("/q/MC-03595")
    for answers in ({"q_satisfaction": "7"}, {}, {"q_satisfaction": "3", "q_dossier_code": "x" * 41}):
        response = _post_page(client, first, answers)
        assert response.status_code == 400
        assert _soup(response).select_one(".error-summary a")
    with app.app_context():
        assert _responses() == []


def test_a_wrong_questionnaire_version_is_refused(app, client, points):
    first = client.get("/q/MC-03595")
    action, fields = _form_of(first)
    response = client.post(action, data={**fields, "v": "99", "q_satisfaction": "3"})
    assert response.status_code == 409
    with app.app_context():
        assert _responses() == []


def test_a_form_without_csrf_token_gets_a_citizen_page(app, client, points):
    action, fields = _form_of(client.get("/q/MC-03595"))
    fields.pop("csrf_token")
    response = client.post(action, data={**fields, "q_satisfaction": "3"})
    assert response.status_code == 400
    soup = _soup(response)
    assert soup.footer and "Biểu mẫu đã hết hạn" in soup.h1.get_text()  # citizen layout, Vietnamese
    with app.app_context():
        assert _responses() == []


def test_english_is_one_tap_away_and_remembered(client, points):
    page = client.get("/q/MC-03595", headers={"Accept-Language": "en"})
    assert _soup(page).html["lang"] == "vi"
    switch = _soup(page).select_one('header a[hreflang="en"]')["href"]
    english = client.get(switch)
    assert _soup(english).html["lang"] == "en"
    assert "Very satisfied" in english.get_data(as_text=True)


def test_honeypot_and_bursts_are_flagged_not_dropped(app, points):
    app.config.update(QR_BURST_FLAG_COUNT=3)
    client = app.test_client()
    for n in range(4):
        extra = {"website": "http://spam.example"} if n == 0 else {}
        _post_page(client, client.get("/q/MC-03595"), {"q_satisfaction": "2"}, **extra)
        client = app.test_client()  # a new tab on the same phone: same address and browser
    with app.app_context():
        flags = [r.flags for r in _responses()]
    assert "honeypot" in flags[0]
    assert ["burst" in f for f in flags] == [False, False, True, True]


def test_rate_limit_refuses_with_429(app, points):
    app.config.update(QR_RATE_LIMIT_COUNT=2)
    statuses = []
    for _ in range(3):
        client = app.test_client()
        statuses.append(_post_page(client, client.get("/q/MC-03595"), {"q_satisfaction": "3"}).status_code)
    assert statuses == [303, 303, 429]


def test_many_identical_top_ratings_at_a_desk_are_flagged(app, points):
    app.config.update(QR_IDENTICAL_FLAG_COUNT=3, QR_BURST_FLAG_COUNT=100)
    for rating in ("3", "2", "3", "3"):  # a lower rating in between neither counts nor is flagged
        client = app.test_client()
        _post_page(client, client.get("/q/MC-03595"), {"q_satisfaction": rating})
    with app.app_context():
        assert ["identical_top" in r.flags for r in _responses()] == [False, False, False, True]


def test_outside_opening_hours_is_flagged(app, client, points):
    with app.app_context():
        session = get_session()
        point = session.get(ServicePoint, points["MC-03595"])
        point.opening_hours = "mon 00:00-00:01"
        session.add(point)
        session.commit()
    _post_page(client, client.get("/q/MC-03595"), {"q_satisfaction": "3"})
    with app.app_context():
        (response,) = _responses()
        now_local = datetime.now(UTC) + timedelta(hours=7)
        expected = not (now_local.weekday() == 0 and now_local.hour == 0 and now_local.minute < 1)
        assert ("outside_hours" in response.flags) == expected


def test_no_raw_ip_or_personal_data_is_stored(app, client, points):
    client.environ_base["REMOTE_ADDR"] = "203.0.113.7"
    _post_page(client, client.get("/q/MC-03595"), {"q_satisfaction": "3"})
    with app.app_context():
        engine = app.extensions["db_engine"]
        with engine.connect() as conn:
            dump = " ".join(str(row) for table in ("response", "answer")
                            for row in conn.exec_driver_sql(f"SELECT * FROM {table}"))
    assert "203.0.113.7" not in dump


def test_pages_are_compressed_and_small(client, points):
    page = client.get("/q/MC-03595", headers={"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip"
    assert len(page.data) < 30_000
    html = gzip.decompress(page.data).decode()
    assert not re.search(r'(src|href)="https?://', html)  # nothing fetched from elsewhere


@pytest.mark.parametrize("rating, asked", [("3", False), ("1", True)])
def test_follow_ups_that_do_not_apply_are_not_asked(client, points, rating, asked):
    rated = _post_page(client, client.get("/q/MC-03595"), {"q_satisfaction": rating})
    follow = _soup(client.get(rated.location))
    assert (follow.select_one("#item-reason_dissatisfied") is not None) == asked
    assert follow.select_one("#item-comment") is not None


def test_a_counted_desk_rating_is_not_resumed(client, points):
    """The same citizen back at the desk later gets a new rating form, not old follow-ups."""
    rated = _post_page(client, client.get("/q/MC-03595"), {"q_satisfaction": "3"})
    assert rated.status_code == 303
    again = client.get("/q/MC-03595")
    assert again.status_code == 200 and _soup(again).select_one(".faces")
    assert _form_of(again)[0] != _form_of(client.get(rated.location))[0]
