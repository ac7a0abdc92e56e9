"""Fixtures: a migrated database (SQLite by default, PostgreSQL when SURVEY_TEST_DATABASE_URL is
set), a fresh app per test with every table emptied afterwards, clients and user factories."""
import os
import re
import time

import pytest
from sqlalchemy import text
from sqlmodel import SQLModel

from survey import create_app
from survey.db import make_engine
from survey.estimates import cache as estimates_cache
from survey.migrate import upgrade
from worker import start_in_process

PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = os.environ.get("SURVEY_TEST_DATABASE_URL") or (
        f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}")
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def instance_path(tmp_path_factory):
    return str(tmp_path_factory.mktemp("instance"))


@pytest.fixture
def app(database_url, instance_path):
    app = create_app({
        "TESTING": True,
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": instance_path,
        "SECRET_KEY": "test-secret-key",
    }, strict=True)
    estimates_cache.clear()
    yield app
    queue = app.extensions["jobs"]
    queue.huey.flush()  # huey's tables are not models: empty the queue the test left behind
    queue.close()
    engine = app.extensions["db_engine"]
    with engine.begin() as conn:
        for table in reversed(SQLModel.metadata.sorted_tables):
            conn.execute(table.delete())
    engine.dispose()
    estimates_cache.clear()  # its frames and tables were of the rows just deleted


@pytest.fixture
def worker(app):
    """The background worker of `app` running in this process: worker.py's consumer on threads,
    with every job registered (periodic ones left to their own test); stopped before the app."""
    consumer = start_in_process(app)
    yield consumer
    consumer.stop(graceful=True)


def wait_for(check, seconds=60, what="the background job"):
    """Poll `check()` until it returns something true, for at most `seconds`; return that value."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not finish within {seconds} s")
        time.sleep(0.2)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def units(app):
    """The bundled units, merger map and population."""
    from survey.units.operations import load_bundled

    with app.app_context():
        report = load_bundled()
    assert report.ok, report.errors


@pytest.fixture
def make_user(app):
    from survey.auth.operations import create_user

    def make(role="admin", username=None):
        with app.app_context():
            return create_user(username or role, PASSWORD, role, f"Demo {role}")

    return make


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'type="hidden" name="csrf_token" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def post_form(client, url, data, form_url=None, **kwargs):
    """POST like a browser: fetch the form page first and send its CSRF token back."""
    page = client.get(form_url or url)
    return client.post(url, data={"csrf_token": csrf_token(page.get_data(as_text=True)), **data},
                       **kwargs)


@pytest.fixture
def login(client, make_user):
    def sign_in(role="admin"):
        make_user(role)
        response = post_form(client, "/login", {"username": role, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return sign_in
