"""Results pages, the target dashboard, charts, Decision 766 counts and the public page."""
import io
from datetime import UTC, date, datetime

import pytest
from bs4 import BeautifulSoup

from survey.units.queries import query_unit
from tests.survey.conftest import post_form


@pytest.fixture
def wave(units, create_results_wave):
    return create_results_wave()


def _soup(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _import_d766(client, csv):
    return post_form(client, "/d766/import", {"file": (io.BytesIO(csv.encode()), "d766.csv")},
                     content_type="multipart/form-data")


def test_results_page_shows_estimates_with_intervals_per_commune(login, wave):
    client = login("statistician")
    page = client.get(f"/results/{wave.id}?by=commune&lang=vi")
    assert page.status_code == 200
    soup = _soup(page)
    tables = soup.find_all("table")
    assert len(tables) == 2
    rows = tables[1].find("tbody").find_all("tr")
    assert len(rows) == 3
    names = [r.th.get_text(" ", strip=True) for r in rows]
    assert any("Xã Than Uyên" in n for n in names)
    for row in rows:
        cells = [td.get_text(strip=True) for td in row.find_all("td")]
        assert "%" in cells[0] and "–" in cells[1]
        assert int(cells[2]) == 30
        assert cells[6] in ("Đạt mục tiêu", "Không đạt mục tiêu", "Chưa kết luận được")
        assert len(cells) == 7  # three communes are too few for the Fay-Herriot model
    assert soup.find(id="headline-rule")


@pytest.mark.parametrize("by", ["", "district", "service_point", "service_kind"])
def test_every_breakdown_renders(login, wave, by):
    client = login("viewer")
    assert client.get(f"/results/{wave.id}?by={by}").status_code == 200


def test_unknown_breakdown_or_indicator_is_a_400_page(login, wave):
    client = login("statistician")
    assert client.get(f"/results/{wave.id}?by=nonsense").status_code == 400
    assert client.get(f"/results/{wave.id}?indicator=nonsense").status_code == 400
    assert client.get("/results/999999").status_code == 404


def test_inclusion_choice_changes_counts(app, login, wave, create_response):
    with app.app_context():
        unit = query_unit("03595", date(2025, 9, 1))
    create_response({"satisfaction": ["1"]}, unit_id=unit.id,
                    submitted_at=datetime(2025, 9, 5, tzinfo=UTC), flags=("burst",))
    client = login("statistician")
    excluded = _soup(client.get(f"/results/{wave.id}?by="))
    included = _soup(client.get(f"/results/{wave.id}?by=&flagged=1"))
    n = lambda soup: int(soup.find_all("table")[0].tbody.tr.find_all("td")[2].get_text())  # noqa: E731
    assert (n(excluded), n(included)) == (90, 91)
    assert "(1)" in excluded.find("label", attrs={"for": "flagged"}).get_text()


def test_viewers_see_only_published_waves(login, units, create_results_wave):
    hidden = create_results_wave("HIDDEN", published=False, responses=3)
    client = login("viewer")
    assert client.get(f"/results/{hidden.id}").status_code == 404
    assert client.get(f"/results/{hidden.id}/dashboard").status_code == 404
    assert "HIDDEN" not in client.get("/waves/").get_data(as_text=True)


def test_dashboard_shows_status_d766_rate_trend_and_channels(app, login, wave):
    client = login("statistician")
    csv = ("unit_code,month,dossiers,negative\n"
           "03595,2025-08,400,8\n03595,2025-09,600,12\n03388,2025-09,100,10\n")
    response = _import_d766(client, csv)
    assert response.status_code == 302
    soup = _soup(client.get(f"/results/{wave.id}/dashboard?lang=vi"))
    units_table, trend = soup.find_all("table")
    by_name = {r.th.get_text(strip=True): [td.get_text(strip=True) for td in r.find_all("td")]
               for r in units_table.tbody.find_all("tr")}
    assert by_name["Xã Than Uyên"][3] == "98,0%"  # (1000 - 20) / 1000
    assert by_name["Xã Than Uyên"][4] == "1000"
    assert by_name["Xã Than Uyên"][5] == "30" and by_name["Xã Than Uyên"][6] == "0"
    assert [r.th.get_text() for r in trend.tbody.find_all("tr")] == ["2025-08", "2025-09", "2025-10"]
    assert client.get(f"/results/{wave.id}/dashboard?level=district").status_code == 200
    assert client.get(f"/results/{wave.id}/dashboard?level=province").status_code == 400


def test_d766_import_rejects_bad_files_whole(login, units):
    client = login("statistician")
    csv = ("unit_code,month,dossiers,negative\n"
           "03595,2025-08,400,8\n99999,2025-09,1,0\n03595,2025-13,1,0\n03388,2025-09,5,9\n")
    response = _import_d766(client, csv)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Line 3" in text or "Dòng 3" in text
    assert "Dòng 4" in text or "Line 4" in text
    assert "Dòng 5" in text or "Line 5" in text
    assert "<tbody>" not in client.get("/d766").get_data(as_text=True)


def test_viewers_read_d766_but_cannot_write(login, units):
    client = login("viewer")
    assert client.get("/d766").status_code == 200
    assert client.post("/d766", data={}).status_code in (400, 403)


def test_charts_are_accessible_svg_and_png(login, wave):
    client = login("viewer")
    for name in ("units", "trend", "items"):
        svg = client.get(f"/results/{wave.id}/charts/{name}.svg")
        assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
        soup = BeautifulSoup(svg.get_data(as_text=True), "html.parser")
        root = soup.find("svg")
        assert root["role"] == "img" and root["aria-labelledby"] == "chart-title chart-desc"
        assert soup.find("title").get_text() and soup.find("desc").get_text()
        png = client.get(f"/results/{wave.id}/charts/{name}.png?download=1")
        assert png.status_code == 200 and png.data[:8] == b"\x89PNG\r\n\x1a\n"
        assert "attachment" in png.headers["Content-Disposition"]
    units_svg = BeautifulSoup(client.get(f"/results/{wave.id}/charts/units.svg").get_data(as_text=True),
                              "html.parser")
    assert len(units_svg.find_all("circle")) == 3
    assert any(line.get("stroke-dasharray") for line in units_svg.find_all("line"))
    page = _soup(client.get(f"/results/{wave.id}/charts"))
    assert len(page.find_all("figure")) == 3 and len(page.find_all("details")) == 3
    assert client.get(f"/results/{wave.id}/charts/pie.svg").status_code == 404


def test_public_page_only_when_published_and_public_with_small_cells_hidden(client, units,
                                                                          create_results_wave):
    private = create_results_wave("PRIVATE", public=False, responses=6)
    open_wave = create_results_wave("OPEN", public=True, responses=75)
    assert client.get(f"/minh-bach/{private.id}").status_code == 404
    page = client.get(f"/minh-bach/{open_wave.id}?lang=vi")
    assert page.status_code == 200
    soup = _soup(page)
    cells = [r.find_all("td") for r in soup.find("table").tbody.find_all("tr")]
    assert all(len(c) == 1 for c in cells)  # 25 responses per commune: all suppressed
    assert "Không hiển thị" in soup.get_text() or "Not shown" in soup.get_text()


def test_an_interval_without_bounds_says_so_in_words(login, units, create_results_wave):
    sparse = create_results_wave("SPARSE", responses=4)  # two communes with one response each
    client = login("statistician")
    results = _soup(client.get(f"/results/{sparse.id}?by=commune&lang=vi")).find_all("table")[1]
    dashboard = _soup(client.get(f"/results/{sparse.id}/dashboard?lang=vi")).find("table")
    for table, column in ((results, 1), (dashboard, 2)):
        intervals = [r.find_all("td")[column].get_text(strip=True) for r in table.tbody.find_all("tr")]
        assert sorted(intervals)[-2:] == ["không tính được"] * 2, intervals
        assert not any(i.startswith("–") or i.endswith("–") for i in intervals)
