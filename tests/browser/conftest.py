"""Fixtures for tests in a real browser: the app served on loopback with demo data, and Chromium.

The live server has a database of its own, never the one tests/survey wipes: a SQLite file by
default, or, when SURVEY_TEST_DATABASE_URL names a PostgreSQL database, a sibling database
`<name>_browser` created on the same server. Without Chromium, ChromeDriver or axe-core the tests
are skipped, except under CI=true, where they fail: CI must never skip them silently.
"""
import os
import secrets
import shutil
import tempfile
import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from survey import create_app
from survey.db import make_engine, normalise_url
from survey.demo import seed
from survey.demo.commands import DEMO_PASSWORD
from survey.migrate import upgrade
from tests.browser.helpers import INSTALL_HINT, missing_tools, reset_browser, start_chromium
from worker import start_in_process

DEMO_RESPONSES = 40
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items):
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: runs in headless Chromium (deselect: -m 'not browser')")


@pytest.fixture(scope="session")
def browser_tools():
    """Skip (or, under CI, fail) when the browser or axe-core is not installed."""
    missing = missing_tools()
    if missing:
        reason = f"browser tests need {', '.join(missing)}: {INSTALL_HINT}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)


def _on_server(url, statement):
    """Run CREATE/DROP DATABASE (which refuse a transaction) through `url`'s server."""
    engine = make_engine(url)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(statement))
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def browser_database_url(tmp_path_factory):
    """Give the live server an empty database of its own.

    A SQLite file; or, when SURVEY_TEST_DATABASE_URL names a PostgreSQL database, a sibling
    database `<name>_browser` on that server, dropped again at the end.
    """
    shared = os.environ.get("SURVEY_TEST_DATABASE_URL")
    shared_url = make_url(normalise_url(shared)) if shared else None
    if shared_url is None or shared_url.get_backend_name() != "postgresql":
        yield f"sqlite:///{tmp_path_factory.mktemp('browser-db') / 'survey.db'}"
        return
    url = shared_url.set(database=f"{shared_url.database}_browser")
    name = '"' + url.database.replace('"', '""') + '"'
    drop = f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"
    _on_server(shared, drop)
    _on_server(shared, f"CREATE DATABASE {name}")
    yield url.render_as_string(hide_password=False)
    _on_server(shared, drop)


@pytest.fixture(scope="session")
def live_server(browser_tools, browser_database_url, tmp_path_factory):
    """The real app (strict start-up) with demo data and its background worker (in this process),
    served on 127.0.0.1; yields its base URL."""
    engine = make_engine(browser_database_url)
    upgrade(engine)
    engine.dispose()
    app = create_app({
        "DATABASE_URL": browser_database_url,
        "INSTANCE_PATH": str(tmp_path_factory.mktemp("browser-instance")),
        "SECRET_KEY": secrets.token_hex(32),
    }, strict=True)
    with app.app_context():
        seed.ensure_units()
        seed.ensure_users(DEMO_PASSWORD)
        seed.ensure_service_points()
        seed.ensure_responses(DEMO_RESPONSES)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_BASE_URL"] = base_url
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    worker = start_in_process(app)
    yield base_url
    worker.stop(graceful=True)
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    app.extensions["jobs"].close()
    app.extensions["db_engine"].dispose()


@pytest.fixture
def make_browser(browser_tools):
    """Start Chromium in a fresh profile: make_browser(js=False, width=320, height=640, lang="en").

    Every browser made in a test is closed at its end.
    """
    started = []

    def make(js: bool = True, width: int = 360, height: int = 640, lang: str = "vi"):
        profile = tempfile.mkdtemp(prefix="chromium-profile-")
        try:
            driver = start_chromium(profile, js=js, width=width, height=height, lang=lang)
        except BaseException:
            shutil.rmtree(profile, ignore_errors=True)
            raise
        started.append((driver, profile))
        return driver

    yield make
    for driver, profile in started:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="session")
def shared_browser(browser_tools):
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    driver = start_chromium(profile)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def browser(shared_browser, live_server):
    """Chromium in Vietnamese with JavaScript on and a 360×640 viewport (a common Android phone).

    One Chromium serves every test that asks for this fixture (starting one costs about a
    second); it is reset before each test to the state of a new one. For another language,
    JavaScript off, or a second browser at once, use make_browser.
    """
    reset_browser(shared_browser, live_server)
    return shared_browser
