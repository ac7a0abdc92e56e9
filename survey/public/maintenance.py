"""Privacy upkeep: hashed client keys are only needed for a few days' integrity checks, and
login attempts (usernames as typed, client keys) only for throttling and a while of review.

Both are destroyed, not hidden: the client-key ring tables are TRUNCATEd on PostgreSQL (their
files replaced; UNLOGGED, so never in the WAL). On SQLite the purge runs with `secure_delete`,
which overwrites freed pages with zeros, and then truncates the WAL file.
"""
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import delete, func, select, text

from survey.client_key import local_now
from survey.db import get_engine
from survey.models import LoginAttempt
from survey.models.base import utcnow
from survey.models.client_keys import CLIENT_KEY_TABLES, RING_DAYS, client_key_table

MAX_RETENTION_DAYS = RING_DAYS - 2  # tomorrow's table must be one of the emptied ones


def purge_client_keys(retention_days: int) -> int:
    """Destroy the client keys of ratings started more than `retention_days` local days ago;
    return how many ratings' keys were destroyed."""
    if not 0 <= retention_days <= MAX_RETENTION_DAYS:
        raise ValueError(f"client keys can be kept 0 to {MAX_RETENTION_DAYS} days")
    today = local_now(utcnow()).date()
    kept = {client_key_table(today - timedelta(days=d)) for d in range(retention_days + 1)}
    purged = [table for table in CLIENT_KEY_TABLES if table not in kept]
    engine = get_engine()
    with _destroying(engine) as conn:
        count = sum(conn.execute(select(func.count()).select_from(t)).scalar_one() for t in purged)
        for table in purged:
            if conn.dialect.name == "postgresql":
                conn.execute(text(f"TRUNCATE {table.name}"))
            else:
                conn.execute(table.delete())
    return count


def purge_login_attempts(retention_days: int) -> int:
    """Delete login attempts older than `retention_days`; return how many."""
    with _destroying(get_engine()) as conn:
        result = conn.execute(delete(LoginAttempt).where(
            LoginAttempt.attempted_at < utcnow() - timedelta(days=retention_days)))
    return result.rowcount


@contextmanager
def _destroying(engine):
    """A transaction whose deletions leave no readable trace in SQLite's file or WAL."""
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if sqlite:
            conn.exec_driver_sql("PRAGMA secure_delete=ON")
            conn.commit()
        try:
            with conn.begin():
                yield conn
        finally:
            if sqlite:
                conn.exec_driver_sql("PRAGMA secure_delete=OFF")
                conn.commit()
    if sqlite:
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
