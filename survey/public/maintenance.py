"""Privacy upkeep: hashed client keys are only needed for a day's integrity checks."""
from datetime import timedelta

from survey.models.base import utcnow
from survey.responses import clear_client_keys


def purge_client_keys(retention_days: int) -> int:
    """Wipe client keys of responses started more than `retention_days` ago; return how many."""
    return clear_client_keys(started_before=utcnow() - timedelta(days=retention_days))
