"""Writes for exports: create an export job, start its worker process, record its progress."""
import json
import os
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app

from survey.db import transaction
from survey.models import ExportJob, Wave

# The app configuration a worker process needs to open the same database and questionnaires.
WORKER_CONFIG_KEYS = ("DATABASE_URL", "QUESTIONNAIRES_DIR", "TRANSLATIONS_DIR", "SECRET_KEY")


def export_dir() -> Path:
    path = Path(current_app.instance_path) / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def create_job(wave: Wave, fmt: str, user_id: int, include_flagged: bool,
               include_unverified: bool | None) -> ExportJob:
    """Queue an export of `wave` as `fmt` and start a worker process for it."""
    job = ExportJob(wave_id=wave.id, format=fmt, include_flagged=include_flagged,
                    include_unverified=include_unverified, created_by_id=user_id)
    with transaction() as session:
        session.add(job)
    _start_worker(job.id)
    return job


def _start_worker(job_id: int) -> None:
    """Run the job in its own process: a million-row export must not hold a web worker's memory."""
    config = {key: current_app.config[key] for key in WORKER_CONFIG_KEYS}
    config["INSTANCE_PATH"] = current_app.instance_path
    config["LANGUAGES"] = ",".join(current_app.config["LANGUAGES"])
    env = {**os.environ, "SURVEY_EXPORT_WORKER_CONFIG": json.dumps(config)}
    process = subprocess.Popen([sys.executable, "-m", "survey.exports.runner", str(job_id)], env=env,
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    # Reap the child when it ends, so no zombie outlives it.
    threading.Thread(target=process.wait, daemon=True).start()


def update_job(job_id: int, **fields) -> None:
    fields["updated_at"] = datetime.now(UTC)
    with transaction() as session:
        job = session.get(ExportJob, job_id)
        for key, value in fields.items():
            setattr(job, key, value)
