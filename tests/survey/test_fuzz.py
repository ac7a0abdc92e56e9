"""Property-based fuzzing (issue 14): no input makes any page answer 5xx.

Hypothesis sends hostile values — control characters, NUL, huge numbers, very long text, odd
Unicode, random bytes as files, random JSON — to every staff form (found by walking the URL map
for POST routes and reading each form page's fields), the citizen pages, `/api/v1` and
`/entry/api/sync`. Examples are few and unhurried (no deadline) so the file runs in well under a
minute on each database; every run draws new ones.
"""
import json
import uuid
from datetime import date

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from survey.api.tokens import create_token
from survey.db import transaction
from survey.entry import operations as entry_operations
from survey.models import Wave
from survey.service_points import operations as sp_operations
from survey.units.queries import query_unit
from tests.survey.conftest import PASSWORD, csrf_token, post_form

FUZZ = settings(max_examples=6, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
NASTY = ["\x00", "a\x00b", "\x07\x1b[2J", "\ufeff", "\u200b", "9" * 30, str(2**63), str(-2**63 - 1),
         "-1", "0", "1e309", "NaN", "0000-01", "9999-99", "x" * 3000, "=1+1", "\r\n", "/\\evil",
         "../../etc/passwd", "<script>alert(1)</script>", "ＭＣ－０３５９５", "٣", "²", " ", ""]
TEXT = st.one_of(st.sampled_from(NASTY),
                 st.text(st.characters(exclude_categories=("Cs",)), max_size=40))
# Not allowed as JSON text in the fuzz: a lone surrogate cannot be sent as UTF-8 at all.
JSON_SCALAR = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), TEXT)
JSON = st.recursive(JSON_SCALAR, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)), max_leaves=12)
SKIPPED_POSTS = {"auth.logout"}  # it would only sign the fuzzing user out


@pytest.fixture
def world(app, units, make_user):
    """A service point, a wave with a paper batch, and a signed-in client per role."""
    users = {role: make_user(role) for role in ("admin", "statistician", "clerk", "supervisor")}
    with app.app_context():
        unit = query_unit("03595", date(2025, 7, 1))
        point = sp_operations.save(sp_operations.ServicePointData(
            "MC-03595", "Một cửa Than Uyên", "one_stop_commune", unit.id, None, True,
            "mon-sun 00:00-24:00"))
        with transaction() as session:
            wave = Wave(code="FUZZ", name="Fuzz", questionnaire_id="sipas", questionnaire_version=1,
                        period_start=date(2025, 1, 1), period_end=date(2025, 12, 31), mode="paper")
            session.add(wave)
        batch = entry_operations.save_batch(entry_operations.BatchData(
            wave.id, unit.id, None, "Lò Văn Minh", 10, (users["clerk"].id,)), users["admin"].id)
        token_row, token = create_token(users["admin"].id, "fuzz")
    clients = {}
    for role in users:
        clients[role] = app.test_client()
        post_form(clients[role], "/login", {"username": role, "password": PASSWORD})
    ids = {"wave_id": wave.id, "service_point_id": point.id, "unit_id": unit.id,
           "batch_id": batch.id, "response_id": 1, "token_id": token_row.id, "job_id": 1,
           "questionnaire_id": "sipas", "version": 1, "code": "MC-03595", "page": 0,
           "response_uuid": str(uuid.uuid4())}
    return {"clients": clients, "ids": ids, "token": token, "batch": batch}


def _role_for(view) -> str:
    roles = getattr(view, "access", ())
    return next((r for r in ("admin", "statistician", "supervisor", "clerk") if r in roles), "admin")


def _fields(client, path) -> tuple[dict[str, str], str]:
    """Field names of the form posting to `path` ("text" or "file"), and a CSRF token."""
    page = client.get(path)
    html = page.get_data(as_text=True)
    page.close()
    soup = BeautifulSoup(html, "html.parser")
    fields = {}
    for form in soup.select("form[method=post], form[method=POST]"):
        if form.get("action") not in (None, "", path):
            continue
        for element in form.select("input[name], select[name], textarea[name], button[name]"):
            if element["name"] != "csrf_token":
                fields[element["name"]] = "file" if element.get("type") == "file" else "text"
    return fields, csrf_token(html) if "csrf_token" in html else ""


def _staff_forms(app, world):
    """(rule, path, role, fields, token) for every POST route but sign-out."""
    found = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint in SKIPPED_POSTS or rule.rule.startswith(
                ("/api/", "/entry/api/", "/q/")):
            continue
        path = rule.build({name: world["ids"][name] for name in rule.arguments},
                          append_unknown=False)[1]
        role = _role_for(app.view_functions[rule.endpoint])
        client = world["clients"][role]
        fields, token = _fields(client, path) if "GET" in rule.methods else ({}, "")
        if not token:
            token = csrf_token(client.get("/").get_data(as_text=True))
        found.append((rule.endpoint, path, role, fields or {"submit": "text"}, token))
    return found


def _assert_no_5xx(response, what):
    status = response.status_code
    response.close()
    assert status < 500, f"{what} answered {status}"


def test_every_staff_form_survives_hostile_input(app, world):
    forms = _staff_forms(app, world)
    assert len(forms) >= 15  # the walk found the forms

    @FUZZ
    @given(st.data())
    def run(data):
        for endpoint, path, role, fields, token in forms:
            values = {"csrf_token": token}
            for name, kind in fields.items():
                if data.draw(st.booleans(), label=f"{endpoint}.{name} sent"):
                    values[name] = ((data.draw(st.binary(max_size=200)), "fuzz.csv") if kind == "file"
                                    else data.draw(TEXT, label=f"{endpoint}.{name}"))
            response = world["clients"][role].post(path, data=values,
                                                   content_type="multipart/form-data")
            _assert_no_5xx(response, f"POST {path} as {role} with {values!r}")

    run()


def test_sign_in_citizen_pages_api_and_sync_bodies_survive_hostile_input(app, world):
    """One app for four channels: each example sends one hostile request to each."""
    anonymous, citizen, api = app.test_client(), app.test_client(), app.test_client()
    login_token = csrf_token(anonymous.get("/login").get_data(as_text=True))
    fields, _ = _fields(citizen, "/q/MC-03595")
    bearer = {"Authorization": f"Bearer {world['token']}"}
    wave_id = world["ids"]["wave_id"]
    api_gets = [f"/api/v1/waves/{wave_id}/results", f"/api/v1/waves/{wave_id}/codebook",
                f"/api/v1/waves/{wave_id}/responses.csv", "/api/v1/waves", "/api/v1/exports/1",
                "/api/v1/exports/1/file", "/api/openapi.json"]
    api_args = ["by", "include_flagged", "include_unverified", "bom", "lang", "format"]
    path_part = TEXT.filter(lambda t: "/" not in t and t)

    def sign_in(data):
        values = {"username": data.draw(TEXT), "password": data.draw(TEXT)}
        next_page = data.draw(TEXT, label="next")
        response = anonymous.post("/login", query_string={"next": next_page},
                                  data={"csrf_token": login_token, **values})
        _assert_no_5xx(response, f"login {values!r} next={next_page!r}")

    def citizen_pages(data):
        code = data.draw(st.one_of(st.just("MC-03595"), path_part), label="code")
        query = data.draw(st.dictionaries(st.sampled_from(["lang", "hs", "x"]), TEXT, max_size=2))
        _assert_no_5xx(citizen.get(f"/q/{code}", query_string=query), f"GET /q/{code!r} {query!r}")
        page = citizen.get("/q/MC-03595").get_data(as_text=True)
        form = BeautifulSoup(page, "html.parser").select_one("main form")
        hidden = {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]")}
        answers = {name: data.draw(TEXT, label=name) for name in fields
                   if name not in hidden and data.draw(st.booleans())}
        number = data.draw(st.sampled_from([0, 1, 5, 2**62]), label="page")
        action = form["action"].rsplit("/", 1)[0] + f"/{number}"
        _assert_no_5xx(citizen.post(action, data={**hidden, **answers}), f"POST {action} {answers!r}")
        response_id = data.draw(st.one_of(st.just(str(uuid.uuid4())), path_part), label="response")
        _assert_no_5xx(citizen.get(f"/q/MC-03595/{response_id}/thanks"), "thanks")

    def api_v1(data):
        for path in api_gets:
            query = data.draw(st.dictionaries(st.sampled_from(api_args), TEXT, max_size=3))
            _assert_no_5xx(api.get(path, query_string=query, headers=bearer), f"GET {path} {query!r}")
        # A body that is not an object (a list, a string) is issue 14 item 10, answered in the
        # API's error shape by another change; objects of any content are fuzzed here.
        body = data.draw(st.dictionaries(st.sampled_from(
            ["format", "include_flagged", "include_unverified", "x"]), JSON, max_size=4))
        response = api.post(f"/api/v1/waves/{wave_id}/exports", json=body, headers=bearer)
        _assert_no_5xx(response, f"POST exports {body!r}")
        header = data.draw(TEXT.filter(lambda t: t.isprintable() and t.isascii()), label="auth")
        _assert_no_5xx(api.get("/api/v1/waves", headers={"Authorization": header}), f"auth {header!r}")

    def sync_body(data):
        body = data.draw(st.one_of(JSON.map(json.dumps),
                                   st.binary(max_size=100).map(lambda b: b.decode("latin-1"))))
        _assert_no_5xx(_sync(world["clients"]["clerk"], body), f"sync body {body!r}")

    @FUZZ
    @given(st.data())
    def run(data):
        for channel in (sign_in, citizen_pages, api_v1, sync_body):
            channel(data)

    run()


def _sync(client, body):
    token = client.get("/entry/api/session", headers={"Accept": "application/json"}).json["csrf_token"]
    return client.post("/entry/api/sync", data=body, content_type="application/json",
                       headers={"X-CSRFToken": token})


def _form_payload(batch, values):
    payload = {"uuid": str(uuid.uuid4()), "batch_id": batch.id, "paper_form_number": "17",
               "entry_kind": "first", "questionnaire_id": "sipas", "questionnaire_version": 1,
               "answers": {"official_polite": ["5"]}}
    payload.update(values)
    return payload


# The sync endpoint once answered 500 to a timestamp without a zone or a huge batch id (issue 14,
# item 8): each form is now read on its own (survey/entry/sync.py).
def test_sync_survives_hostile_forms(app, world):
    clerk = world["clients"]["clerk"]
    keys = ["uuid", "batch_id", "paper_form_number", "entry_kind", "questionnaire_id",
            "questionnaire_version", "answers", "keyed_at"]

    @FUZZ
    @given(st.dictionaries(st.sampled_from(keys), JSON, max_size=3))
    @example({"keyed_at": "2025-01-01T00:00:00"})  # no time zone: 500 before item 8's fix
    @example({"batch_id": 2**70})  # beyond 64 bits: 500 before item 8's fix
    def run(changes):
        body = json.dumps({"forms": [_form_payload(world["batch"], changes)]})
        _assert_no_5xx(_sync(clerk, body), f"sync {changes!r}")

    run()
