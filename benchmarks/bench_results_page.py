"""Time the results page of one wave by commune with N responses in the database.

    python benchmarks/bench_results_page.py --url sqlite:////tmp/bench-results.db --n 1000000
    python benchmarks/bench_results_page.py --url postgresql+psycopg://survey@127.0.0.1:55432/db --n 1000000

Seeds the wave with `seed_million.seed` unless it is already there, gives it a design (strata:
current communes, sizes from the 2019 census), then requests /results/<wave>?by=commune
through the app as a signed-in statistician:

- cold: first request in a fresh process (empty cache): SQL reads of the counted responses and
  their packed scale answers, weights, every index and item by commune with Fay-Herriot;
- warm: the same page again (results table cached, one fingerprint query);
- other breakdown: by=district on the cached frame (estimation only).

What is cached (survey/estimates/cache.py): the weighted frame of the wave (one) and results
tables (LRU), keyed by the design revision and a fingerprint read on indexes (largest response
id and submission time, the wave's paper forms per verification state), so new responses,
verifications or design changes are never served stale.
"""
import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402

from benchmarks.seed_million import seed  # noqa: E402
from survey import create_app  # noqa: E402
from survey.db import make_engine  # noqa: E402
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


def _get(client, url):
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    return elapsed, response


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
    _design(app, wave_id)
    client = app.test_client()
    login = client.post("/login", data={"username": "bench-stat", "password": PASSWORD})
    if login.status_code != 302:
        raise SystemExit("could not sign in")

    url = f"/results/{wave_id}?by=commune"
    cold, page = _get(client, url)
    warm, _ = _get(client, url)
    district, _ = _get(client, f"/results/{wave_id}?by=district")
    rows = page.get_data(as_text=True).count("<tr")
    if "error-summary" in page.get_data(as_text=True):
        raise SystemExit("the page shows a design problem instead of results")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    backend = args.url.split(":", 1)[0]
    print(f"database: {backend}; responses in db: {total:,}; answers: {answers:,}; "
          f"cpu count: {os.cpu_count()}")
    print(f"results page by commune, cold (empty cache): {cold:.2f} s "
          f"[{'OK' if cold <= LIMIT_S else 'OVER'} vs {LIMIT_S:.0f} s]")
    print(f"results page by commune, warm (cached):      {warm:.3f} s")
    print(f"results page by district, frame cached:       {district:.2f} s")
    print(f"table rows on the page: {rows}; peak RSS {peak:,.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
