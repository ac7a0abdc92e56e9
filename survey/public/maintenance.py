"""Privacy upkeep: hashed client keys are only needed for a day's integrity checks."""
from datetime import timedelta

from sqlmodel import update

from survey.db import transaction
from survey.models import Response
from survey.models.base import utcnow


def purge_client_keys(retention_days: int) -> int:
    """Wipe client keys of responses started more than `retention_days` ago; return how many."""
    cutoff = utcnow() - timedelta(days=retention_days)
    with transaction() as session:
        result = session.exec(update(Response)
                              .where(Response.client_key.is_not(None), Response.started_at < cutoff)
                              .values(client_key=None))
    return result.rowcount
