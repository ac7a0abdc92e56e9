"""Wave sampling design: strata with frame sizes, calibration margins; Decision 766 counts

Revision ID: 0006
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wave_design",
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("stratify_by", sa.String(length=10), nullable=False),
        sa.Column("psu", sa.String(length=16), nullable=False),
        sa.Column("frame_source", sa.String(length=120), nullable=False),
        sa.Column("calibration", sa.String(length=12), nullable=False),
        sa.Column("trim_low", sa.Float(), nullable=True),
        sa.Column("trim_high", sa.Float(), nullable=True),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("stratify_by IN ('none', 'district', 'commune')",
                           name="ck_wave_design_stratify_by"),
        sa.CheckConstraint("psu IN ('none', 'commune', 'village', 'service_point')",
                           name="ck_wave_design_psu"),
        sa.CheckConstraint("calibration IN ('none', 'poststratify', 'rake')",
                           name="ck_wave_design_calibration"),
        sa.ForeignKeyConstraint(["wave_id"], ["wave.id"]),
        sa.PrimaryKeyConstraint("wave_id"),
    )
    op.create_table(
        "wave_stratum",
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("stratum", sa.String(length=16), nullable=False),
        sa.Column("population", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["wave_id"], ["wave.id"]),
        sa.PrimaryKeyConstraint("wave_id", "stratum"),
    )
    op.create_table(
        "wave_margin",
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["wave_id"], ["wave.id"]),
        sa.PrimaryKeyConstraint("wave_id", "item_id", "category"),
    )
    op.create_table(
        "d766_count",
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("dossiers", sa.Integer(), nullable=False),
        sa.Column("negative", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("negative <= dossiers", name="ck_d766_count_negative"),
        sa.ForeignKeyConstraint(["unit_id"], ["admin_unit.id"]),
        sa.PrimaryKeyConstraint("unit_id", "month"),
    )


def downgrade() -> None:
    op.drop_table("d766_count")
    op.drop_table("wave_margin")
    op.drop_table("wave_stratum")
    op.drop_table("wave_design")
