"""Writes for exports: create an export job, start its worker process, record its progress."""
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app

from survey.db import transaction
from survey.models import ExportJob, Wave


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
    from survey.exports.runner import spawn

    spawn("survey.exports.runner", job_id)


def update_job(job_id: int, **fields) -> None:
    fields["updated_at"] = datetime.now(UTC)
    with transaction() as session:
        job = session.get(ExportJob, job_id)
        for key, value in fields.items():
            setattr(job, key, value)
