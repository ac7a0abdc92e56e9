"""Index the per-client and per-desk windows the citizen integrity checks count

Revision ID: 0003
Revises: 0002
"""
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_response_client_recent", "response", ["client_key", "started_at"])
    op.create_index("ix_response_point_recent", "response", ["service_point_id", "submitted_at"])


def downgrade() -> None:
    op.drop_index("ix_response_point_recent", table_name="response")
    op.drop_index("ix_response_client_recent", table_name="response")
