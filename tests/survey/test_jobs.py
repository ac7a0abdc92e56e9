"""The job queue and its worker: retries, failure codes, periodic upkeep, the admins' jobs page,
and `flask serve` running the web server and the worker together."""
import os
import signal
import socket
import subprocess
import sys
import urllib.request
from datetime import datetime
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sqlalchemy.exc import OperationalError
from sqlmodel import select

from survey.config import PROJECT_ROOT
from survey.db import get_session
from survey.jobs.messages import KIND_LABELS
from survey.jobs.queue import enqueue
from survey.models import Job
from tests.survey.conftest import wait_for


def _job(app, job_id):
    with app.app_context():
        return get_session().get(Job, job_id)


def _finished(app, job_id):
    job = _job(app, job_id)
    return job if job.state in ("done", "failed") else None


def _run(app, kind, *args, seconds=60):
    with app.app_context():
        job_id = enqueue(kind, *args)
    return wait_for(lambda: _finished(app, job_id), seconds, f"job {kind}")


def _lost_connection():
    return OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))


def test_transient_errors_are_retried_with_growing_delays(app, worker):
    app.config["JOB_RETRY_DELAY_SECONDS"] = 1
    calls = []

    def flaky(point_id):
        calls.append(datetime.now())
        if len(calls) < 3:
            raise _lost_connection()

    app.extensions["jobs"].register("test.flaky", flaky)
    job = _run(app, "test.flaky", 7)
    assert (job.state, job.attempts, job.error) == ("done", 3, None)
    first, second = ((b - a).total_seconds() for a, b in zip(calls, calls[1:], strict=False))
    assert first >= 0.9 and second >= 1.9  # 1 s, then 2 s (huey's scheduler wakes every second)


def test_a_job_gives_up_after_its_retries_and_says_why(app, worker):
    app.config.update(JOB_RETRY_DELAY_SECONDS=1, JOB_MAX_RETRIES=1)
    failures = []

    def unreachable(point_id):
        raise _lost_connection()

    app.extensions["jobs"].register("test.down", unreachable,
                                    on_failure=lambda code, *args: failures.append((code, args)))
    job = _run(app, "test.down", 7)
    assert (job.state, job.attempts, job.error) == ("failed", 2, "job.unavailable")
    assert failures == [("job.unavailable", (7,))]


def test_other_errors_fail_at_once_and_unknown_kinds_are_refused(app, worker):
    def broken():
        raise ValueError("a bug, not the network")

    app.extensions["jobs"].register("test.broken", broken)
    job = _run(app, "test.broken")
    assert (job.state, job.attempts, job.error) == ("failed", 1, "job.failed")
    job = _run(app, "test.no_such_kind")
    assert (job.state, job.error) == ("failed", "job.unknown_kind")


def test_daily_upkeep_and_refresh_are_scheduled_and_run_through_the_queue(app, worker):
    huey = app.extensions["jobs"].huey
    due_at = {
        "purge_client_keys": datetime(2026, 3, 1, 19, 10),  # 02:10 in Lai Châu
        "remove_old_exports": datetime(2026, 3, 1, 19, 20),
        "refresh_stale_snapshots": datetime(2026, 3, 1, 10, 45),
    }
    for kind, moment in due_at.items():
        due = [type(task).__name__ for task in huey.read_periodic(moment)]
        assert due == [f"every_{kind}"], (kind, due)
        assert kind in KIND_LABELS and kind in app.extensions["jobs"].handlers
    assert huey.read_periodic(datetime(2026, 3, 1, 10, 44)) == []
    for task in huey.read_periodic(datetime(2026, 3, 1, 19, 0)) + huey.read_periodic(
            datetime(2026, 3, 1, 19, 10)) + huey.read_periodic(datetime(2026, 3, 1, 19, 20)):
        task.execute()  # what the worker's scheduler does when they are due: enqueue the job
    with app.app_context():
        jobs = get_session().exec(select(Job)).all()
        assert {job.kind for job in jobs} == set(due_at)
        ids = [job.id for job in jobs]
    for job_id in ids:
        job = wait_for(lambda job_id=job_id: _finished(app, job_id), 60, "upkeep job")
        assert (job.state, job.error) == ("done", None), job.kind


def _cells(page):
    soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    return [[c.get_text(" ", strip=True) for c in tr.find_all("td")] for tr in soup.select("tbody tr")]


def test_the_jobs_page_lists_recent_jobs_for_admins_in_their_language(app, login, worker):
    def broken():
        raise ValueError("a bug")

    app.extensions["jobs"].register("test.broken", broken)
    _run(app, "test.broken")
    _run(app, "purge_client_keys")
    client = login("admin")
    page = client.get("/jobs/?lang=vi")
    assert page.status_code == 200
    rows = _cells(page)
    assert len(rows) == 2
    newest, failed = rows
    assert "Xóa khóa máy khách cũ" in newest[0] and newest[1] == "Xong" and newest[6] == ""
    assert failed[1] == "Thất bại" and "job.failed" in failed[6] and "Công việc dừng vì lỗi" in failed[6]
    assert all(cell for cell in newest[2:6])  # queued, started, finished, duration
    english = _cells(client.get("/jobs/?lang=en"))
    assert "Wipe old client keys" in english[0][0] and "The job stopped on an error" in english[1][6]
    assert 'href="/jobs/"' in client.get("/units/").get_data(as_text=True)  # in the admin's menu


def test_only_admins_see_the_jobs_page(login):
    client = login("statistician")
    assert client.get("/jobs/").status_code == 403
    assert 'href="/jobs/"' not in client.get("/units/").get_data(as_text=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.mark.skipif(sys.platform != "linux", reason="reads child processes from /proc")
def test_serve_runs_the_web_server_and_the_worker_and_stops_both(app, database_url, instance_path, tmp_path):
    port = _free_port()
    env = {**os.environ, "SURVEY_DATABASE_URL": database_url, "SURVEY_INSTANCE_PATH": instance_path,
           "SURVEY_SECRET_KEY": "test-secret-key"}
    with open(tmp_path / "serve.log", "wb") as log:
        command = [sys.executable, "-m", "flask", "--app", "wsgi", "serve", "--port", str(port)]
        serve = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_for(lambda: _answers(f"http://127.0.0.1:{port}/login"), 240, "the web server")
            job = _run(app, "purge_client_keys", seconds=240)  # the worker is up too
            assert job.state == "done"
            children = [int(pid) for pid in
                        Path(f"/proc/{serve.pid}/task/{serve.pid}/children").read_text().split()]
            assert len(children) == 2
            serve.send_signal(signal.SIGTERM)
            assert serve.wait(60) == 0
        finally:
            if serve.poll() is None:
                serve.kill()
                serve.wait()
    for pid in children:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert not _answers(f"http://127.0.0.1:{port}/login")
