"""The JSON API: tokens (shown once, hashed, revocable, expiring), roles, errors, and the OpenAPI
document that must list exactly the API's routes."""
import re
import time
from datetime import UTC, datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from sqlmodel import select

from survey.api.tokens import create_token, hash_token
from survey.db import get_session, transaction
from survey.models import ApiToken, ExportJob
from tests.survey.conftest import post_form


@pytest.fixture
def wave(units, create_export_wave):
    return create_export_wave("API")


def _token(app, user):
    with app.app_context():
        return create_token(user.id, "script")[1]


def _auth(secret):
    return {"Authorization": f"Bearer {secret}"}


def test_openapi_lists_every_api_route_and_nothing_else(app, client):
    document = client.get("/api/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    documented = {(path, method.upper()) for path, ops in document["paths"].items() for method in ops}
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            served |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert documented == served


def test_a_token_is_shown_once_and_stored_hashed(app, login):
    client = login("statistician")
    page = post_form(client, "/api-tokens/", {"name": "R script"})
    assert page.status_code == 200
    secret = BeautifulSoup(page.get_data(as_text=True), "html.parser").find(id="new-token").text
    with app.app_context():
        row = get_session().exec(select(ApiToken)).one()
    assert row.token_hash == hash_token(secret) and secret not in row.token_hash
    again = client.get("/api-tokens/").get_data(as_text=True)
    assert secret not in again and row.prefix in again
    assert client.get("/api/v1/waves", headers=_auth(secret)).status_code == 200


def test_results_and_codebook_by_token(app, make_user, wave):
    secret = _token(app, make_user("statistician"))
    client = app.test_client()
    results = client.get(f"/api/v1/waves/{wave.id}/results?by=commune", headers=_auth(secret))
    assert results.status_code == 200
    rows = results.get_json()["rows"]
    assert rows and {"estimate", "se", "ci_low", "ci_high", "n", "n_eff", "deff"} <= set(rows[0])
    codebook = client.get(f"/api/v1/waves/{wave.id}/codebook", headers=_auth(secret)).get_json()
    assert any(v["name"] == "satisfaction" for v in codebook["variables"])
    csv = client.get(f"/api/v1/waves/{wave.id}/responses.csv?bom=0", headers=_auth(secret))
    assert csv.status_code == 200 and csv.get_data().startswith(b"response_id,")


def test_without_or_with_bad_tokens_the_answer_is_401_json(app, client, make_user, wave):
    user = make_user("statistician")
    assert client.get("/api/v1/waves").status_code == 401
    assert client.get("/api/v1/waves").get_json()["error"]["code"] == "auth.required"
    assert client.get("/api/v1/waves", headers={"Authorization": "Basic abc"}).status_code == 401
    bad = client.get("/api/v1/waves", headers=_auth("lcs_nonsense"))
    assert bad.status_code == 401 and bad.get_json()["error"]["code"] == "token.unknown"
    with app.app_context():
        expired, expired_secret = create_token(user.id, "old")
        revoked, revoked_secret = create_token(user.id, "gone")
        with transaction() as session:
            session.get(ApiToken, expired.id).expires_at = datetime.now(UTC) - timedelta(days=1)
            session.get(ApiToken, revoked.id).revoked_at = datetime.now(UTC)
    for secret, code in ((expired_secret, "token.expired"), (revoked_secret, "token.revoked")):
        response = client.get("/api/v1/waves", headers=_auth(secret))
        assert response.status_code == 401 and response.get_json()["error"]["code"] == code


@pytest.mark.parametrize("role", ["viewer", "clerk", "supervisor"])
def test_other_roles_get_403_json_even_with_a_token(app, make_user, wave, role):
    secret = _token(app, make_user(role))
    response = app.test_client().get("/api/v1/waves", headers=_auth(secret))
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "auth.forbidden"


def test_revoking_on_the_page_stops_the_token(app, login):
    client = login("statistician")
    page = post_form(client, "/api-tokens/", {"name": "to revoke"})
    secret = BeautifulSoup(page.get_data(as_text=True), "html.parser").find(id="new-token").text
    with app.app_context():
        token_id = get_session().exec(select(ApiToken.id)).first()
    response = post_form(client, f"/api-tokens/{token_id}/revoke", {}, form_url="/api-tokens/")
    assert response.status_code == 200
    assert client.get("/api/v1/waves", headers=_auth(secret)).get_json()["error"]["code"] == "token.revoked"


def test_bad_input_gets_clear_json_errors(app, make_user, wave):
    client = app.test_client()
    headers = _auth(_token(app, make_user("admin")))
    missing = client.get("/api/v1/waves/99999/results", headers=headers)
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "http.404"
    by = client.get(f"/api/v1/waves/{wave.id}/results?by=nonsense", headers=headers)
    assert by.status_code == 400 and by.get_json()["error"]["code"] == "request.bad_breakdown"
    flag = client.get(f"/api/v1/waves/{wave.id}/results?include_flagged=maybe", headers=headers)
    assert flag.status_code == 400
    fmt = client.post(f"/api/v1/waves/{wave.id}/exports", json={"format": "exe"}, headers=headers)
    assert fmt.status_code == 400 and fmt.get_json()["error"]["code"] == "request.bad_format"
    option = client.post(f"/api/v1/waves/{wave.id}/exports", json={"format": "sav", "include_flagged": "x"},
                         headers=headers)
    assert option.status_code == 400
    flag_error = flag.get_json()["error"]
    assert flag_error["code"] == "request.bad_flag"
    assert flag_error["problems"][0]["field"] == "include_flagged"
    assert client.get("/api/v1/exports/99999", headers=headers).status_code == 404


@pytest.mark.parametrize("body", ["[1, 2]", '"sav"', "3", "[" * 50_000 + "]" * 50_000],
                         ids=["list", "string", "number", "deep"])
def test_a_post_whose_body_is_not_a_json_object_is_a_400_in_the_one_shape(app, make_user, wave, body):
    headers = {**_auth(_token(app, make_user("statistician"))), "Content-Type": "application/json"}
    response = app.test_client().post(f"/api/v1/waves/{wave.id}/exports", data=body, headers=headers)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "request.not_an_object" and error["message"] and error["problems"] == []


def test_an_export_job_through_the_api(app, make_user, wave, worker):
    client = app.test_client()
    headers = _auth(_token(app, make_user("statistician")))
    started = client.post(f"/api/v1/waves/{wave.id}/exports", json={"format": "parquet"}, headers=headers)
    assert started.status_code == 202
    job = started.get_json()
    not_ready = client.get(f"/api/v1/exports/{job['id']}/file", headers=headers)
    assert not_ready.status_code in (200, 409)
    not_ready.close()
    deadline = time.monotonic() + 90
    while job["status"] not in ("done", "failed") and time.monotonic() < deadline:
        time.sleep(0.5)
        job = client.get(job["status_url"], headers=headers).get_json()
    assert job["status"] == "done"
    download = client.get(job["file_url"], headers=headers)
    assert download.status_code == 200 and download.get_data()[:4] == b"PAR1"
    download.close()
    with app.app_context():
        assert get_session().get(ExportJob, job["id"]).rows_total == 79
