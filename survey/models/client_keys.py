"""Hashed client keys of citizen ratings, kept apart from the responses so a purge destroys them.

A key written into the `response` table outlives any UPDATE … SET NULL: PostgreSQL keeps the old
row version in the table and index files until their pages are reused, and in the WAL. So the
keys live in a ring of RING_DAYS tables, one per local day (day number mod RING_DAYS): the
purge TRUNCATEs whole tables (new, empty files; the old ones are unlinked), and on PostgreSQL the
tables are UNLOGGED (migration 0012), so the keys never enter the WAL at all. The price: after a
database crash the ring is empty, which only resets the day's rate limits and flags.
"""
from datetime import date

from sqlalchemy import Column, DateTime, Index, Integer, String, Table
from sqlmodel import SQLModel

RING_DAYS = 8


def _ring_table(slot: int) -> Table:
    name = f"rating_client_{slot}"
    return Table(
        name, SQLModel.metadata,
        # No foreign key: the ring is emptied whole, and a rating's insert stays one index probe.
        Column("response_id", Integer, primary_key=True, autoincrement=False),
        Column("service_point_id", Integer, nullable=True),
        # Keyed hashes of the network (IPv4 address, IPv6 /64) and of network + browser.
        Column("network_key", String(64), nullable=False),
        Column("device_key", String(64), nullable=False),
        Column("started_at", DateTime(timezone=True), nullable=False),
        Index(f"ix_{name}_network", "network_key", "started_at"),
        Index(f"ix_{name}_device", "device_key", "started_at"),
    )


CLIENT_KEY_TABLES = tuple(_ring_table(slot) for slot in range(RING_DAYS))


def client_key_table(day: date) -> Table:
    """The ring table holding the keys of ratings started on local day `day`."""
    return CLIENT_KEY_TABLES[day.toordinal() % RING_DAYS]
