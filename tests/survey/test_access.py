"""Every route declares who may use it, and the declaration holds for every role."""
import re

import pytest

from survey.auth.access import ALL_STAFF
from survey.models.users import ROLES
from tests.survey.conftest import PASSWORD, csrf_token
from tests.survey.test_entry_scope import entry_sample_args
from tests.survey.test_exports import exports_sample_args
from tests.survey.test_results import results_sample_args


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        yield rule, app.view_functions[rule.endpoint]


def test_every_view_declares_its_access(app):
    undeclared = [rule.rule for rule, view in _routes(app) if not hasattr(view, "access")]
    assert undeclared == []


@pytest.fixture
def sample_rows(app, units):
    """Values for the URL parameters of every route: real rows, so allowed roles get 200; and
    how to put a signed-in user in the scope of those rows."""
    from datetime import date

    from survey.service_points import operations
    from survey.units.queries import query_unit

    with app.app_context():
        unit = query_unit("03595", date(2025, 7, 1))
        point = operations.save(operations.ServicePointData(
            "MC-03595", "Bộ phận Một cửa UBND Xã Than Uyên", "one_stop_commune", unit.id,
            None, True, ""))
    entry_args, grant_entry_scope = entry_sample_args(app, unit.id)
    results = results_sample_args(app)
    exports = exports_sample_args(app, results["wave_id"])

    def grant_scope(user):
        """Entry scope, and the sample export job made a statistician's own (they see no other)."""
        from survey.db import transaction
        from survey.models import ExportJob

        grant_entry_scope(user)
        if user.role == "statistician":
            with app.app_context(), transaction() as session:
                session.get(ExportJob, exports["job_id"]).created_by_id = user.id

    return {"unit_id": unit.id, "service_point_id": point.id,
            "questionnaire_id": "tthc-desk", "version": 1, **entry_args, **results,
            **exports}, grant_scope


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
