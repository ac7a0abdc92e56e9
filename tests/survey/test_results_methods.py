"""Issue 15 on the pages: small-area estimates where validated, domains without a design-based
variance, how the headline index is computed, alternative definitions, and calibration margins."""
from datetime import UTC, date, datetime

from bs4 import BeautifulSoup

from survey.questionnaires import check_answers
from survey.responses.operations import record_response
from survey.service_points import operations as sp_operations
from survey.startup import registry
from survey.units.queries import query_unit, query_units_on
from survey.waves import operations

DAY = date(2025, 9, 1)


def _soup(response):
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _communes(count):
    return tuple(u.code for u in query_units_on(DAY, "commune")[:count])


def _breakdown(soup):
    table = soup.find(id="breakdown-caption").find_parent("table")
    head = [th.get_text(strip=True) for th in table.thead.find_all("th")]
    rows = [[td.get_text(" ", strip=True) for td in tr.find_all("td")] for tr in table.tbody.find_all("tr")]
    return head, rows


def test_small_area_estimates_show_beside_direct_ones_with_their_method(
        app, login, units, create_results_wave):
    with app.app_context():
        wave = create_results_wave("FH", responses=240, communes=_communes(12))
    soup = _soup(login("statistician").get(f"/results/{wave.id}?by=commune&lang=en"))
    head, rows = _breakdown(soup)
    assert head[-1].startswith("Small-area estimate")
    assert len(rows) == 12 and all("±" in row[-1] for row in rows)
    notes = " ".join(p.get_text() for p in soup.find_all("p", class_="hint"))
    # Twenty responses per commune: each commune's own variance is too unstable, so smoothed.
    assert "Fay–Herriot" in notes and "smoothed by a variance function" in notes


def test_communes_as_psus_have_no_design_based_variance_by_commune(app, login, units, create_results_wave):
    with app.app_context():
        wave = create_results_wave("PSU", responses=240, communes=_communes(12))
        operations.save_design(wave, operations.DesignData("district", "commune", "none", None, None))
        operations.census_frame(wave)
    client = login("statistician")
    soup = _soup(client.get(f"/results/{wave.id}?by=commune&lang=en"))
    note = soup.find("p", attrs={"role": "note"}).get_text()
    assert "no design-based variance under this design" in note and "stratify" in note
    head, rows = _breakdown(soup)
    for row in rows:
        # n_eff and deff are blank (never n_eff = n, never deff 0.00), no interval, no status.
        assert row[1] == "cannot be computed" and row[3] == "–" and row[4] == "–"
        assert "one sampling unit" in row[5] and row[6] == "Cannot be assessed"
        assert "±" in row[-1]  # the small-area estimate, from the spread within each commune
    assert "spread of answers within the unit" in soup.get_text()
    _, districts = _breakdown(_soup(client.get(f"/results/{wave.id}?by=district&lang=en")))
    assert any(row[1] != "cannot be computed" for row in districts)  # several communes each
    whole = _soup(client.get(f"/results/{wave.id}?by=&lang=en"))
    assert whole.find("p", attrs={"role": "note"}) is None


def test_every_results_page_says_how_the_headline_index_is_computed(app, login, units, create_results_wave):
    with app.app_context():
        wave = create_results_wave("RULE", public=True)
    client = login("statistician")
    for url in (f"/results/{wave.id}", f"/results/{wave.id}/dashboard", f"/results/{wave.id}/charts",
                f"/minh-bach/{wave.id}"):
        text = _soup(client.get(url + "?lang=en")).find(id="headline-rule").get_text(" ", strip=True)
        assert text == ("How the headline index is computed: Share satisfied (satisfied or very "
                        "satisfied) is the mean, over its 1 items, of the share of respondents who "
                        "answered 2 or 3 among those who answered the item.")


def _sipas_wave():
    wave = operations.save_wave(operations.WaveData(
        "SIPAS-ALT", "SIPAS 2025", "sipas", date(2025, 8, 1), date(2025, 10, 31), "both", False), None, None)
    operations.save_design(wave, operations.DesignData("none", "none", "none", None, None))
    operations.set_published(wave, True, False)
    sipas = registry().get("sipas")
    items = [i for index in sipas.indices if index.id == "overall_own_mean" for i in index.items]
    unit = query_unit("03595", DAY)
    point = sp_operations.save(sp_operations.ServicePointData(
        "ALT-03595", f"Một cửa {unit.name}", "one_stop_commune", unit.id, None, True, ""))
    for n in range(40):
        answers = {item: [str(3 + (n + k) % 3)] for k, item in enumerate(items)}
        answers["gave_feedback"] = ["yes"]  # shows the two follow-up feedback items
        record_response(sipas, check_answers(sipas, answers), channel="qr", unit_id=unit.id,
                        service_point_id=point.id, submitted_at=datetime(2025, 9, 2, 3, tzinfo=UTC))
    return wave


def test_statisticians_show_the_alternative_definitions_side_by_side(app, login, units):
    with app.app_context():
        wave = _sipas_wave()
    client = login("statistician")
    plain = _soup(client.get(f"/results/{wave.id}?by=&lang=en"))
    assert plain.find(id="alternatives-caption") is None
    overview = plain.find(id="overview-caption").find_parent("table")
    assert "alternative" not in str(overview)
    assert "Overall index" not in plain.find(id="headline-rule").get_text()
    soup = _soup(client.get(f"/results/{wave.id}?by=&alternatives=1&lang=en"))
    table = soup.find(id="alternatives-caption").find_parent("table")
    rows = table.tbody.find_all("tr")
    labels = [r.th.get_text(" ", strip=True) for r in rows]
    assert len(rows) == 3 and "(headline)" in labels[0]
    rules = [r.find_all("td")[0].get_text() for r in rows]
    assert "mean of 5 indices" in rules[0] and "own mean answer" in rules[1] and "every one" in rules[2]
    shares = [float(r.find_all("td")[1].get_text().rstrip("%")) for r in rows]
    assert shares[2] < shares[1] < shares[0]  # every item < own mean >= 4 < mean of shares


def test_viewers_see_the_headline_only(app, login, units):
    with app.app_context():
        wave = _sipas_wave()
    soup = _soup(login("viewer").get(f"/results/{wave.id}?by=&alternatives=1"))
    assert soup.find(id="alternatives-caption") is None and soup.find(id="headline-rule")


def test_weights_review_shows_margins_and_warns_when_bounds_miss_them(app, login, units, create_results_wave):
    with app.app_context():
        wave = create_results_wave("BOUNDS", communes=_communes(3))
    client = login("statistician")
    soup = _soup(client.get(f"/waves/{wave.id}/weights?lang=en"))
    table = soup.find(id="margins-caption").find_parent("table")
    assert len(table.tbody.find_all("tr")) == 3  # each commune's census population
    assert soup.find("div", class_="error-summary") is None
    with app.app_context():
        # Weights are N_h / 30, unequal across communes: +-5% of their mean cannot meet them.
        operations.save_design(wave, operations.DesignData("commune", "none", "none", 0.95, 1.05))
    soup = _soup(client.get(f"/waves/{wave.id}/weights?lang=en"))
    alert = soup.find("div", class_="error-summary").get_text()
    assert "miss" in alert and "bounds are too tight" in alert
    missed = [tr for tr in soup.find(id="margins-caption").find_parent("table").tbody.find_all("tr")
              if "missed" in tr.get_text()]
    assert missed
