"""Join the job queue, sessions, integrity, paper-entry and rebuild branches into one head

Revision ID: 0016
Revises: 0010_jobs, 0011_sessions, 0012_integrity, 0013_entry, 0015_rebuild
"""
revision = "0016"
down_revision = ("0010_jobs", "0011_sessions", "0012_integrity", "0013_entry", "0015_rebuild")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
