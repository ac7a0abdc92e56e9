"""The job queue: work is enqueued by name here and run by the worker (`worker.py`).

This module imports no feature, so any layer may enqueue ("export", "results_snapshot", ...);
the worker registers what each name runs. huey keeps the queue in the app's own database:
SqliteStorage on the embedded SQLite file (the embedded default stays one file), PostgresStorage
(psycopg 3, LISTEN/NOTIFY) on PostgreSQL. A job enqueued while no worker runs waits in that
table until one starts. Each job also has a `job` row saying how it went, for the jobs page.

Transient database errors (a restart, a lock held too long) are retried JOB_MAX_RETRIES times
after JOB_RETRY_DELAY_SECONDS, doubling each time; any other error fails the job at once with an
error code (survey.jobs.messages) and calls the kind's failure hook, so its page can say why.
"""
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from huey import Huey, MemoryHuey, SqliteHuey
from huey.consumer import Consumer
from huey.exceptions import RetryTask
from huey.storage import PostgresStorage
from sqlalchemy import select, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from survey.db import get_session, transaction
from survey.models import Job
from survey.models.base import utcnow

log = logging.getLogger(__name__)
QUEUE_NAME = "survey"
TRANSIENT = (OperationalError, PoolTimeout)
# How long an idle worker waits before looking at the queue again (SQLite has no notifications).
POLL_SECONDS = 1.0


@dataclass(frozen=True)
class Handler:
    """What the worker runs for one kind of job; `on_failure(code, *args)` records a final failure
    where the job's own page reads it."""

    run: Callable
    on_failure: Callable | None = None


class JobQueue:
    """The app's queue: enqueue by name everywhere; register handlers and consume in the worker."""

    def __init__(self, app):
        self.app = app
        self.huey = open_huey(app.config["DATABASE_URL"])
        self.handlers: dict[str, Handler] = {}
        self._task = self.huey.task(name="run_job")(self._run)

    def enqueue(self, kind: str, *args) -> int:
        """Queue `kind` with JSON-able `args`; return the job's id."""
        with transaction() as session:
            job = Job(kind=kind, args=json.dumps(args))
            session.add(job)
        try:
            self._task(job.id)
        except Exception:
            # The queue is in the same database: failing to reach it is failing to reach the database.
            _set(job.id, state="failed", error="job.unavailable", finished_at=utcnow())
            raise
        return job.id

    def register(self, kind: str, run: Callable, on_failure: Callable | None = None) -> None:
        self.handlers[kind] = Handler(run, on_failure)

    def every(self, schedule, kind: str) -> None:
        """Enqueue `kind` whenever `schedule` (a huey crontab) matches, while a worker runs."""
        def enqueue_now():
            with self.app.app_context():
                self.enqueue(kind)

        self.huey.periodic_task(schedule, name=f"every_{kind}")(enqueue_now)

    def consumer(self, workers: int, periodic: bool = True) -> Consumer:
        """A huey consumer running at most `workers` jobs at once (threads: the work is mostly the
        database's and numpy's, both of which release the GIL)."""
        return self.huey.create_consumer(workers=workers, worker_type="thread", periodic=periodic,
                                         max_delay=POLL_SECONDS, graceful_signal="TERM")

    def fail_interrupted(self) -> int:
        """Fail the jobs a stopped worker left running (huey had taken them off the queue); the
        worker calls it as it starts, when no other worker runs. Returns how many."""
        with self.app.app_context():
            stmt = select(Job).where(Job.state == "running")
            jobs = list(get_session().execute(stmt).scalars())
            for job in jobs:
                self._fail(job, self.handlers.get(job.kind), json.loads(job.args), "job.interrupted")
        return len(jobs)

    def close(self) -> None:
        self.huey.storage.close()

    def _run(self, job_id: int) -> None:
        with self.app.app_context():
            job = _start(job_id)
            if job is None:
                return
            args = json.loads(job.args)
            handler = self.handlers.get(job.kind)
            if handler is None:
                self._fail(job, None, args, "job.unknown_kind")
                return
            try:
                handler.run(*args)
            except TRANSIENT:
                log.warning("job %s (%s) met a transient error, attempt %s", job.id, job.kind,
                            job.attempts, exc_info=True)
                get_session().rollback()
                config = self.app.config
                if job.attempts <= config["JOB_MAX_RETRIES"]:
                    _set(job.id, state="retrying")
                    delay = config["JOB_RETRY_DELAY_SECONDS"] * 2 ** (job.attempts - 1)
                    raise RetryTask(delay=delay) from None
                self._fail(job, handler, args, "job.unavailable")
            except Exception:
                log.exception("job %s (%s) failed", job.id, job.kind)
                get_session().rollback()
                self._fail(job, handler, args, "job.failed")
            else:
                _set(job.id, state="done", error=None, finished_at=utcnow())

    def _fail(self, job: Job, handler: Handler | None, args: list, code: str) -> None:
        _set(job.id, state="failed", error=code, finished_at=utcnow())
        if handler is not None and handler.on_failure is not None:
            handler.on_failure(code, *args)


def open_huey(database_url: str):
    """huey on the app's database; its tables are made by the migrations (0010_jobs)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            return MemoryHuey(QUEUE_NAME, results=False)  # a database gone with the process: so is its queue
        # The same busy timeout as the app's connections (survey.db).
        return SqliteHuey(QUEUE_NAME, filename=url.database, results=False, create_tables=False,
                          timeout=10)
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    return Huey(QUEUE_NAME, storage_class=ListenersClosingStorage, dsn=dsn, results=False,
                create_tables=False, table_prefix="huey")


class ListenersClosingStorage(PostgresStorage):
    """huey's PostgreSQL storage, whose close() also closes each worker thread's LISTEN connection
    (huey leaves them to the garbage collector, which warns of a connection deleted while open)."""

    def __init__(self, *args, **kwargs):
        self._listeners = []
        super().__init__(*args, **kwargs)

    def _listen_conn(self):
        conn = super()._listen_conn()
        if not any(conn is known for known in self._listeners):
            self._listeners.append(conn)
        return conn

    def close(self):
        for conn in self._listeners:
            self._close_quiet(conn)
        self._listeners.clear()
        return super().close()


def _start(job_id: int) -> Job | None:
    with transaction() as session:
        job = session.get(Job, job_id)
        if job is None:  # removed meanwhile: nothing to run
            return None
        job.state, job.attempts, job.started_at = "running", job.attempts + 1, utcnow()
    return job


def _set(job_id: int, **fields) -> None:
    with transaction() as session:
        session.execute(update(Job).where(Job.id == job_id).values(**fields))


def init_app(app) -> None:
    app.extensions["jobs"] = JobQueue(app)


def get_queue() -> JobQueue:
    return current_app.extensions["jobs"]


def enqueue(kind: str, *args) -> int:
    """Queue work by name on the current app's queue (see JobQueue.enqueue)."""
    return get_queue().enqueue(kind, *args)
