"""Background jobs: the job table and huey's queue tables in the app's own database

Revision ID: 0010_jobs
Revises: 0009

huey's tables are created here with huey 3.5's own DDL (SqliteStorage and PostgresStorage with
table_prefix "huey"), so `db upgrade` makes the whole schema and the storages are opened with
create_tables=False. huey's SQLite storage has fixed table names (task, schedule, kv, counter).
"""
import sqlalchemy as sa
from alembic import op

revision = "0010_jobs"
down_revision = "0009"
branch_labels = None
depends_on = None

SQLITE_QUEUE = (
    "create table if not exists kv (queue text not null, key text not null, value blob not null, "
    "primary key(queue, key))",
    "create table if not exists schedule (id integer not null primary key, queue text not null, "
    "data blob not null, timestamp real not null)",
    "create index if not exists schedule_queue_timestamp on schedule (queue, timestamp)",
    "create table if not exists task (id integer not null primary key, queue text not null, "
    "data blob not null, priority real not null default 0.0)",
    "create index if not exists task_queue_priority_id on task (queue, priority desc, id)",
    "create table if not exists counter (queue text not null, key text not null, "
    "value integer not null default 0, primary key(queue, key))",
)
POSTGRES_QUEUE = (
    "create table if not exists huey_kv (queue text not null, key text not null, value bytea not null, "
    "primary key(queue, key))",
    "create table if not exists huey_schedule (id bigserial primary key, queue text not null, "
    "data bytea not null, timestamp double precision not null)",
    "create index if not exists huey_schedule_queue_timestamp on huey_schedule (queue, timestamp)",
    "create table if not exists huey_task (id bigserial primary key, queue text not null, "
    "data bytea not null, priority double precision not null default 0.0)",
    "create index if not exists huey_task_queue_priority_id on huey_task (queue, priority desc, id)",
    "create table if not exists huey_counter (queue text not null, key text not null, "
    "value bigint not null default 0, primary key(queue, key))",
)


def _queue_tables() -> tuple[tuple[str, ...], str]:
    if op.get_bind().dialect.name == "postgresql":
        return POSTGRES_QUEUE, "huey_"
    return SQLITE_QUEUE, ""


def upgrade() -> None:
    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("args", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=40), nullable=True),
        sa.Column("enqueued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("state IN ('queued', 'running', 'retrying', 'done', 'failed')",
                           name="ck_job_state"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_job_enqueued_at", "job", ["enqueued_at"])
    for statement in _queue_tables()[0]:
        op.execute(statement)


def downgrade() -> None:
    prefix = _queue_tables()[1]
    for table in ("kv", "schedule", "task", "counter"):
        op.execute(f"drop table if exists {prefix}{table}")
    op.drop_index("ix_job_enqueued_at", table_name="job")
    op.drop_table("job")
