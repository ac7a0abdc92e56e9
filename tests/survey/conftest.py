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


# --- factories -------------------------------------------------------------------------------
# Each works inside or outside an app context and builds through the app's own operations;
# responses go through the response store (survey.responses) like every channel's.

@pytest.fixture
def create_service_point(app):
    """The one-stop desk `code` in commune `unit_code`, made once and found after that."""
    from datetime import date

    from sqlmodel import select

    from survey.db import get_session
    from survey.models import ServicePoint
    from survey.service_points import operations
    from survey.units.queries import query_unit

    def create(code, unit_code="03595", hours=""):
        with app.app_context():
            found = get_session().exec(select(ServicePoint).where(ServicePoint.code == code)).first()
            if found is not None:
                return found
            unit = query_unit(unit_code, date(2025, 9, 1))
            return operations.save(operations.ServicePointData(
                code, f"Một cửa {unit.name}", "one_stop_commune", unit.id, None, True, hours))

    return create


@pytest.fixture
def desk(units, create_service_point):
    """The one-stop desk MC-03595, open around the clock (no rating is flagged for the hour)."""
    return create_service_point("MC-03595", hours="mon-sun 00:00-24:00")


@pytest.fixture
def create_response(app):
    """A submitted response with `answers` (item id → submitted strings) checked and stored."""
    from survey.questionnaires import check_answers
    from survey.responses import record_response
    from survey.startup import registry

    def create(answers, questionnaire="tthc-desk", channel="qr", **columns):
        with app.app_context():
            definition = registry().get(questionnaire)
            return record_response(definition, check_answers(definition, answers), channel=channel,
                                   **columns)

    return create


DESK_COMMUNES = ("03595", "03388", "03390")


@pytest.fixture
def create_desk_wave(app):
    """A tthc-desk wave (Aug–Oct 2025, QR and paper) stratified by commune with census sizes."""
    from datetime import date

    from survey.waves import operations

    def create(code, name="Đợt đánh giá một cửa 2025"):
        with app.app_context():
            wave = operations.save_wave(operations.WaveData(
                code, name, "tthc-desk", date(2025, 8, 1), date(2025, 10, 31), "both", False), None, None)
            operations.save_design(wave, operations.DesignData("commune", "none", "none", None, None))
            operations.census_frame(wave)
            return wave

    return create


@pytest.fixture
def create_results_wave(app, create_desk_wave, create_service_point, create_response):
    """A published desk wave with `responses` QR ratings spread over three communes' desks."""
    from datetime import UTC, datetime

    from survey.waves import operations

    def create(code="RESULTS", published=True, public=False, responses=90, communes=DESK_COMMUNES):
        wave = create_desk_wave(code)
        with app.app_context():
            operations.set_published(wave, published, public)
        points = [create_service_point(f"R-{commune}", commune) for commune in communes]
        for n in range(responses):
            point = points[n % len(points)]
            rating = "1" if n % 11 == 0 else "3" if n % 2 else "2"
            create_response({"satisfaction": [rating]}, unit_id=point.unit_id,
                            service_point_id=point.id,
                            submitted_at=datetime(2025, 8 + n % 3, 2 + n % 20, 3, tzinfo=UTC))
        return wave

    return create


@pytest.fixture
def create_export_wave(create_desk_wave, create_service_point, create_response):
    """A desk wave with `qr` QR ratings and `paper` paper forms (verified or keyed once)."""
    from datetime import UTC, datetime

    def create(code="EXPORT", qr=60, paper=24):
        wave = create_desk_wave(code, name="Đợt khảo sát xuất dữ liệu")
        points = [create_service_point(f"X-{commune}", commune) for commune in DESK_COMMUNES]
        for n in range(qr + paper):
            point = points[n % 3]
            rating = "1" if n % 7 == 0 else "3" if n % 2 else "2"
            answers = {"satisfaction": [rating], "waiting_time": ["lt15"] if n % 4 else []}
            if rating == "1":
                answers["reason_dissatisfied"] = ["Chờ lâu, \"quá\" đông; không rõ\nhướng dẫn"]
            paper_form = n >= qr
            create_response(
                answers, channel="paper" if paper_form else "qr", unit_id=point.unit_id,
                service_point_id=None if paper_form else point.id,
                submitted_at=datetime(2025, 8 + n % 3, 2 + n % 20, 3, tzinfo=UTC),
                paper_form_number=f"G-{n}" if paper_form else None,
                wave_id=wave.id if paper_form else None,
                verification=("unverified" if n % 6 == 0 else "verified") if paper_form else None,
                flags=("burst",) if n == 5 else ())
        return wave

    return create


@pytest.fixture
def create_paper_wave(app):
    """A paper-only wave of 2025 for `questionnaire` (id, version)."""
    from datetime import date

    from survey.db import transaction
    from survey.models import Wave

    def create(code="SIPAS-T", questionnaire=("sipas", 1)):
        with app.app_context(), transaction() as session:
            wave = Wave(code=code, name=f"Wave {code}", questionnaire_id=questionnaire[0],
                        questionnaire_version=questionnaire[1], period_start=date(2025, 1, 1),
                        period_end=date(2025, 12, 31), mode="paper")
            session.add(wave)
        return wave

    return create


@pytest.fixture
def create_batch(app):
    """A paper-entry batch of `wave` in commune `unit_code`, made by user id `by`."""
    from datetime import date

    from survey.entry import operations
    from survey.units.queries import query_unit

    def create(wave, unit_code="03595", clerk_ids=(), form_count=10, by=None):
        with app.app_context():
            unit = query_unit(unit_code, date(2025, 7, 1))
            return operations.save_batch(operations.BatchData(
                wave.id, unit.id, None, "Lò Văn Minh", form_count, tuple(clerk_ids)), by)

    return create


@pytest.fixture
def create_entry(app):
    """One keyed entry of paper form `number` by `clerk`: the outcome of accepting it."""
    import uuid as uuid_lib

    from survey.entry import operations

    def create(batch, clerk, number, answers, kind="first", uuid=None):
        with app.app_context():
            return operations.accept(operations.KeyedForm(
                uuid or str(uuid_lib.uuid4()), batch.id, number, kind, batch.questionnaire_id,
                batch.questionnaire_version, {k: [v] for k, v in answers.items()}), clerk)

    return create
