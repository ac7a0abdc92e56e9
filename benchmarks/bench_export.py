"""Time the exports of a 1,000,000-response wave and measure the peak memory of each.

    python benchmarks/seed_million.py --url URL --n 1000000      # once
    python benchmarks/bench_export.py --url URL [--formats csv,parquet,xlsx,sav,dta]

Each export runs in a fresh subprocess (as the background worker would), so its peak resident
memory (ru_maxrss of that process) is its own. CSV goes through the same generator as the
streamed download; the requirement is ≤ 60 s with a peak below 1 GB.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _child(url: str, fmt: str, wave_code: str, out: str) -> None:
    from sqlmodel import select

    from survey import create_app
    from survey.db import get_session
    from survey.estimates.dataset import Inclusion
    from survey.exports import rows, writers
    from survey.exports.runner import write_file
    from survey.models import Wave

    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": tempfile.mkdtemp()}, strict=True)
    with app.app_context():
        session = get_session()
        wave = session.exec(select(Wave).where(Wave.code == wave_code)).one()
        started = time.perf_counter()
        if fmt == "csv":
            source = rows.open_source(session, wave, Inclusion())
            size = 0
            with open(out, "wb") as handle:
                for piece in writers.csv_stream(source.variables, rows.iter_chunks(session, source)):
                    handle.write(piece)
                    size += len(piece)
            n = source.row_count
        else:
            n = write_file(session, wave, Inclusion(), fmt, Path(out), progress=lambda k: None)
            size = Path(out).stat().st_size
        elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"format": fmt, "rows": n, "seconds": round(elapsed, 1), "peak_mb": round(peak_mb),
                      "size_mb": round(size / 1e6, 1)}))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--wave-code", default="bench")
    parser.add_argument("--formats", default="csv,parquet,dta,sav,xlsx")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.url, args.child, args.wave_code, args.out)
        return 0
    from survey.db import make_engine
    from survey.migrate import upgrade

    upgrade(make_engine(args.url))
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in args.formats.split(","):
            out = os.path.join(tmp, f"export.{fmt}")
            done = subprocess.run([sys.executable, __file__, "--url", args.url, "--wave-code", args.wave_code,
                                   "--child", fmt, "--out", out], capture_output=True, text=True)
            if done.returncode != 0:
                print(f"{fmt}: failed\n{done.stderr[-2000:]}")
                failed = True
                continue
            result = json.loads(done.stdout.strip().splitlines()[-1])
            verdict = ""
            if fmt == "csv":
                ok = result["seconds"] <= 60 and result["peak_mb"] < 1024
                verdict = "  (target ≤ 60 s, < 1024 MB: " + ("met" if ok else "NOT met") + ")"
            print(f"{fmt:8} {result['rows']:>9,} rows  {result['seconds']:7.1f} s  "
                  f"peak {result['peak_mb']:>5} MB  file {result['size_mb']:>7.1f} MB{verdict}", flush=True)
            os.remove(out)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
