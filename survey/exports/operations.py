"""Writes for exports: create an export job and queue it, record its progress, remove old files."""
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlmodel import select

from survey.db import transaction
from survey.jobs.queue import enqueue
from survey.models import ExportJob, Wave


def export_dir() -> Path:
    path = Path(current_app.instance_path) / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def create_job(wave: Wave, fmt: str, user_id: int, include_flagged: bool,
               include_unverified: bool | None) -> ExportJob:
    """Record an export of `wave` as `fmt` and queue it for the worker."""
    job = ExportJob(wave_id=wave.id, format=fmt, include_flagged=include_flagged,
                    include_unverified=include_unverified, created_by_id=user_id)
    with transaction() as session:
        session.add(job)
    enqueue("export", job.id)
    return job


def update_job(job_id: int, **fields) -> None:
    fields["updated_at"] = datetime.now(UTC)
    with transaction() as session:
        job = session.get(ExportJob, job_id)
        for key, value in fields.items():
            setattr(job, key, value)


def remove_old_files(days: int) -> int:
    """Delete the files of exports finished more than `days` ago (the job stays, as "removed");
    return how many jobs lost their file."""
    cutoff = datetime.now(UTC) - timedelta(days=days)
    with transaction() as session:
        jobs = session.exec(select(ExportJob).where(ExportJob.file_name.is_not(None),
                                                    ExportJob.finished_at < cutoff)).all()
        for job in jobs:
            (export_dir() / job.file_name).unlink(missing_ok=True)
            job.file_name = None
            job.updated_at = datetime.now(UTC)
    return len(jobs)
