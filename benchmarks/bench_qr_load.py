"""Load test of the citizen desk rating under gunicorn, on SQLite (default) or PostgreSQL.

Each simulated citizen does what a phone does: GET /q/<code> (the form, its CSRF token and
session cookie), then POST one rating. Citizens are distinct (their own browser string), as at
a real desk. Afterwards every accepted answer (303) is looked up in the database: zero lost
means each one is a stored, submitted response.

    python benchmarks/bench_qr_load.py                  # SQLite in a temporary folder
    python benchmarks/bench_qr_load.py --postgres       # a throwaway PostgreSQL via .ci/postgres.sh
Options: --seconds 60 --connections 8 --workers 2 --client wrk|python

The load comes from wrk (Debian package `wrk`, driven by qr_citizen.lua) when it is installed:
it costs the server's 2 cores little. Without it a Python client runs, which competes with the
server for the same cores and so measures less. With wrk, responses are counted rather than
listed: every accepted answer must be a row, and rows beyond the accepted count can only be the
requests in flight when wrk stopped (at most one per connection).
Traffic goes to 127.0.0.1 only, and the load stops by itself after --seconds.
"""
import argparse
import http.client
import multiprocessing
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
ACTION = re.compile(r'<form method="post" action="([^"]+)"')


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def settle_new_cluster(url):
    """Let a brand-new cluster reuse WAL files as a running server does.

    A new cluster zero-fills each WAL segment file it creates; a server that has been running
    recycles old ones. On this machine that made the first minute of a new cluster about 30%
    slower (302/s, then 417/s and 500/s in the next 40-s runs on the same cluster).
    """
    from sqlalchemy import create_engine, text

    from survey.db import normalise_url
    engine = create_engine(normalise_url(url), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("ALTER SYSTEM SET wal_init_zero = off"))
        conn.execute(text("SELECT pg_reload_conf()"))
    engine.dispose()


def prepare_database(url):
    """Migrate and seed units and service points; return the desk codes."""
    from survey import create_app
    from survey.db import get_engine
    from survey.demo import seed
    from survey.migrate import upgrade

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"}, strict=False)
    with app.app_context():
        upgrade(get_engine())
        seed.ensure_units()
        seed.ensure_service_points()
        from sqlmodel import select

        from survey.db import get_session
        from survey.models import ServicePoint
        codes = get_session().exec(select(ServicePoint.code).where(
            ServicePoint.kind == "one_stop_commune")).all()
        # Open round the clock, so no rating is flagged out of hours during the run.
        for point in get_session().exec(select(ServicePoint)).all():
            point.opening_hours = "mon-sun 00:00-24:00"
            get_session().add(point)
        get_session().commit()
    app.extensions["db_engine"].dispose()
    return list(codes)


def citizen_loop(args):
    """One thread's citizens, one after another, until the deadline; returns its records."""
    port, codes, deadline, seed_value = args
    rng = random.Random(seed_value)
    records = []
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    n = 0
    while time.time() < deadline:
        n += 1
        agent = f"Mozilla/5.0 (Linux; Android 10; bench {seed_value}-{n})"
        code = rng.choice(codes)
        t0 = time.perf_counter()
        try:
            conn.request("GET", f"/q/{code}", headers={"User-Agent": agent, "Accept-Encoding": "identity"})
            page = conn.getresponse()
            body = page.read().decode()
            t1 = time.perf_counter()
            cookie = page.getheader("Set-Cookie", "").split(";")[0]
            form = urllib.parse.urlencode({
                "csrf_token": TOKEN.search(body).group(1), "v": "1",
                "q_satisfaction": rng.choices(["3", "2", "1"], [60, 37, 3])[0]})
            action = ACTION.search(body).group(1)
            conn.request("POST", action, body=form, headers={
                "User-Agent": agent, "Cookie": cookie,
                "Content-Type": "application/x-www-form-urlencoded"})
            answer = conn.getresponse()
            answer.read()
            t2 = time.perf_counter()
            records.append((t1 - t0, t2 - t1, answer.status, action.split("/")[3]))
        except (OSError, http.client.HTTPException, AttributeError) as exc:
            records.append((0.0, 0.0, f"error {type(exc).__name__}", ""))
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.close()
    return records


def process_main(args):
    port, codes, deadline, threads, base = args
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(threads) as pool:
        results = pool.map(citizen_loop, [(port, codes, deadline, base + i) for i in range(threads)])
    return [r for rs in results for r in rs]


def count_stored(url, uuids):
    from sqlalchemy import create_engine, text

    from survey.db import normalise_url
    engine = create_engine(normalise_url(url))
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT uuid, status FROM response")).all()
    engine.dispose()
    stored = {u for u, status in rows if status == "submitted"}
    return len(rows), len(set(uuids) - stored)


def server_cpu_seconds(pid):
    """User + system CPU seconds spent so far by the gunicorn master `pid` and its workers.

    Other programs sharing the cores sway it less than ratings per second, so it is the
    fairer figure to compare two versions of the code by on a busy machine.
    """
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended while we looked
            continue
        if stat.parent.name == str(pid) or fields[1] == str(pid):  # fields: state, ppid, …
            total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def wait_until_serving(port, seconds=120):
    """Starting the app on a busy machine can take longer than a few seconds."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server did not answer within {seconds} s")


def run_wrk(port, codes, options):
    script = Path(__file__).with_name("qr_citizen.lua")
    out = subprocess.run(
        ["wrk", f"-t{options.connections}", f"-c{options.connections}", f"-d{int(options.seconds)}s",
         "--timeout", "10s", "-s", str(script), f"http://127.0.0.1:{port}", "--", *codes],
        capture_output=True, text=True, check=True).stdout
    return dict(line.split(" ", 1) for line in out.splitlines() if re.match(r"^[a-z0-9_.]+ [0-9.]+$", line))


def count_rows(url):
    from sqlalchemy import create_engine, text

    from survey.db import normalise_url
    engine = create_engine(normalise_url(url))
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT count(*) FROM response WHERE status = 'submitted'")).scalar()
    engine.dispose()
    return rows


def percentile(values, p):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def report_wrk(url, port, codes, options, server_pid):
    start, cpu_start = time.time(), server_cpu_seconds(server_pid)
    figures = run_wrk(port, codes, options)
    elapsed, cpu = time.time() - start, server_cpu_seconds(server_pid) - cpu_start
    accepted, refused = int(figures["accepted"]), int(figures["refused"])
    rows = count_rows(url)
    in_flight = rows - accepted
    lost = max(0, -in_flight)
    print(f"database: {url.split(':')[0]}; gunicorn workers: {options.workers} x "
          f"{options.threads_per_worker} thread(s); "
          f"client: wrk, {options.connections} concurrent citizens (GET form + POST rating each)")
    print(f"duration {options.seconds:.0f} s; submissions accepted {accepted} "
          f"({accepted / options.seconds:.0f}/s); refused or failed {refused}; "
          f"socket errors {figures['errors']}")
    print(f"latency of every request (GET and POST) ms: p50 {figures['latency_p50_ms']}  "
          f"p90 {figures['latency_p90_ms']}  p99 {figures['latency_p99_ms']}  "
          f"p99.9 {figures['latency_p99.9_ms']}  max {figures['latency_max_ms']}")
    print(f"submitted rows in database {rows}: accepted {accepted} + {max(in_flight, 0)} "
          f"in flight at the stop; accepted but not stored (lost) {lost}")
    print(f"server CPU per accepted rating (GET form + POST rating): "
          f"{1000 * cpu / max(accepted, 1):.2f} ms ({cpu:.1f} s of CPU in all)")
    ok = (accepted / options.seconds >= 300 and float(figures["latency_p99_ms"]) <= 250
          and lost == 0 and 0 <= in_flight <= options.connections)
    print(f"target >= 300/s, p99 <= 250 ms, zero lost: {'met' if ok else 'NOT met'} "
          f"(wall time {elapsed:.1f} s)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--client", choices=("wrk", "python"),
                        default="wrk" if shutil.which("wrk") else "python")
    parser.add_argument("--connections", type=int, default=8, help="wrk: concurrent citizens")
    parser.add_argument("--processes", type=int, default=2, help="python client")
    parser.add_argument("--threads", type=int, default=12, help="python client, per process")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads-per-worker", type=int, default=1,
                        help="gunicorn gthread threads per worker (1: sync workers)")
    options = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-qr-"))
    os.chmod(tmp, 0o755)
    pg_dir = tmp / "pg"
    if options.postgres:
        url = subprocess.check_output([str(ROOT / ".ci/postgres.sh"), "start", str(pg_dir), str(free_port())],
                                      text=True).strip()
        settle_new_cluster(url)
    else:
        url = f"sqlite:///{tmp / 'bench.db'}"
    server = None
    try:
        codes = prepare_database(url)
        port = free_port()
        env = {**os.environ, "SURVEY_DATABASE_URL": url, "SURVEY_SECRET_KEY": "bench-secret"}
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", str(options.workers), "-b", f"127.0.0.1:{port}",
             "--threads", str(options.threads_per_worker),
             "--worker-tmp-dir", "/dev/shm", "--log-level", "warning", "wsgi:app"],
            cwd=ROOT, env=env, start_new_session=True)
        wait_until_serving(port)
        time.sleep(1)
        if options.client == "wrk":
            report_wrk(url, port, codes, options, server.pid)
            return
        start = time.time()
        deadline = start + options.seconds
        with multiprocessing.get_context("fork").Pool(options.processes) as pool:
            parts = pool.map(process_main, [(port, codes, deadline, options.threads, 1000 * p)
                                            for p in range(options.processes)])
        elapsed = time.time() - start
        records = [r for part in parts for r in part]
        accepted = [r for r in records if r[2] == 303]
        refused = [r for r in records if r[2] != 303]
        rows, lost = count_stored(url, [r[3] for r in accepted])
        posts = [r[1] * 1000 for r in accepted]
        gets = [r[0] * 1000 for r in accepted]
        flows = [(r[0] + r[1]) * 1000 for r in accepted]
        print(f"database: {url.split(':')[0]}; gunicorn sync workers: {options.workers}; "
              f"clients: {options.processes}x{options.threads} threads on the same 2 cores")
        print(f"duration {elapsed:.1f} s; submissions accepted {len(accepted)} "
              f"({len(accepted) / elapsed:.0f}/s); other answers {len(refused)} "
              f"{sorted({str(r[2]) for r in refused}) if refused else ''}")
        print(f"POST latency ms: p50 {percentile(posts, 50):.1f}  p95 {percentile(posts, 95):.1f}  "
              f"p99 {percentile(posts, 99):.1f}  max {max(posts, default=float('nan')):.1f}")
        print(f"GET  latency ms: p50 {percentile(gets, 50):.1f}  "
              f"p95 {percentile(gets, 95):.1f}  p99 {percentile(gets, 99):.1f}")
        print(f"whole citizen (GET+POST) ms: p50 {percentile(flows, 50):.1f}  "
              f"p99 {percentile(flows, 99):.1f}")
        print(f"rows in database {rows}; accepted but not stored (lost) {lost}")
        target = len(accepted) / elapsed >= 300 and percentile(posts, 99) <= 250 and lost == 0
        print(f"target >= 300/s, POST p99 <= 250 ms, zero lost: {'met' if target else 'NOT met'}")
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(60)
        if options.postgres:
            subprocess.run([str(ROOT / ".ci/postgres.sh"), "stop", str(pg_dir)], check=False)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
