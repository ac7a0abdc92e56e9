"""Time the results page of one wave by commune with N responses in the database.

    python benchmarks/bench_results_page.py --url sqlite:////tmp/bench-results.db --n 1000000
    python benchmarks/bench_results_page.py --url postgresql+psycopg://survey@127.0.0.1:55432/db --n 1000000

Seeds the wave with `seed_million.seed` unless it is already there (an already-seeded database
is reused as is), gives it a design (strata: current communes, sizes from the 2019 census), then
requests /results/<wave>?by=commune through the app as a signed-in statistician. A wave this
large is served from results snapshots (survey/estimates/snapshots.py), so it times, in one run:

- no snapshot: the wave's snapshots are deleted first; the page answers 202 "being computed"
  and queues the computation for the worker (`worker.py`, started by this script beforehand);
- background computation: from that page until the worker has stored both tables (the whole
  wave and by commune): SQL reads of the counted responses and their answers, weights, every
  index and item by commune with Fay-Herriot;
- fresh snapshot: the page again (fingerprint query, the kept tables read and rendered);
- stale snapshot: after one new response is inserted (a copy of the latest QR response), the
  page shows the kept tables with a notice and starts a refresh (timed as well).
"""
import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402

from benchmarks.seed_million import seed  # noqa: E402
from survey import create_app  # noqa: E402
from survey.config import PROJECT_ROOT  # noqa: E402
from survey.db import make_engine  # noqa: E402
from survey.jobs.queue import enqueue  # noqa: E402
from survey.migrate import upgrade  # noqa: E402

LIMIT_S = 3.0
PASSWORD = "bench-password-123"


def _wave_id(engine, code, n):
    with engine.connect() as conn:
        found = conn.execute(text("SELECT id FROM wave WHERE code = :c"), {"c": code}).scalar()
    if found is not None:
        print(f"wave {code!r} already seeded (id {found})")
        return found
    started = time.perf_counter()
    wave_id = seed(engine, n, wave_code=code)
    print(f"seeded {n:,} responses in {time.perf_counter() - started:.1f} s")
    return wave_id


def _design(app, wave_id):
    from survey.auth.operations import create_user
    from survey.auth.queries import query_user_by_name
    from survey.db import get_session
    from survey.estimates.units import unit_codes
    from survey.waves import operations, queries

    with app.app_context():
        wave = queries.query_wave(wave_id)
        design = queries.query_design(wave)
        if design.stratify_by != "commune" or design.frame_source != "dossiers.csv":
            operations.save_design(wave, operations.DesignData("commune", "none", "none", None, None))
            # Dossiers handled per commune: ten per counted response, as a frame CSV would give.
            codes = unit_codes(get_session())
            per_unit = get_session().execute(text(
                "SELECT unit_id, count(*) FROM response GROUP BY unit_id")).all()
            sizes = {}
            for unit_id, n in per_unit:
                code = codes[unit_id].unit_code_new or codes[unit_id].unit_code_old
                sizes[code] = sizes.get(code, 0) + 10 * n
            csv = "stratum,population\n" + "".join(f"{code},{n}\n" for code, n in sizes.items())
            count, problems = operations.import_frame(wave, csv.encode(), "dossiers.csv")
            if problems:
                raise SystemExit(f"frame rejected: {problems[:3]}")
            operations.set_published(wave, True, False)
        if query_user_by_name("bench-stat") is None:
            create_user("bench-stat", PASSWORD, "statistician", "Bench")


def _get(client, url, status=200):
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    if response.status_code != status:
        raise SystemExit(f"{url}: HTTP {response.status_code}, expected {status}")
    return elapsed, response


def _wait_snapshots(engine, wave_id, started, timeout=3600):
    """Seconds from `started` until no snapshot of the wave is being computed."""
    while time.perf_counter() - started < timeout:
        with engine.connect() as conn:
            states = dict(conn.execute(text(
                "SELECT status, count(*) FROM results_snapshot WHERE wave_id = :w GROUP BY status"),
                {"w": wave_id}).all())
        if states and "computing" not in states:
            if "failed" in states:
                raise SystemExit("the snapshot computation failed (see the worker's log)")
            return time.perf_counter() - started
        time.sleep(0.5)
    raise SystemExit(f"snapshots not computed after {timeout} s")


def _start_worker(app, url, instance) -> subprocess.Popen:
    """Start `worker.py` on the bench database and wait until it has run a first job, so its start-up
    is not timed."""
    env = {**os.environ, "SURVEY_DATABASE_URL": url, "SURVEY_INSTANCE_PATH": instance,
           "SURVEY_SECRET_KEY": "bench"}
    worker = subprocess.Popen([sys.executable, "worker.py"], cwd=PROJECT_ROOT, env=env)
    with app.app_context():
        job_id = enqueue("purge_client_keys")
    engine = make_engine(url)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        with engine.connect() as conn:
            state = conn.execute(text("SELECT state FROM job WHERE id = :j"), {"j": job_id}).scalar()
        if state in ("done", "failed"):
            engine.dispose()
            return worker
        time.sleep(0.5)
    worker.terminate()
    raise SystemExit("the worker did not start within 300 s")


def _add_response(engine):
    """Insert a copy of the latest QR response with its answers: the snapshots become stale."""
    from benchmarks.seed_million import RESPONSE_COLUMNS

    columns = ", ".join(c for c in RESPONSE_COLUMNS if c not in ("id", "uuid", "dossier_code"))
    with engine.begin() as conn:
        source = conn.execute(text("SELECT max(id) FROM response WHERE channel = 'qr'")).scalar()
        new = conn.execute(text("SELECT max(id) FROM response")).scalar() + 1
        conn.execute(text(f"INSERT INTO response (id, uuid, {columns}) SELECT :new, :uuid, {columns} "
                          "FROM response WHERE id = :source"),
                     {"new": new, "uuid": str(uuid.uuid4()), "source": source})
        conn.execute(text("INSERT INTO answer (response_id, item_id, value, value_num) "
                          "SELECT :new, item_id, value, value_num FROM answer WHERE response_id = :source"),
                     {"new": new, "source": source})
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT setval(pg_get_serial_sequence('response', 'id'), :new)"), {"new": new})


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=f"sqlite:///{Path(tempfile.gettempdir()) / 'bench-results.db'}")
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--wave-code", default="bench")
    args = parser.parse_args(argv)

    engine = make_engine(args.url)
    upgrade(engine)
    wave_id = _wave_id(engine, args.wave_code, args.n)
    with engine.connect() as conn:
        total = conn.execute(text("SELECT count(*) FROM response")).scalar()
        answers = conn.execute(text("SELECT count(*) FROM answer")).scalar()
    engine.dispose()

    instance = tempfile.mkdtemp(prefix="bench-instance-")
    app = create_app({"DATABASE_URL": args.url, "SECRET_KEY": "bench", "INSTANCE_PATH": instance,
                      "WTF_CSRF_ENABLED": False}, strict=True)
    worker = _start_worker(app, args.url, instance)
    try:
        return _measure(app, args, wave_id, total, answers)
    finally:
        worker.terminate()
        worker.wait(60)


def _measure(app, args, wave_id, total, answers) -> int:
    _design(app, wave_id)
    client = app.test_client()
    login = client.post("/login", data={"username": "bench-stat", "password": PASSWORD})
    if login.status_code != 302:
        raise SystemExit("could not sign in")

    url = f"/results/{wave_id}?by=commune"
    engine = make_engine(args.url)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM results_snapshot WHERE wave_id = :w"), {"w": wave_id})
    none, page = _get(client, url, status=202)
    started = time.perf_counter() - none
    computed = _wait_snapshots(engine, wave_id, started)
    fresh, page = _get(client, url)
    html = page.get_data(as_text=True)
    rows = html.count("<tr")
    if "error-summary" in html:
        raise SystemExit("the page shows a design problem instead of results")
    _add_response(engine)
    stale, page = _get(client, url)
    if 'role="status"' not in page.get_data(as_text=True):
        raise SystemExit("the stale page shows no notice")
    started = time.perf_counter()
    refreshed = _wait_snapshots(engine, wave_id, started)
    again, _ = _get(client, url)
    engine.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    backend = args.url.split(":", 1)[0]

    def verdict(seconds):
        return f"[{'OK' if seconds <= LIMIT_S else 'OVER'} vs {LIMIT_S:.0f} s]"

    print(f"database: {backend}; responses in db: {total:,}; answers: {answers:,}; "
          f"cpu count: {os.cpu_count()}")
    print(f"page, no snapshot (202 being computed):   {none:6.2f} s {verdict(none)}")
    print(f"background computation (both tables):    {computed:6.1f} s")
    print(f"page, fresh snapshot:                     {fresh:6.2f} s {verdict(fresh)}")
    print(f"page, stale snapshot (1 new response):    {stale:6.2f} s {verdict(stale)}")
    print(f"background refresh after the new response: {refreshed:5.1f} s; page then: {again:.2f} s")
    print(f"table rows on the page: {rows}; peak RSS of the web process {peak:,.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
