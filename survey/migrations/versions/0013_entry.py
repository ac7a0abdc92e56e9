"""Paper entry: a clerk keys a form once, form numbers are unique per batch, not per wave

Revision ID: 0013_entry
Revises: 0009
"""
from alembic import op

revision = "0013_entry"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("paper_entry") as batch:
        batch.create_unique_constraint("uq_paper_entry_clerk", ["response_id", "clerk_id"])
        batch.create_unique_constraint("uq_paper_entry_form_number",
                                       ["batch_id", "paper_form_number", "entry_number"])
    with op.batch_alter_table("response") as batch:
        batch.drop_constraint("uq_response_paper_form", type_="unique")


def downgrade() -> None:
    with op.batch_alter_table("response") as batch:
        batch.create_unique_constraint("uq_response_paper_form", ["wave_id", "paper_form_number"])
    with op.batch_alter_table("paper_entry") as batch:
        batch.drop_constraint("uq_paper_entry_form_number", type_="unique")
        batch.drop_constraint("uq_paper_entry_clerk", type_="unique")
