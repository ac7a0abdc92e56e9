"""Time the service-point CSV import of 60,000 rows: a new file, then the same file again (updates).

    python benchmarks/bench_service_point_import.py [--rows 60000] [--url URL]

Without --url a fresh SQLite file is used; a --url database is migrated and should hold no
service points yet (the second run updates the first run's rows). The
import runs in the request (the upload page), so it must finish well within gunicorn's 30 s
timeout; the script also prints the size of the CSV against the upload limit (MAX_CONTENT_LENGTH),
and the process's CPU seconds beside the wall-clock time (SQLite runs in the process, so on a
shared machine the CPU time is the import's own cost).
"""
import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

KIND = "one_stop_commune"
HOURS = "mon-fri 07:30-11:30 13:30-17:00"


def make_csv(rows: int, unit_codes: list[str]) -> bytes:
    lines = ["code,name,kind,unit_code,questionnaire_id,active,opening_hours"]
    for n in range(rows):
        code = f"B{n:07d}"
        unit = unit_codes[n % len(unit_codes)]
        lines.append(f"{code},Một cửa {n},{KIND},{unit},,yes,{HOURS}")
    return ("\n".join(lines) + "\n").encode()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=60_000)
    parser.add_argument("--url")
    args = parser.parse_args(argv)

    from datetime import date

    from survey import create_app
    from survey.db import make_engine
    from survey.migrate import upgrade
    from survey.service_points.operations import import_csv
    from survey.units.operations import load_bundled
    from survey.units.queries import query_units_on

    instance = tempfile.mkdtemp()
    url = args.url or f"sqlite:///{instance}/bench.db"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": instance, "SECRET_KEY": "bench"},
                     strict=True)
    with app.app_context():
        load_bundled()
        communes = [u.code for u in query_units_on(date.today(), "commune")]
    data = make_csv(args.rows, communes)
    for run in ("new", "update"):
        with app.app_context():
            started, cpu = time.perf_counter(), time.process_time()
            count, problems = import_csv(data)
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        assert not problems and count == args.rows, problems[:3]
        print(json.dumps({"database": engine.dialect.name, "rows": count, "run": run,
                          "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
                          "load_average": round(os.getloadavg()[0], 1), "csv_mb": round(len(data) / 2**20, 2),
                          "upload_limit_mb": app.config["MAX_CONTENT_LENGTH"] / 2**20}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
