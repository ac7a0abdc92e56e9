"""The worker process of an export job: `python -m survey.exports.runner <job id>`.

Started by `operations.create_job` through `spawn`, with the app's configuration in CONFIG_ENV.
It writes the file under a temporary name and renames it when complete, so a download never
sees half a file; any failure is recorded on the job as an error code.
"""
import json
import logging
import os
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

from survey.estimates.dataset import Inclusion
from survey.exports import rebuild, rows, tables, writers

log = logging.getLogger(__name__)
CONFIG_ENV = "SURVEY_EXPORT_WORKER_CONFIG"
# The app configuration a worker process needs to open the same database and questionnaires.
WORKER_CONFIG_KEYS = ("DATABASE_URL", "QUESTIONNAIRES_DIR", "TRANSLATIONS_DIR", "SECRET_KEY")
SUFFIXES = {"xlsx": ".xlsx", "sav": ".sav", "dta": ".dta", "parquet": ".parquet", "rebuild": ".zip"}


def write_file(session, wave, inclusion: Inclusion, fmt: str, path: Path, progress,
               total=lambda n: None) -> int:
    """Write the wave's response-level export as `fmt` to `path`; return the number of rows."""
    if fmt == "rebuild":
        return rebuild.write_kit(session, wave, inclusion, path, progress, total)
    source = rows.open_source(session, wave, inclusion)
    total(source.row_count)
    chunks = rows.iter_chunks(session, source)
    if fmt == "parquet":
        writers.write_parquet(path, source.variables, chunks, progress)
    elif fmt == "xlsx":
        results = [(title, tables.results_frame(session, wave, by, inclusion))
                   for title, by in tables.RESULT_SHEETS]
        writers.write_xlsx(path, source.variables, chunks, progress,
                           tables.codebook_frame(source.variables), results)
    elif fmt in ("sav", "dta"):
        writers.write_labelled(path, fmt, source.variables, chunks, progress)
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    return source.row_count


def file_name(job, wave) -> str:
    return f"{wave.code}-responses-{job.id}{SUFFIXES[job.format]}"


def run(job_id: int) -> None:
    from survey.db import get_session
    from survey.exports.operations import export_dir, update_job
    from survey.models import ExportJob, Wave

    session = get_session()
    job = session.get(ExportJob, job_id)
    wave = session.get(Wave, job.wave_id)
    update_job(job_id, status="running")
    done = 0

    def progress(n):
        nonlocal done
        done += n
        update_job(job_id, rows_done=done)

    name = file_name(job, wave)
    final = export_dir() / name
    partial = final.with_name(f".{name}.part")
    try:
        write_file(session, wave, Inclusion(job.include_flagged, job.include_unverified), job.format,
                   partial, progress, total=lambda n: update_job(job_id, rows_total=n))
        partial.replace(final)
    except Exception:
        log.exception("export job %s failed", job_id)
        session.rollback()
        partial.unlink(missing_ok=True)
        update_job(job_id, status="failed", error="export.failed", finished_at=datetime.now(UTC))
        raise
    update_job(job_id, status="done", file_name=name, finished_at=datetime.now(UTC))


def spawn(module: str, *args) -> None:
    """Run `python -m module args` in its own process with the current app's configuration (long
    work must not hold a web worker's memory or time); `worker_app` opens the app there."""
    from flask import current_app

    config = {key: current_app.config[key] for key in WORKER_CONFIG_KEYS}
    config["INSTANCE_PATH"] = current_app.instance_path
    config["LANGUAGES"] = ",".join(current_app.config["LANGUAGES"])
    env = {**os.environ, CONFIG_ENV: json.dumps(config)}
    process = subprocess.Popen([sys.executable, "-m", module, *map(str, args)], env=env,
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    # Reap the child when it ends, so no zombie outlives it.
    threading.Thread(target=process.wait, daemon=True).start()


def worker_app():
    """The app of a process started by `spawn`."""
    from survey import create_app

    return create_app(json.loads(os.environ[CONFIG_ENV]), strict=True)


def main(argv: list[str]) -> int:
    app = worker_app()
    with app.app_context():
        try:
            run(int(argv[0]))
        except Exception:
            return 1
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    raise SystemExit(main(sys.argv[1:]))
