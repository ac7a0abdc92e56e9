"""The audit trail: every create, verification, resolution and batch change, with old and new values."""
import json

from survey.models import AuditEvent


def record(session, *, user_id, action: str, entity: str, entity_id: int, batch_id=None,
           old=None, new=None) -> AuditEvent:
    """Add an event to `session` (written in the caller's transaction, or not at all)."""
    event = AuditEvent(user_id=user_id, action=action, entity=entity, entity_id=entity_id,
                       batch_id=batch_id, old_value=_dump(old), new_value=_dump(new))
    session.add(event)
    return event


def _dump(value):
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)
