"""The estimates adapter end to end: a wave, a frame, QR and paper responses, results per commune
compared with `analysis.Design` run directly on the adapter's design frame and the stored answers."""
import random
from datetime import UTC, date, datetime

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select

from analysis import Design, estimate_index
from survey.db import get_session
from survey.estimates import Inclusion, counted_responses, design_frame, wave_results
from survey.estimates.dataset import FRAME_COLUMNS
from survey.models import Answer
from survey.questionnaires import check_answers
from survey.responses import record_response
from survey.service_points import operations as sp_operations
from survey.startup import registry
from survey.units.queries import query_unit
from survey.waves import operations

COMMUNES = ("03595", "03388", "03390", "03394")
DAY = date(2025, 9, 1)


def _wave(stratify_by="commune", mode="both", unverified=False, psu="none"):
    wave = operations.save_wave(operations.WaveData(
        "w2025", "Đợt khảo sát 2025", "tthc-desk", date(2025, 8, 1), date(2025, 10, 31), mode, unverified),
        None, None)
    operations.save_design(wave, operations.DesignData(stratify_by, psu, "none", None, None))
    return wave


def _points():
    points = []
    for code in COMMUNES:
        unit = query_unit(code, DAY)
        points.append(sp_operations.save(sp_operations.ServicePointData(
            f"MC-{code}", f"Một cửa {unit.name}", "one_stop_commune", unit.id, None, True, "")))
    return points


def _respond(points, wave, count=160, seed=7):
    desk = registry().get("tthc-desk")
    rng = random.Random(seed)
    for n in range(count):
        point = points[n % len(points)]
        rate = 0.75 + 0.05 * (n % len(points))
        draw = rng.random()
        rating = "3" if draw < rate * 0.5 else "2" if draw < rate else "1"
        checked = check_answers(desk, {"satisfaction": [rating]})
        at = datetime(2025, 9, 1 + n % 28, 3, 0, tzinfo=UTC)
        if n % 5 == 0:
            state = ("verified", "unverified", "conflict", "verified", "verified")[n // 5 % 5]
            record_response(desk, checked, channel="paper", unit_id=point.unit_id,
                            service_point_id=point.id, submitted_at=at, paper_form_number=f"P{n:04d}",
                            wave_id=wave.id, verification=state)
        else:
            record_response(desk, checked, channel="qr", unit_id=point.unit_id, service_point_id=point.id,
                            submitted_at=at, flags=("fast_submit",) if n % 17 == 0 else ())
    # Outside the period: never counted.
    record_response(desk, check_answers(desk, {"satisfaction": ["1"]}), channel="qr",
                    unit_id=points[0].unit_id, service_point_id=points[0].id,
                    submitted_at=datetime(2025, 7, 1, tzinfo=UTC))


def _frame_csv(sizes):
    return ("stratum,population\n" + "".join(f"{k},{v}\n" for k, v in sizes.items())).encode()


def _answers(response_ids):
    rows = get_session().execute(select(Answer.response_id, Answer.value_num)
                                 .where(Answer.item_id == "satisfaction")).all()
    answers = pd.DataFrame(rows, columns=["response_id", "satisfaction"]).set_index("response_id")
    return answers.reindex(response_ids)["satisfaction"].to_numpy()


def test_results_per_commune_match_analysis_design_on_the_exported_frame(app, units):
    with app.app_context():
        wave = _wave()
        points = _points()
        sizes = {"03595": 5200, "03388": 14000, "03390": 3100, "03394": 2600}
        assert operations.import_frame(wave, _frame_csv(sizes), "frame.csv") == (4, [])
        _respond(points, wave)
        inclusion = Inclusion()
        frame = design_frame(get_session(), wave, inclusion)
        assert list(frame.columns) == FRAME_COLUMNS
        counted = set(get_session().execute(counted_responses(wave, inclusion)).scalars())
        assert set(frame["response_id"]) == counted
        assert frame["response_id"].is_monotonic_increasing
        # 128 QR minus 8 flagged, and of 32 paper forms the 19 verified (7 unverified, 6 in conflict).
        assert (frame["channel"] == "qr").sum() == 120
        assert set(frame.loc[frame["channel"] == "paper", "verification"]) == {"verified"}
        assert (frame["channel"] == "paper").sum() == 19
        for code, size in sizes.items():
            rows = frame[frame["stratum"] == code]
            assert rows["weight"].to_numpy() == pytest.approx(size / len(rows))
            assert set(rows["fpc"]) == {size}

        table = wave_results(get_session(), wave, "commune", inclusion)
        data = frame.assign(satisfaction=_answers(frame["response_id"]),
                            commune=frame["unit_code_new"])
        direct = Design(data, weights="weight", strata="stratum", fpc="fpc")
        expected = estimate_index(direct, [{"id": "s", "rule": "top2_share", "items": ["satisfaction"]}],
                                  "s", by="commune", scale_points=3, target=0.95)
        got = {r.domain: r for r in table.for_indicator("satisfied_share")}
        assert set(got) == set(COMMUNES)
        for row in expected.itertuples():
            mine = got[row.commune]
            assert mine.estimate == pytest.approx(row.estimate, rel=1e-12)
            assert mine.se == pytest.approx(row.se, rel=1e-12)
            assert (mine.ci_low, mine.ci_high) == pytest.approx((row.ci_low, row.ci_high), rel=1e-12)
            assert mine.n == row.n and mine.flags == row.flags and mine.status == row.status
            assert mine.n_eff == pytest.approx(row.n_eff, rel=1e-12, nan_ok=True)
            # Four communes are too few areas for the validated Fay-Herriot model.
            assert mine.fh_estimate is None
        # The item row of the one-item index is the same estimate.
        item = {r.domain: r for r in table.for_indicator("item:satisfaction")}
        assert item["03595"].estimate == pytest.approx(got["03595"].estimate)
        assert table.counts == {"qr": 120, "qr_flagged": 8, "paper_verified": 19,
                                "paper_unverified": 7, "paper_conflict": 6}


def test_inclusion_choices_change_what_counts(app, units):
    with app.app_context():
        wave = _wave(stratify_by="none")
        _respond(_points(), wave)
        session = get_session()
        assert len(design_frame(session, wave, Inclusion())) == 139
        assert len(design_frame(session, wave, Inclusion(include_flagged=True))) == 147
        everything = design_frame(session, wave, Inclusion(True, True))
        assert len(everything) == 154
        assert "conflict" not in set(everything["verification"])
        assert set(everything["weight"]) == {1.0} and everything["stratum"].isna().all()
        overall = wave_results(session, wave, None, Inclusion(True, True))
        assert overall.n_counted == 154
        assert overall.for_indicator("satisfied_share")[0].n == 154


def test_paper_only_and_qr_only_waves(app, units):
    with app.app_context():
        wave = _wave(stratify_by="none", mode="paper", unverified=True)
        _respond(_points(), wave)
        frame = design_frame(get_session(), wave, Inclusion())
        assert set(frame["channel"]) == {"paper"} and len(frame) == 26
        wave.mode = "qr"
        frame = design_frame(get_session(), wave, Inclusion())
        assert set(frame["channel"]) == {"qr"} and len(frame) == 120


def test_cluster_design_by_service_point_matches_analysis(app, units):
    with app.app_context():
        wave = _wave(stratify_by="district", psu="service_point")
        operations.census_frame(wave)
        _respond(_points(), wave, count=200)
        frame = design_frame(get_session(), wave, Inclusion())
        assert frame["fpc"].isna().all()
        assert (frame["psu"] == frame["service_point_code"]).all()
        table = wave_results(get_session(), wave, "district", Inclusion())
        data = frame.assign(satisfaction=_answers(frame["response_id"]))
        direct = Design(data, weights="weight", strata="stratum", psu="psu", lonely_psu="adjust")
        expected = estimate_index(direct, [{"id": "s", "rule": "top2_share", "items": ["satisfaction"]}],
                                  "s", by="district_code", scale_points=3)
        got = {r.domain: r for r in table.for_indicator("satisfied_share")}
        for row in expected.itertuples():
            assert got[row.district_code].se == pytest.approx(row.se, rel=1e-12)
            assert np.isfinite(got[row.district_code].estimate)


def test_a_stratum_without_frame_size_is_reported_not_crashed(app, units):
    with app.app_context():
        wave = _wave()
        assert operations.import_frame(wave, _frame_csv({"03595": 100}), "f.csv") == (1, [])
        _respond(_points(), wave, count=20)
        table = wave_results(get_session(), wave, "commune", Inclusion())
        assert table.problem.code == "frame.missing_stratum"
        assert table.rows == []


def test_results_are_cached_until_the_data_change(app, units):
    with app.app_context():
        wave = _wave(stratify_by="none")
        points = _points()
        _respond(points, wave, count=40)
        first = wave_results(get_session(), wave, "commune", Inclusion())
        assert wave_results(get_session(), wave, "commune", Inclusion()) is first
        desk = registry().get("tthc-desk")
        record_response(desk, check_answers(desk, {"satisfaction": ["3"]}), channel="qr",
                        unit_id=points[0].unit_id, service_point_id=points[0].id,
                        submitted_at=datetime(2025, 9, 3, tzinfo=UTC))
        again = wave_results(get_session(), wave, "commune", Inclusion())
        assert again is not first and again.n_counted == first.n_counted + 1
