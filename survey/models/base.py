"""Shared column helpers: UTC timestamps and closed sets of codes stored as checked strings."""
from datetime import UTC, datetime

from sqlalchemy import CheckConstraint


def utcnow() -> datetime:
    return datetime.now(UTC)


def one_of(column: str, values, name: str) -> CheckConstraint:
    """A CHECK constraint that keeps a code column inside its closed set (portable, unlike ENUM)."""
    listed = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IN ({listed})", name=name)
