"""Alembic environment: runs on the connection handed over by survey.migrate (never on its own URL)."""
from alembic import context
from sqlmodel import SQLModel

import survey.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from survey.migrate import is_model_table

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    # SQLite cannot ALTER most things in place; batch mode copies the table instead.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    include_name=is_model_table,
)
with context.begin_transaction():
    context.run_migrations()
