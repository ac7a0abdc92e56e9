"""Reads for the jobs page."""
from sqlmodel import select

from survey.db import get_session
from survey.models import Job


def query_recent_jobs(limit: int = 100) -> list[Job]:
    stmt = select(Job).order_by(Job.enqueued_at.desc(), Job.id.desc()).limit(limit)
    return list(get_session().exec(stmt).all())
