"""Reads for exports: waves that can be exported, jobs and their state."""
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlmodel import select

from survey.db import get_session
from survey.exports.operations import export_dir
from survey.models import ExportJob, Wave


def query_waves() -> list[Wave]:
    return list(get_session().exec(select(Wave).order_by(Wave.period_start.desc(), Wave.code)).all())


def query_wave(wave_id: int) -> Wave | None:
    return get_session().get(Wave, wave_id)


def sees_every_job(user) -> bool:
    """Who sees whose export jobs: an admin sees every job (to help and to clean up); anyone
    else only their own. A job's file is response-level data chosen with its own inclusion
    options, so a colleague's job is not shared by being listed."""
    return user.role == "admin"


def query_job(job_id: int, user) -> ExportJob | None:
    """The job, if `user` may see it (see `sees_every_job`)."""
    job = get_session().get(ExportJob, job_id)
    if job is None or not (sees_every_job(user) or job.created_by_id == user.id):
        return None
    get_session().refresh(job)  # the worker process writes it; never serve a stale copy
    return job


def query_jobs(user, limit: int = 20) -> list[ExportJob]:
    stmt = select(ExportJob).order_by(ExportJob.created_at.desc(), ExportJob.id.desc()).limit(limit)
    if not sees_every_job(user):
        stmt = stmt.where(ExportJob.created_by_id == user.id)
    return list(get_session().exec(stmt).all())


def is_lost(job: ExportJob, now: datetime | None = None) -> bool:
    """A running job whose worker has been silent too long has died with it (a queued one waits in
    the queue until a worker takes it)."""
    if job.status != "running":
        return False
    updated = job.updated_at if job.updated_at.tzinfo else job.updated_at.replace(tzinfo=UTC)
    limit = timedelta(seconds=current_app.config["EXPORT_JOB_STALE_SECONDS"])
    return (now or datetime.now(UTC)) - updated > limit


def job_state(job: ExportJob) -> str:
    """The job's status, "failed" when its worker died, "removed" when its file was cleaned up."""
    if is_lost(job):
        return "failed"
    if job.status == "done" and not job.file_name:
        return "removed"
    return job.status


def progress_percent(job: ExportJob) -> int:
    if job.status == "done":
        return 100
    if not job.rows_total:
        return 0
    return min(99, int(100 * job.rows_done / job.rows_total))


def job_file(job: ExportJob):
    """The finished file of a job, or None (not done, or removed from the disk)."""
    if job.status != "done" or not job.file_name:
        return None
    path = export_dir() / job.file_name
    return path if path.is_file() else None
