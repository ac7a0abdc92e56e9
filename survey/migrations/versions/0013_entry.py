"""Paper entry: a clerk keys a form once, form numbers are unique per batch, not per wave

Revision ID: 0013_entry
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = "0013_entry"
down_revision = "0009"
branch_labels = None
depends_on = None


# Keyings the new constraints forbid, which the race they close may have let in before.
DUPLICATES = {
    "the same clerk keyed one paper form twice": (
        "SELECT min(id), max(id) FROM paper_entry GROUP BY response_id, clerk_id HAVING count(*) > 1"),
    "two entries share a place under one form number of a batch": (
        "SELECT min(id), max(id) FROM paper_entry GROUP BY batch_id, paper_form_number, entry_number "
        "HAVING count(*) > 1"),
}


def upgrade() -> None:
    # Refuse with the rows to look at rather than fail on the constraint or delete keyed data.
    connection = op.get_bind()
    for problem, query in DUPLICATES.items():
        rows = connection.execute(sa.text(query)).all()
        if rows:
            pairs = ", ".join(f"{a} and {b}" for a, b in rows[:20])
            raise RuntimeError(f"Cannot migrate: {problem} (paper_entry ids {pairs}). A supervisor "
                               "must decide which keying stands and delete the other before "
                               "`flask db upgrade`.")
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
