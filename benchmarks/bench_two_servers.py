"""Two app servers on one PostgreSQL: throughput of one vs two, and that nothing is per server.

Starts a throwaway PostgreSQL (.ci/postgres.sh) and two gunicorn masters on two loopback ports
against it, then:
1. load on one server, then on both at once (wrk, qr_citizen.lua; the Python client of
   bench_qr_load.py when wrk is missing): accepted ratings per second, and every accepted rating
   is a stored, submitted row;
2. one citizen's device rating again and again, alternating between the two servers, against
   the same done on one server: the per-client limits and flags must come out the same (they
   are counted in the database, not in a server's memory);
3. a service point renamed in the database: how long until each server shows the new name
   (its caches' staleness bound, SERVICE_POINT_CACHE_SECONDS; set short here).

    python benchmarks/bench_two_servers.py [--seconds 20] [--connections 8] [--workers 2]

Traffic goes to 127.0.0.1 only; every loop is bounded in count and time and stops by itself.
"""
import argparse
import http.client
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_qr_load import (  # noqa: E402  (a sibling script, after the path is set)
    ACTION,
    TOKEN,
    count_rows,
    free_port,
    prepare_database,
    run_wrk,
    settle_new_cluster,
)

CACHE_SECONDS = 5
ONE_CLIENT_RATINGS = 30


def start_server(url, port, workers):
    env = {**os.environ, "SURVEY_DATABASE_URL": url, "SURVEY_SECRET_KEY": "bench-secret",
           "SURVEY_SERVICE_POINT_CACHE_SECONDS": str(CACHE_SECONDS)}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--worker-tmp-dir", "/dev/shm", "--log-level", "warning", "wsgi:app"],
        cwd=ROOT, env=env, start_new_session=True)
    for _ in range(150):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/")
            connection.getresponse().read()
            return server
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not start")


def load(ports, codes, seconds, connections):
    """wrk at each port at once, connections shared out; accepted and refused per port."""
    results = {}

    def one(port):
        options = SimpleNamespace(connections=max(1, connections // len(ports)), seconds=seconds)
        results[port] = run_wrk(port, codes, options)

    threads = [threading.Thread(target=one, args=(p,)) for p in ports]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 60)
    return {p: (int(r["accepted"]), int(r["refused"]), int(r["errors"])) for p, r in results.items()}


def rate(port, code, agent):
    """One citizen rating from the device `agent` at `port`: (HTTP status of the answer, uuid)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", f"/q/{code}", headers={"User-Agent": agent,
                                                          "Accept-Encoding": "identity"})
        page = connection.getresponse()
        body = page.read().decode()
        if page.status != 200:
            return page.status, None
        cookie = page.getheader("Set-Cookie", "").split(";")[0]
        action = ACTION.search(body).group(1)
        form = urllib.parse.urlencode({"csrf_token": TOKEN.search(body).group(1), "v": "1",
                                       "q_satisfaction": "3"})
        connection.request("POST", action, body=form, headers={
            "User-Agent": agent, "Cookie": cookie,
            "Content-Type": "application/x-www-form-urlencoded"})
        answer = connection.getresponse()
        answer.read()
        return answer.status, action.split("/")[3]
    finally:
        connection.close()


def one_client(ports, code, agent):
    """ONE_CLIENT_RATINGS ratings from one device, taking the ports in turn; what came of them."""
    statuses, uuids = [], []
    for n in range(ONE_CLIENT_RATINGS):
        status, uuid = rate(ports[n % len(ports)], code, agent)
        statuses.append(status)
        if status == 303:
            uuids.append(uuid)
    return statuses, uuids


def flags_of(url, uuids):
    from sqlalchemy import bindparam, create_engine, text

    from survey.db import normalise_url
    engine = create_engine(normalise_url(url))
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT flags FROM response WHERE uuid IN :u").bindparams(
            bindparam("u", expanding=True)), {"u": uuids or [""]}).all()
    engine.dispose()
    return len(rows), sum(1 for (flags,) in rows if flags)


def rename_point(url, code, name):
    from sqlalchemy import create_engine, text

    from survey.db import normalise_url
    engine = create_engine(normalise_url(url))
    with engine.begin() as conn:
        conn.execute(text("UPDATE service_point SET name = :n WHERE code = :c"), {"n": name, "c": code})
    engine.dispose()


def seconds_until_shown(port, code, name, limit):
    """Poll the citizen page every 0.25 s until it names the point `name`; None past `limit`."""
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", f"/q/{code}", headers={"Accept-Encoding": "identity",
                                                          "User-Agent": "staleness probe"})
        body = connection.getresponse().read().decode()
        connection.close()
        if name in body:
            return time.perf_counter() - start
        time.sleep(0.25)
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20, help="each load phase")
    parser.add_argument("--connections", type=int, default=8, help="concurrent citizens in all")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    options = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-two-"))
    os.chmod(tmp, 0o755)
    pg_dir = tmp / "pg"
    url = subprocess.check_output([str(ROOT / ".ci/postgres.sh"), "start", str(pg_dir),
                                   str(free_port())], text=True).strip()
    servers = []
    try:
        settle_new_cluster(url)
        codes = prepare_database(url)
        ports = [free_port(), free_port()]
        servers = [start_server(url, port, options.workers) for port in ports]
        print(f"PostgreSQL, two gunicorn masters x {options.workers} sync workers on ports "
              f"{ports[0]} and {ports[1]}; wrk, {options.connections} concurrent citizens in all; "
              f"2 CPU cores shared by servers, database and load")

        before = count_rows(url)
        one = load(ports[:1], codes, options.seconds, options.connections)
        middle = count_rows(url)
        two = load(ports, codes, options.seconds, options.connections)
        after = count_rows(url)
        accepted_one = sum(a for a, _, _ in one.values())
        accepted_two = sum(a for a, _, _ in two.values())
        print(f"one server:  {accepted_one} accepted in {options.seconds:.0f} s "
              f"({accepted_one / options.seconds:.0f}/s); refused {sum(r for _, r, _ in one.values())}")
        per_port = ", ".join(f"{a / options.seconds:.0f}/s" for a, _, _ in two.values())
        print(f"two servers: {accepted_two} accepted in {options.seconds:.0f} s "
              f"({accepted_two / options.seconds:.0f}/s = {per_port}); "
              f"refused {sum(r for _, r, _ in two.values())}; ratio two/one "
              f"{accepted_two / max(accepted_one, 1):.2f}")
        for label, accepted, rows in (("one", accepted_one, middle - before),
                                      ("two", accepted_two, after - middle)):
            in_flight = rows - accepted
            print(f"  {label}: submitted rows {rows} = accepted {accepted} + {in_flight} in flight "
                  f"at wrk's stop (at most {options.connections}); lost {max(0, -in_flight)}")

        code = codes[0]
        single = one_client(ports[:1], code, "bench one device on one server")
        across = one_client(ports, code, "bench one device on two servers")
        for label, (statuses, uuids) in (("one server ", single), ("two servers", across)):
            stored, flagged = flags_of(url, uuids)
            print(f"one device, {ONE_CLIENT_RATINGS} ratings, {label}: accepted "
                  f"{statuses.count(303)}, refused {len(statuses) - statuses.count(303)} "
                  f"{sorted(set(statuses) - {303})}; stored {stored}, flagged {flagged}")
        same = single[0] == across[0] and flags_of(url, single[1])[1] == flags_of(url, across[1])[1]
        print(f"limits and flags the same across two servers as on one: {'yes' if same else 'NO'}")

        for port in ports:  # both servers have the point's page in their caches now
            seconds_until_shown(port, code, "", 1)
        name = f"Renamed {int(time.time())}"
        rename_point(url, code, name)
        for port in ports:
            waited = seconds_until_shown(port, code, name, CACHE_SECONDS * 4)
            shown = "never" if waited is None else f"{waited:.1f} s"
            print(f"service point renamed: shown by port {port} after {shown} "
                  f"(bound SERVICE_POINT_CACHE_SECONDS={CACHE_SECONDS})")
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(10)
        subprocess.run([str(ROOT / ".ci/postgres.sh"), "stop", str(pg_dir)], check=False)
        subprocess.run(["rm", "-rf", str(tmp)], check=False)


if __name__ == "__main__":
    main()
