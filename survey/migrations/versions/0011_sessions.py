"""Sessions: a per-user session version, raised to revoke every signed-in session of the user

Revision ID: 0011_sessions
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = "0011_sessions"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("session_version", sa.Integer(), nullable=False,
                                   server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("session_version")
