"""Results snapshots: computed results tables kept for large waves

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "results_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("breakdown", sa.String(length=80), nullable=False),
        sa.Column("include_flagged", sa.Boolean(), nullable=False),
        sa.Column("include_unverified", sa.Boolean(), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("error", sa.String(length=40), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("table", sa.Text(), nullable=True),
        sa.Column("fingerprint", sa.String(length=400), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=True),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('computing', 'ready', 'failed')", name="ck_results_snapshot_status"),
        sa.ForeignKeyConstraint(["wave_id"], ["wave.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("wave_id", "breakdown", "include_flagged", "include_unverified", "lang",
                            name="uq_results_snapshot_key"),
    )
    op.create_index("ix_results_snapshot_wave_id", "results_snapshot", ["wave_id"])


def downgrade() -> None:
    op.drop_index("ix_results_snapshot_wave_id", table_name="results_snapshot")
    op.drop_table("results_snapshot")
