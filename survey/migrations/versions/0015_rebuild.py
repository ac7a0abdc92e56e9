"""Paper forms carry the interview date keyed from the paper; exports offer the rebuild kit

Revision ID: 0015_rebuild
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = "0015_rebuild"
down_revision = "0009"
branch_labels = None
depends_on = None


FORMATS_BEFORE = "format IN ('xlsx', 'sav', 'dta', 'parquet')"
FORMATS_AFTER = "format IN ('xlsx', 'sav', 'dta', 'parquet', 'rebuild')"


def upgrade() -> None:
    with op.batch_alter_table("response") as batch:
        batch.add_column(sa.Column("interview_date", sa.Date(), nullable=True))
    _formats(FORMATS_AFTER)


def _formats(check: str) -> None:
    with op.batch_alter_table("export_job") as batch:
        batch.drop_constraint("ck_export_job_format", type_="check")
        batch.create_check_constraint("ck_export_job_format", check)


def downgrade() -> None:
    op.execute("DELETE FROM export_job WHERE format = 'rebuild'")
    _formats(FORMATS_BEFORE)
    with op.batch_alter_table("response") as batch:
        batch.drop_column("interview_date")
