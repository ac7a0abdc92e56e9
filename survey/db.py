"""Engine, per-request session, and the migration state check.

SQLite (the embedded default) gets WAL journalling, foreign keys and a busy timeout on every
connection; PostgreSQL goes through psycopg 3. The same models and queries serve both.
"""
from contextlib import contextmanager

from flask import current_app, g
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session


def normalise_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever driver the URL names (or none)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str, echo: bool = False) -> Engine:
    url = normalise_url(url)
    # Parameters are citizens' answers: never rendered into error messages, hence logs.
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_engine(url, echo=echo, hide_parameters=True,
                               connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # No pre-ping: it costs a round trip on every request. A connection broken by a server
    # restart fails one request and is then replaced; recycling bounds a connection's age.
    return create_engine(url, echo=echo, hide_parameters=True, pool_recycle=1800)


def init_app(app):
    app.extensions["db_engine"] = make_engine(app.config["DATABASE_URL"], app.config["SQL_ECHO"])
    app.teardown_appcontext(_close_session)


def get_engine() -> Engine:
    return current_app.extensions["db_engine"]


def get_session() -> Session:
    """Return the session of this app context, opening it on first use."""
    if "db_session" not in g:
        g.db_session = Session(get_engine(), expire_on_commit=False)
    return g.db_session


def discard_session():
    """Roll back whatever this app context's session was doing (after an error)."""
    session = g.get("db_session")
    if session is not None:
        session.rollback()


def _close_session(_exc):
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


@contextmanager
def transaction():
    """Commit everything done inside the block, or nothing if it raises."""
    session = get_session()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
