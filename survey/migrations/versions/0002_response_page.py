"""Keep the citizen's place in a paged questionnaire on the server

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("response") as batch_op:
        batch_op.add_column(sa.Column("current_page", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("response") as batch_op:
        batch_op.drop_column("current_page")
