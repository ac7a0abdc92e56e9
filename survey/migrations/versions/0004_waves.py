"""Survey waves; paper forms carry their wave and verification state

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wave",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("questionnaire_id", sa.String(length=40), nullable=False),
        sa.Column("questionnaire_version", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("count_unverified_paper", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("mode IN ('qr', 'paper', 'both')", name="ck_wave_mode"),
        sa.CheckConstraint("period_start <= period_end", name="ck_wave_period"),
        sa.ForeignKeyConstraint(["created_by_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_index("ix_wave_questionnaire_id", "wave", ["questionnaire_id"])
    with op.batch_alter_table("response") as batch:
        batch.add_column(sa.Column("wave_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("verification", sa.String(length=12), nullable=True))
        batch.create_foreign_key("fk_response_wave_id_wave", "wave", ["wave_id"], ["id"])
        batch.create_unique_constraint("uq_response_paper_form", ["wave_id", "paper_form_number"])
        batch.create_check_constraint(
            "ck_response_verification", "verification IN ('unverified', 'verified', 'conflict')")
        batch.create_index("ix_response_wave_id", ["wave_id"])


def downgrade() -> None:
    with op.batch_alter_table("response") as batch:
        batch.drop_index("ix_response_wave_id")
        batch.drop_constraint("ck_response_verification", type_="check")
        batch.drop_constraint("uq_response_paper_form", type_="unique")
        batch.drop_constraint("fk_response_wave_id_wave", type_="foreignkey")
        batch.drop_column("verification")
        batch.drop_column("wave_id")
    op.drop_index("ix_wave_questionnaire_id", table_name="wave")
    op.drop_table("wave")
