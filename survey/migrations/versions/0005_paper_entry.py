"""Paper-form entry: batches, clerk assignments, every keying, the audit trail

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "entry_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("questionnaire_id", sa.String(length=40), nullable=False),
        sa.Column("questionnaire_version", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("service_point_id", sa.Integer(), nullable=True),
        sa.Column("surveyor_name", sa.String(length=120), nullable=False),
        sa.Column("form_count", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("form_count > 0", name="ck_entry_batch_form_count"),
        sa.ForeignKeyConstraint(["wave_id"], ["wave.id"]),
        sa.ForeignKeyConstraint(["unit_id"], ["admin_unit.id"]),
        sa.ForeignKeyConstraint(["service_point_id"], ["service_point.id"]),
        sa.ForeignKeyConstraint(["created_by_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_entry_batch_wave_id", "entry_batch", ["wave_id"])
    op.create_index("ix_entry_batch_unit_id", "entry_batch", ["unit_id"])
    op.create_table(
        "entry_batch_clerk",
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["entry_batch.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("batch_id", "user_id"),
    )
    op.create_index("ix_entry_batch_clerk_user_id", "entry_batch_clerk", ["user_id"])
    op.create_table(
        "paper_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("clerk_id", sa.Integer(), nullable=False),
        sa.Column("entry_kind", sa.String(length=8), nullable=False),
        sa.Column("entry_number", sa.Integer(), nullable=False),
        sa.Column("paper_form_number", sa.String(length=40), nullable=False),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("keyed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("entry_kind IN ('first', 'second')", name="ck_paper_entry_kind"),
        sa.ForeignKeyConstraint(["batch_id"], ["entry_batch.id"]),
        sa.ForeignKeyConstraint(["response_id"], ["response.id"]),
        sa.ForeignKeyConstraint(["clerk_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uuid"),
    )
    op.create_index("ix_paper_entry_batch_id", "paper_entry", ["batch_id"])
    op.create_index("ix_paper_entry_clerk_id", "paper_entry", ["clerk_id"])
    op.create_index("ix_paper_entry_response", "paper_entry", ["response_id", "entry_number"])
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"]),
        sa.ForeignKeyConstraint(["batch_id"], ["entry_batch.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_event_at", "audit_event", ["at"])
    op.create_index("ix_audit_event_batch_id", "audit_event", ["batch_id"])


def downgrade() -> None:
    op.drop_index("ix_audit_event_batch_id", table_name="audit_event")
    op.drop_index("ix_audit_event_at", table_name="audit_event")
    op.drop_table("audit_event")
    op.drop_index("ix_paper_entry_response", table_name="paper_entry")
    op.drop_index("ix_paper_entry_clerk_id", table_name="paper_entry")
    op.drop_index("ix_paper_entry_batch_id", table_name="paper_entry")
    op.drop_table("paper_entry")
    op.drop_index("ix_entry_batch_clerk_user_id", table_name="entry_batch_clerk")
    op.drop_table("entry_batch_clerk")
    op.drop_index("ix_entry_batch_unit_id", table_name="entry_batch")
    op.drop_index("ix_entry_batch_wave_id", table_name="entry_batch")
    op.drop_table("entry_batch")
