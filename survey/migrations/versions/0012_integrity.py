"""Client keys in a ring of day tables a purge can destroy; dossier codes in one spelling

Revision ID: 0012_integrity
Revises: 0009

The client keys leave the `response` table: an UPDATE … SET NULL there left them readable in the
table, index and WAL files of PostgreSQL. The new ring tables are UNLOGGED on PostgreSQL (never
in the WAL) and emptied by TRUNCATE. The keys already in `response` are dropped with the column;
on PostgreSQL run `VACUUM FULL response; CHECKPOINT;` once after this upgrade so their old row
versions leave the files too.
"""
import sqlalchemy as sa
from alembic import op

from survey.dossier_codes import normalise_dossier_code

revision = "0012_integrity"
down_revision = "0009"
branch_labels = None
depends_on = None

RING_DAYS = 8


def upgrade() -> None:
    unlogged = ["UNLOGGED"] if op.get_bind().dialect.name == "postgresql" else []
    for slot in range(RING_DAYS):
        name = f"rating_client_{slot}"
        op.create_table(
            name,
            sa.Column("response_id", sa.Integer(), autoincrement=False, nullable=False),
            sa.Column("service_point_id", sa.Integer(), nullable=True),
            sa.Column("network_key", sa.String(length=64), nullable=False),
            sa.Column("device_key", sa.String(length=64), nullable=False),
            sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("response_id"),
            prefixes=unlogged,
        )
        op.create_index(f"ix_{name}_network", name, ["network_key", "started_at"])
        op.create_index(f"ix_{name}_device", name, ["device_key", "started_at"])
    op.drop_index("ix_response_client_recent", table_name="response")
    with op.batch_alter_table("response") as batch_op:
        batch_op.drop_column("client_key")
    _normalise_dossier_codes()


def _normalise_dossier_codes() -> None:
    """Store existing codes in the one spelling; a code whose spelling is already taken at its
    service point (an old duplicate) keeps its text, so no rating is lost."""
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, service_point_id, dossier_code FROM response "
                                "WHERE dossier_code IS NOT NULL ORDER BY id")).all()
    taken = {(point, code) for _, point, code in rows}
    for response_id, point, code in rows:
        normal = normalise_dossier_code(code)
        if normal == code or normal is None or (point, normal) in taken:
            continue
        taken.discard((point, code))
        taken.add((point, normal))
        bind.execute(sa.text("UPDATE response SET dossier_code = :code WHERE id = :id"),
                     {"code": normal, "id": response_id})


def downgrade() -> None:
    with op.batch_alter_table("response") as batch_op:
        batch_op.add_column(sa.Column("client_key", sa.String(length=64), nullable=True))
    op.create_index("ix_response_client_recent", "response", ["client_key", "started_at"])
    for slot in reversed(range(RING_DAYS)):
        op.drop_table(f"rating_client_{slot}")
