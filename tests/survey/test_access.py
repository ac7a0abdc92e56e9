"""Every route declares who may use it, and the declaration holds for every role."""
import re

import pytest

from survey.auth.access import ALL_STAFF
from survey.models.users import ROLES
from tests.survey.conftest import PASSWORD, csrf_token


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        yield rule, app.view_functions[rule.endpoint]


def test_every_view_declares_its_access(app):
    undeclared = [rule.rule for rule, view in _routes(app) if not hasattr(view, "access")]
    assert undeclared == []


@pytest.fixture
def sample_rows(app, units, create_service_point, create_results_wave, create_paper_wave,
                create_batch, create_entry, make_user):
    """Values for the URL parameters of every route: real rows, so allowed roles get 200; and
    how to put a signed-in user in the scope of those rows."""
    from survey.api.tokens import create_token
    from survey.db import transaction
    from survey.exports.operations import export_dir
    from survey.models import BatchClerk, ExportJob, UserUnit
    from survey.responses import query_paper_form

    point = create_service_point("MC-03595")
    wave = create_results_wave("SAMPLE-RESULTS", responses=12)
    # A paper form in conflict, keyed by two clerks.
    one, two = make_user("clerk", "sample-clerk-1"), make_user("clerk", "sample-clerk-2")
    batch = create_batch(create_paper_wave("SAMPLE"), clerk_ids=(one.id, two.id))
    create_entry(batch, one, "S1", {"access_channels": "4"})
    create_entry(batch, two, "S1", {"access_channels": "2"}, "second")
    # A finished export job with its file, and an API token.
    statistician = make_user("statistician", "export-sample")
    with app.app_context():
        with transaction() as session:
            job = ExportJob(wave_id=wave.id, format="parquet", status="done", rows_done=0, rows_total=0,
                            file_name="sample.parquet", created_by_id=statistician.id)
            session.add(job)
        (export_dir() / "sample.parquet").write_bytes(b"PAR1")
        token, _secret = create_token(statistician.id, "sample")
        response_id = query_paper_form(batch.id, "S1").id

    def grant_scope(user):
        with app.app_context(), transaction() as session:
            if user.role == "supervisor":
                session.add(UserUnit(user_id=user.id, unit_id=point.unit_id))
            elif user.role == "clerk":
                session.add(BatchClerk(batch_id=batch.id, user_id=user.id))
            elif user.role == "statistician":  # a statistician sees only their own export jobs
                session.get(ExportJob, job.id).created_by_id = user.id

    return {"unit_id": point.unit_id, "service_point_id": point.id, "questionnaire_id": "tthc-desk",
            "version": 1, "batch_id": batch.id, "response_id": response_id, "wave_id": wave.id,
            "name": "units", "fmt": "svg", "job_id": job.id, "token_id": token.id}, grant_scope


@pytest.fixture
def sample_args(sample_rows):
    return sample_rows[0]


def _url(rule, args):
    missing = rule.arguments - args.keys()
    assert not missing, f"add a sample value for {missing} in {rule.rule}"
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(args[m.group(1)]), rule.rule)


def test_anonymous_users_are_sent_to_sign_in(app, client, sample_args):
    token = csrf_token(client.get("/login").get_data(as_text=True))
    for rule, view in _routes(app):
        if view.access == "public":
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(_url(rule, sample_args), method=method,
                                   data={"csrf_token": token} if method == "POST" else None)
            if getattr(view, "token_auth", False):  # the JSON API answers 401, it has no sign-in page
                assert response.status_code == 401 and response.is_json, (method, rule.rule)
                continue
            assert response.status_code == 302, (method, rule.rule)
            assert response.location.startswith("/login"), (method, rule.rule)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_what_is_declared(app, client, make_user, sample_rows, role):
    sample_args, grant_scope = sample_rows
    grant_scope(make_user(role))
    token = csrf_token(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"csrf_token": token, "username": role, "password": PASSWORD})
    for rule, view in _routes(app):
        if view.access == "public" or rule.endpoint == "auth.logout":
            continue
        allowed = role in view.access
        url = _url(rule, sample_args)
        if "GET" in rule.methods:
            status = client.get(url).status_code
            assert (status == 200) if allowed else (status == 403), (role, rule.rule, status)
        elif not allowed:
            status = client.post(url, data={"csrf_token": token}).status_code
            assert status == 403, (role, rule.rule, status)


def test_all_staff_roles_are_roles():
    assert set(ALL_STAFF) == set(ROLES)
