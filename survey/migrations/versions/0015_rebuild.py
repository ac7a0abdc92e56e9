"""Paper forms carry the interview date keyed from the paper

Revision ID: 0015_rebuild
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = "0015_rebuild"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("response") as batch:
        batch.add_column(sa.Column("interview_date", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("response") as batch:
        batch.drop_column("interview_date")
