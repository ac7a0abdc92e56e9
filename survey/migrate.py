"""Schema migrations (Alembic) driven from Python, and the check that refuses an un-migrated database."""
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# huey's queue tables (migration 0010_jobs): made by the migrations but not models, so comparing
# the models with the database leaves them out. SQLite's names are huey's, PostgreSQL's prefixed.
QUEUE_TABLES = frozenset({"kv", "schedule", "task", "counter",
                          "huey_kv", "huey_schedule", "huey_task", "huey_counter"})


def is_model_table(name, type_, parent_names) -> bool:
    """Alembic's `include_name`: compare every table but huey's queue tables."""
    return not (type_ == "table" and name in QUEUE_TABLES)


class SchemaNotCurrent(RuntimeError):
    """The database is not at the code's migration head."""


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    """The code's migration head(s); features may branch from one revision, so there can be several."""
    return ", ".join(sorted(ScriptDirectory.from_config(_config()).get_heads()))


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        heads = MigrationContext.configure(connection).get_current_heads()
    return ", ".join(sorted(heads)) or None


def upgrade(engine: Engine, revision: str = "heads") -> None:
    with engine.begin() as connection:
        config = _config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def make_revision(engine: Engine, message: str) -> None:
    """Autogenerate a migration from the models' difference to the database (developers only)."""
    with engine.begin() as connection:
        config = _config()
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)


def check_schema(engine: Engine) -> None:
    current, head = current_revision(engine), head_revision()
    if current != head:
        raise SchemaNotCurrent(
            f"The database {engine.url.render_as_string(hide_password=True)} is at migration "
            f"{current or 'none (empty)'} but this code needs {head}. "
            "Run: flask --app wsgi db upgrade"
        )
