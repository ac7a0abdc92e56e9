"""Results snapshots: small waves inline, large ones computed by the real worker and kept."""
import math
from dataclasses import asdict
from datetime import UTC, datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select, update

from survey.db import get_session, transaction
from survey.estimates import Inclusion, cache, snapshots, wave_results
from survey.estimates.weights import DesignProblem
from survey.jobs.queue import enqueue
from survey.models import Job, ResultsSnapshot, ServicePoint
from survey.questionnaires import check_answers
from survey.responses import record_response
from survey.startup import registry
from tests.survey.conftest import wait_for

WAIT_S = 120


@pytest.fixture
def wave(units, create_results_wave):
    return create_results_wave(responses=60)


@pytest.fixture
def large(app, wave):
    """Every wave counts as large: results come from snapshots computed in the background."""
    app.config["RESULTS_INLINE_MAX_RESPONSES"] = 0
    return wave


def _rows(app):
    with app.app_context():
        return get_session().execute(select(ResultsSnapshot).order_by(ResultsSnapshot.id)).scalars().all()


def _wait_done(app):
    def finished():
        rows = _rows(app)
        return rows if all(r.status != "computing" for r in rows) else None

    return wait_for(finished, WAIT_S, "the results computation")


def _add_response(app):
    with app.app_context():
        desk = registry().get("tthc-desk")
        point = get_session().execute(select(ServicePoint).where(ServicePoint.code == "R-03595")).scalar_one()
        record_response(desk, check_answers(desk, {"satisfaction": ["3"]}), channel="qr",
                        unit_id=point.unit_id, service_point_id=point.id,
                        submitted_at=datetime(2025, 9, 15, 3, tzinfo=UTC))


def _same(a, b):
    """Equal dataclass dicts, NaN equal to NaN."""
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b and type(a) is type(b)


def _table_cells(page):
    soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    return [[c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])] for tr in soup.find_all("tr")]


def test_small_wave_is_computed_in_the_request_without_snapshot(app, login, wave):
    page = login("statistician").get(f"/results/{wave.id}?by=commune")
    assert page.status_code == 200
    assert "http-equiv" not in page.get_data(as_text=True)
    assert len(_table_cells(page)) > 3
    assert _rows(app) == []


def test_table_round_trips_through_json_exactly(app, wave):
    with app.app_context():
        session = get_session()
        for by in (None, "commune", "month"):
            table = wave_results(session, wave, by, Inclusion(), "vi")
            assert table.rows
            back = snapshots.loads(snapshots.dumps(table))
            assert _same(asdict(back), asdict(table))
            assert back.inclusion == table.inclusion and back.headline == table.headline
        problem = wave_results(session, wave, "commune", Inclusion(), "vi")
        problem.problem = DesignProblem("frame.missing_stratum", strata=["03595", "03388"])
        back = snapshots.loads(snapshots.dumps(problem))
        assert (back.problem.code, back.problem.details) == ("frame.missing_stratum",
                                                              {"strata": ["03595", "03388"]})


def test_large_wave_is_computed_in_the_background_then_served_then_refreshed(app, login, large, worker):
    client = login("statistician")
    url = f"/results/{large.id}?by=commune&lang=vi"
    first = client.get(url)
    assert first.status_code == 202
    html = first.get_data(as_text=True)
    assert '<meta http-equiv="refresh"' in html and "đang được tính" in html
    rows = _wait_done(app)
    assert sorted(r.breakdown for r in rows) == ["", "commune"]
    assert all(r.status == "ready" and r.computed_at for r in rows)

    served = client.get(url)
    assert served.status_code == 200
    assert "http-equiv" not in served.get_data(as_text=True)
    # The same page as computed in the request.
    app.config["RESULTS_INLINE_MAX_RESPONSES"] = 10**9
    cache.clear()
    inline = client.get(url)
    assert _table_cells(served) == _table_cells(inline)
    app.config["RESULTS_INLINE_MAX_RESPONSES"] = 0

    _add_response(app)
    stale = client.get(url)
    assert stale.status_code == 200
    text = stale.get_data(as_text=True)
    assert "Số liệu tính đến" in text and "đang được cập nhật" in text
    assert _table_cells(stale) == _table_cells(served)  # the kept figures, until the refresh is done
    _wait_done(app)
    refreshed = client.get(url)
    assert "Số liệu tính đến" not in refreshed.get_data(as_text=True)
    assert _table_cells(refreshed) != _table_cells(served)  # the new response is counted


def test_one_computation_per_snapshot_at_a_time(app, large):
    with app.app_context():
        key = snapshots._key(large, "commune", Inclusion().resolved(large), "vi")
        first = snapshots._claim(get_session(), key, None)
        assert first is not None
        assert snapshots._claim(get_session(), key, None) is None  # the row exists: no second worker
        row = snapshots._find(get_session(), key)
        assert snapshots._claim(get_session(), key, row) is None  # still computing
        # A computation silent for longer than the timeout has died: it may be retaken.
        old = datetime.now(UTC) - timedelta(seconds=app.config["RESULTS_SNAPSHOT_TIMEOUT_SECONDS"] + 5)
        with transaction() as tx:
            tx.execute(update(ResultsSnapshot).where(ResultsSnapshot.id == first).values(started_at=old))
        assert snapshots._claim(get_session(), key, row) == first
        assert snapshots._claim(get_session(), key, row) is None
        snapshots.compute([first])
    assert [r.status for r in _rows(app)] == ["ready"]


def test_requests_while_computing_start_no_second_worker(app, login, large):
    client = login("statistician")
    assert client.get(f"/results/{large.id}?by=commune").status_code == 202
    started = {r.id: r.started_at for r in _rows(app)}
    second = client.get(f"/results/{large.id}?by=commune")
    assert second.status_code in (200, 202)
    assert {r.id: r.started_at for r in _rows(app) if r.id in started} == started or all(
        r.status == "ready" for r in _rows(app))


def test_failed_computation_shows_a_clear_message(app, login, large):
    with app.app_context():
        key = snapshots._key(large, "no-such-item", Inclusion().resolved(large), "vi")
        broken = snapshots._claim(get_session(), key, None)
        snapshots.compute([broken])  # an unknown breakdown raises inside the computation
        row = get_session().get(ResultsSnapshot, broken)
        assert (row.status, row.error, row.table) == ("failed", "results.failed", None)
        with transaction() as tx:
            for lang in ("vi", "en"):  # as the worker records a failure, in each language
                key = snapshots._key(large, "commune", Inclusion().resolved(large), lang)
                tx.add(ResultsSnapshot(**key, status="failed", error="results.failed"))
    client = login("statistician")
    page = client.get(f"/results/{large.id}?by=commune&lang=vi")
    assert page.status_code == 503
    html = page.get_data(as_text=True)
    assert "Không tính được kết quả" in html and 'role="alert"' in html and "http-equiv" not in html
    english = client.get(f"/results/{large.id}?by=commune&lang=en")
    assert "The results could not be computed" in english.get_data(as_text=True)


def test_a_computation_the_queue_gives_up_shows_as_failed(app, login, large):
    with app.app_context():
        keys = [snapshots._key(large, by, Inclusion().resolved(large), "vi") for by in (None, "commune")]
        claimed = [snapshots._claim(get_session(), key, None) for key in keys]
        snapshots.record_failure("job.unavailable", claimed)
    assert [(r.status, r.error) for r in _rows(app)] == [("failed", "results.failed")] * 2
    page = login("statistician").get(f"/results/{large.id}?by=commune&lang=vi")
    assert page.status_code == 503 and "Không tính được kết quả" in page.get_data(as_text=True)


def test_publishing_a_large_wave_starts_its_computation(app, units, worker, create_results_wave):
    app.config["RESULTS_INLINE_MAX_RESPONSES"] = 0
    with app.app_context():
        create_results_wave(responses=30)  # publishes the wave
    rows = _wait_done(app)
    languages = app.config["LANGUAGES"]
    assert sorted((r.breakdown, r.lang) for r in rows) == sorted(
        (by, lang) for by in ("", "commune") for lang in languages)
    assert all(r.status == "ready" for r in rows)


def test_the_periodic_refresh_recomputes_outdated_tables_before_anyone_asks(app, login, large, worker):
    client = login("statistician")
    url = f"/results/{large.id}?by=commune&lang=vi"
    assert client.get(url).status_code == 202
    computed = {r.id: r.computed_at for r in _wait_done(app)}
    served = client.get(url)
    _add_response(app)
    with app.app_context():
        job_id = enqueue("refresh_stale_snapshots")
    wait_for(lambda: _job_state(app, job_id) == "done", WAIT_S, "the refresh job")
    rows = _wait_done(app)
    assert all(r.status == "ready" and r.computed_at > computed[r.id] for r in rows)
    refreshed = client.get(url)
    assert refreshed.status_code == 200 and "Số liệu tính đến" not in refreshed.get_data(as_text=True)
    assert _table_cells(refreshed) != _table_cells(served)  # the new response is counted
    with app.app_context():
        assert snapshots.refresh_stale() == 0  # nothing is outdated any more


def _job_state(app, job_id):
    with app.app_context():
        return get_session().get(Job, job_id).state
