"""The background worker: `python worker.py` from the project folder (or `flask --app wsgi serve`,
which runs it beside the development server).

It builds the app once, tells the queue (survey/jobs/queue.py) what each job name runs, and
consumes the queue with at most JOB_WORKERS jobs at once. SIGTERM lets the running jobs finish
(systemd's stop); Ctrl-C (SIGINT) stops at once.
"""
import logging
import signal

from huey import crontab
from huey.consumer import Consumer

from survey import create_app
from survey.estimates import snapshots
from survey.exports import operations as exports
from survey.exports import runner as export_runner
from survey.jobs.queue import JobQueue
from survey.public.maintenance import purge_client_keys, purge_login_attempts


def register(app) -> JobQueue:
    """Tell the app's queue what each job name runs, and when the periodic ones are due (UTC)."""
    queue: JobQueue = app.extensions["jobs"]
    config = app.config
    queue.register("export", export_runner.run, on_failure=export_runner.record_failure)
    queue.register("results_snapshot", snapshots.compute, on_failure=snapshots.record_failure)
    queue.register("purge_client_keys", lambda: purge_client_keys(config["CLIENT_KEY_RETENTION_DAYS"]))
    queue.register("purge_login_attempts",
                   lambda: purge_login_attempts(config["LOGIN_ATTEMPT_RETENTION_DAYS"]))
    queue.register("remove_old_exports",
                   lambda: exports.remove_old_files(config["EXPORT_FILE_RETENTION_DAYS"]))
    queue.register("refresh_stale_snapshots", snapshots.refresh_stale)
    # Daily upkeep at night in Lai Châu (UTC+7): 02:10, 02:15 and 02:20.
    queue.every(crontab(minute="10", hour="19"), "purge_client_keys")
    queue.every(crontab(minute="15", hour="19"), "purge_login_attempts")
    queue.every(crontab(minute="20", hour="19"), "remove_old_exports")
    queue.every(crontab(minute="*/15"), "refresh_stale_snapshots")
    return queue


def build_consumer(app, periodic: bool = True) -> Consumer:
    """The consumer of `app`'s queue, every job registered; jobs a stopped worker left running are
    failed first (they were taken off the queue)."""
    queue = register(app)
    queue.fail_interrupted()
    return queue.consumer(app.config["JOB_WORKERS"], periodic=periodic)


def start_in_process(app) -> Consumer:
    """Start the worker on threads of this process, without periodic jobs (the tests' worker);
    stop it with `.stop(graceful=True)`. The process keeps its own signal handlers."""
    consumer = build_consumer(app, periodic=False)
    handlers = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    consumer.start()
    for signum, handler in handlers.items():  # start() took them, as for a process of its own
        signal.signal(signum, handler)
    return consumer


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    build_consumer(create_app(strict=True)).run()


if __name__ == "__main__":
    main()
