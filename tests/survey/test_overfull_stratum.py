"""One stratum with more responses than people (stuffing, or a frame too small) never blanks a
wave: the other strata are estimated, and results, dashboard, weights review and exports show
that stratum with a warning and the choices."""
from datetime import UTC, date, datetime

import pytest
from bs4 import BeautifulSoup

from survey.db import get_session
from survey.estimates import Inclusion, design_frame, wave_results
from survey.exports.runner import write_file
from survey.questionnaires import check_answers
from survey.responses.operations import record_response
from survey.service_points import operations as sp_operations
from survey.startup import registry
from survey.units.queries import query_unit
from survey.waves import operations

DAY = date(2025, 9, 1)
# Commune → (population, ratings). 03390 is stuffed: 5 ratings where the frame has 2 people.
STRATA = {"03595": (100, "3321"), "03388": (300, "3111"), "03390": (2, "33333")}


@pytest.fixture
def wave(app, units):
    with app.app_context():
        wave = operations.save_wave(operations.WaveData(
            "w-over", "Đợt có tầng quá tải", "tthc-desk", date(2025, 8, 1), date(2025, 10, 31),
            "qr", False), None, None)
        operations.save_design(wave, operations.DesignData("commune", "none", "none", None, None))
        csv = "stratum,population\n" + "".join(f"{c},{n}\n" for c, (n, _) in STRATA.items())
        assert operations.import_frame(wave, csv.encode(), "frame.csv") == (3, [])
        desk = registry().get("tthc-desk")
        for commune, (_, ratings) in STRATA.items():
            unit = query_unit(commune, DAY)
            point = sp_operations.save(sp_operations.ServicePointData(
                f"MC-{commune}", f"Một cửa {unit.name}", "one_stop_commune", unit.id, None, True, ""))
            for n, rating in enumerate(ratings):
                record_response(desk, check_answers(desk, {"satisfaction": [rating]}), channel="qr",
                                unit_id=unit.id, service_point_id=point.id,
                                submitted_at=datetime(2025, 9, 2 + n, 3, tzinfo=UTC))
        return wave


def test_the_other_strata_are_estimated_and_the_overfull_one_reported(app, wave):
    with app.app_context():
        session = get_session()
        overall = wave_results(session, wave, None, Inclusion())
        assert overall.problem is None
        assert overall.overfull == [{"stratum": "03390", "population": 2.0, "sampled": 5}]
        (share,) = overall.for_indicator("satisfied_share")
        # By hand: satisfied (2 or 3) shares 3/4 in 03595 (N=100) and 1/4 in 03388 (N=300).
        assert share.estimate == pytest.approx((100 * 3 / 4 + 300 * 1 / 4) / 400, abs=1e-12)
        assert share.n == 8
        by_commune = wave_results(session, wave, "commune", Inclusion())
        assert {r.domain for r in by_commune.for_indicator("satisfied_share")} == {"03595", "03388"}
        frame = design_frame(session, wave, Inclusion())
        assert len(frame) == 13 and frame.loc[frame["stratum"] == "03390", "weight"].isna().all()


def test_pages_and_exports_show_the_rest_with_a_warning(app, login, wave, tmp_path):
    client = login("statistician")
    for url in (f"/results/{wave.id}", f"/results/{wave.id}/dashboard", f"/waves/{wave.id}/weights"):
        page = client.get(url)
        assert page.status_code == 200, url
        notice = BeautifulSoup(page.get_data(as_text=True), "html.parser").select_one("#overfull-strata")
        assert notice is not None and "03390" in notice.get_text(), url
        assert notice.select_one(f'a[href="/waves/{wave.id}/frame"]') is not None
    csv = client.get(f"/exports/waves/{wave.id}/responses.csv")
    assert csv.status_code == 200 and csv.get_data(as_text=True).count("\n") == 14
    assert client.get(f"/exports/waves/{wave.id}/results.xlsx").status_code == 200
    with app.app_context():
        for fmt in ("xlsx", "sav", "dta", "parquet"):
            assert write_file(get_session(), wave, Inclusion(), fmt, tmp_path / f"w.{fmt}",
                              progress=lambda n: None) == 13
