"""Waves and their design: forms, frame CSV (line-numbered, all or nothing), census, margins,
weights review and publishing; statisticians and admins only."""
import io

import pytest
from bs4 import BeautifulSoup
from sqlmodel import select

from survey.models import Wave, WaveDesign, WaveMargin, WaveStratum
from tests.survey.conftest import post_form


def _wave_form(**extra):
    return {"code": "sipas-2025", "name": "SIPAS 2025", "questionnaire_id": "sipas",
            "period_start": "2025-08-01", "period_end": "2025-10-31", "mode": "both", **extra}


def _rows(app, model):
    with app.app_context():
        from survey.db import get_session

        return get_session().exec(select(model)).all()


def test_statistician_creates_a_wave_and_its_design(app, login, units):
    client = login("statistician")
    response = post_form(client, "/waves/new", _wave_form())
    assert response.status_code == 302
    (wave,) = _rows(app, Wave)
    assert (wave.questionnaire_id, wave.questionnaire_version, wave.mode) == ("sipas", 1, "both")
    response = post_form(client, f"/waves/{wave.id}", {"stratify_by": "district", "psu": "commune",
                                                       "calibration": "none", "trim_low": "0.3",
                                                       "trim_high": "3.5"})
    assert response.status_code == 302
    (design,) = _rows(app, WaveDesign)
    chosen = (design.stratify_by, design.psu, design.trim_low, design.trim_high)
    assert chosen == ("district", "commune", 0.3, 3.5)


def test_bad_wave_input_gets_a_400_with_messages(app, login, units):
    client = login("statistician")
    response = post_form(client, "/waves/new?lang=vi", _wave_form(period_end="2025-07-01"),
                         form_url="/waves/new")
    assert response.status_code == 400
    assert "không được trước ngày đầu" in response.get_data(as_text=True)
    post_form(client, "/waves/new", _wave_form())
    again = post_form(client, "/waves/new", _wave_form())
    assert again.status_code == 400 and len(_rows(app, Wave)) == 1


def test_design_problems_are_explained(app, login, units):
    client = login("statistician")
    post_form(client, "/waves/new", _wave_form())
    (wave,) = _rows(app, Wave)
    response = post_form(client, f"/waves/{wave.id}", {"stratify_by": "commune", "psu": "village",
                                                       "calibration": "rake", "trim_low": "2",
                                                       "trim_high": "1"})
    assert response.status_code == 400
    errors = BeautifulSoup(response.get_data(as_text=True), "html.parser").select(".error-summary li")
    # No village item, no margins, a lower bound above 1, bounds in the wrong order.
    assert len(errors) == 4


def _upload(client, url, text):
    return post_form(client, url, {"file": (io.BytesIO(text.encode()), "frame.csv")},
                     content_type="multipart/form-data")


def test_frame_upload_is_all_or_nothing_with_line_numbers(app, login, units):
    client = login("statistician")
    post_form(client, "/waves/new", _wave_form())
    (wave,) = _rows(app, Wave)
    post_form(client, f"/waves/{wave.id}", {"stratify_by": "district", "psu": "none", "calibration": "none"})
    bad = _upload(client, f"/waves/{wave.id}/frame", "stratum,population\n105,1000\n999,5\n106,-3\n105,7\n")
    assert bad.status_code == 400
    items = [li.get_text(" ", strip=True) for li in
             BeautifulSoup(bad.get_data(as_text=True), "html.parser").select(".error-summary li")]
    assert [i.split(":")[0] for i in items] == ["Dòng 3", "Dòng 4", "Dòng 5"]
    assert _rows(app, WaveStratum) == []
    good = _upload(client, f"/waves/{wave.id}/frame", "stratum,population\n105,1000\n106,2500\n")
    assert good.status_code == 302
    assert {(s.stratum, s.population) for s in _rows(app, WaveStratum)} == {("105", 1000), ("106", 2500)}
    assert _upload(client, f"/waves/{wave.id}/frame", "code;size\n1;2\n").status_code == 400


def test_census_frame_fills_every_stratum(app, login, units):
    client = login("statistician")
    post_form(client, "/waves/new", _wave_form())
    (wave,) = _rows(app, Wave)
    post_form(client, f"/waves/{wave.id}", {"stratify_by": "district", "psu": "none", "calibration": "none"})
    response = post_form(client, f"/waves/{wave.id}/frame/census", {"census-submit": "1"},
                         form_url=f"/waves/{wave.id}")
    assert response.status_code == 302
    sizes = {s.stratum: s.population for s in _rows(app, WaveStratum)}
    # Districts within their 2020 boundaries, summed from the communes' census counts.
    assert len(sizes) == 8 and sizes["105"] == 43771 and sum(sizes.values()) == 460196


def test_margins_upload_census_and_calibrated_weights(app, login, units):
    client = login("statistician")
    post_form(client, "/waves/new", _wave_form())
    (wave,) = _rows(app, Wave)
    margins_url = f"/waves/{wave.id}/margins"
    bad = _upload(client, margins_url, "item_id,category,total\nsex,male,10\nsex,other,4\nfoo,1,2\n")
    assert bad.status_code == 400 and _rows(app, WaveMargin) == []
    good = _upload(client, margins_url, "item_id,category,total\nsex,male,230000\nsex,female,230196\n")
    assert good.status_code == 302
    census = post_form(client, f"/waves/{wave.id}/margins", {"census-submit": "1"})
    assert census.status_code == 302
    margins = _rows(app, WaveMargin)
    assert {m.item_id for m in margins} == {"sex", "ethnicity"}
    assert sum(m.total for m in margins if m.item_id == "ethnicity") == 460193  # the file's groups
    post_form(client, f"/waves/{wave.id}", {"stratify_by": "none", "psu": "none", "calibration": "rake"})
    assert _rows(app, WaveDesign)[0].calibration == "rake"


def test_weights_review_shows_strata_deff_and_n_eff(app, login, units, create_results_wave):
    wave = create_results_wave()
    client = login("statistician")
    page = client.get(f"/waves/{wave.id}/weights")
    assert page.status_code == 200
    rows = BeautifulSoup(page.get_data(as_text=True), "html.parser").find("table").tbody.find_all("tr")
    assert len(rows) == 4  # three communes and the total
    cells = [td.get_text(strip=True) for td in rows[0].find_all("td")]
    assert cells[1] == "30" and cells[5] == "1,00"  # Kish deff 1 (equal weights), Vietnamese decimals


def test_publish_and_public_flags(app, login, units, create_results_wave):
    wave = create_results_wave(published=False)
    client = login("statistician")
    post_form(client, f"/waves/{wave.id}/publish", {"published": "y", "public": "y"},
              form_url=f"/waves/{wave.id}")
    (design,) = _rows(app, WaveDesign)
    assert design.published and design.public
    post_form(client, f"/waves/{wave.id}/publish", {"public": "y"}, form_url=f"/waves/{wave.id}")
    (design,) = _rows(app, WaveDesign)
    assert not design.published and not design.public


@pytest.mark.parametrize("role", ["viewer", "supervisor", "clerk"])
def test_only_statisticians_and_admins_manage_waves(app, login, units, role, create_results_wave):
    wave = create_results_wave(responses=3)
    client = login(role)
    assert client.get("/waves/new").status_code == 403
    assert client.get(f"/waves/{wave.id}").status_code == 403
    assert client.get(f"/waves/{wave.id}/weights").status_code == 403
    assert client.get(f"/results/{wave.id}").status_code == (200 if role == "viewer" else 403)
