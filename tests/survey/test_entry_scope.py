"""Paper entry by role and scope: clerks key only their batches, supervisors see only their units."""
import json
from datetime import date

from survey.models import UserUnit
from tests.survey.conftest import PASSWORD, csrf_token


def _sign_in(client, username):
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"csrf_token": token, "username": username,
                                           "password": PASSWORD})
    assert response.status_code == 302


def test_clerks_and_supervisors_see_only_their_batches(app, client, units, make_user, create_paper_wave,
                                                      create_batch, create_entry):
    with app.app_context():
        from survey.units.queries import query_unit

        clerk, other = make_user("clerk"), make_user("clerk", "other-clerk")
        supervisor = make_user("supervisor")
        wave = create_paper_wave()
        mine = create_batch(wave, clerk_ids=(clerk.id,))
        theirs = create_batch(wave, unit_code="03637", clerk_ids=(other.id,))
        from survey.db import transaction

        with transaction() as session:
            session.add(UserUnit(user_id=supervisor.id,
                                 unit_id=query_unit("03595", date(2025, 7, 1)).id))
        create_entry(theirs, other, "T1", {"access_channels": "4"})
        from survey.responses import query_paper_form

        foreign_form = query_paper_form(theirs.id, "T1").id
    _sign_in(client, "clerk")
    assert client.get(f"/entry/batches/{mine.id}/key").status_code == 200
    assert client.get(f"/entry/batches/{theirs.id}/key").status_code == 404
    assert client.get(f"/entry/batches/{theirs.id}/form-number?number=T1").status_code == 404
    listing = client.get("/entry/").get_data(as_text=True)
    assert f"/entry/batches/{mine.id}/key" in listing and f"/entry/batches/{theirs.id}/key" not in listing
    assert client.get(f"/entry/batches/{mine.id}").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(listing)})
    _sign_in(client, "supervisor")
    assert client.get(f"/entry/batches/{mine.id}").status_code == 200
    assert client.get(f"/entry/batches/{theirs.id}").status_code == 404
    assert client.get(f"/entry/batches/{theirs.id}/edit").status_code == 404
    assert client.get(f"/entry/forms/{foreign_form}/resolve").status_code == 404
    assert client.get(f"/entry/batches/{mine.id}/key").status_code == 403
    batches = client.get("/entry/batches").get_data(as_text=True)
    assert f"/entry/batches/{mine.id}\"" in batches and f"/entry/batches/{theirs.id}\"" not in batches
    audit = client.get("/entry/audit").get_data(as_text=True)
    assert "T1" not in audit


def test_sync_answers_json_for_expired_sessions_and_wrong_roles(app, client, make_user):
    anonymous = client.post("/entry/api/sync", json={"forms": []})
    assert anonymous.status_code == 401 and anonymous.json["error"]["code"] == "auth.session_expired"
    assert client.get("/entry/api/session", headers={"Accept": "application/json"}).status_code == 401
    # A browser (not the script) asking is sent to sign in, like every other page.
    assert client.get("/entry/api/session").status_code == 302
    make_user("viewer")
    _sign_in(client, "viewer")
    refused = client.post("/entry/api/sync", json={"forms": []})
    assert refused.status_code == 403 and refused.json["error"]["code"] == "auth.forbidden"


def test_the_manifest_and_service_worker_are_served_under_entry(client):
    manifest = client.get("/entry/manifest.webmanifest")
    assert manifest.status_code == 200
    assert json.loads(manifest.get_data(as_text=True))["scope"] == "/entry/"
    worker = client.get("/entry/sw.js")
    assert worker.status_code == 200 and worker.mimetype == "text/javascript"
    assert "no-cache" in worker.headers["Cache-Control"]
