"""Paper entry by role and scope: clerks key only their batches, supervisors see only their units."""
import json
from datetime import date

from survey.models import BatchClerk, UserUnit
from tests.survey.conftest import PASSWORD, csrf_token


def make_wave(code="SIPAS-T", questionnaire=("sipas", 1)):
    from survey.db import transaction
    from survey.models import Wave

    with transaction() as session:
        wave = Wave(code=code, name=f"Wave {code}", questionnaire_id=questionnaire[0],
                    questionnaire_version=questionnaire[1], period_start=date(2025, 1, 1),
                    period_end=date(2025, 12, 31), mode="paper")
        session.add(wave)
    return wave


def make_batch(wave, unit_code="03595", clerk_ids=(), form_count=10, by=None):
    from survey.entry import operations
    from survey.units.queries import query_unit

    unit = query_unit(unit_code, date(2025, 7, 1))
    return operations.save_batch(operations.BatchData(
        wave.id, unit.id, None, "Lò Văn Minh", form_count, tuple(clerk_ids)), by)


def key(batch, clerk, number, answers, kind="first", uuid=None):
    import uuid as uuid_lib

    from survey.entry import operations

    return operations.accept(operations.KeyedForm(
        uuid or str(uuid_lib.uuid4()), batch.id, number, kind, batch.questionnaire_id,
        batch.questionnaire_version, {k: [v] for k, v in answers.items()}), clerk)


def entry_sample_args(app, unit_id):
    """A batch with a form in conflict, and how to put a supervisor or clerk in its scope.

    Returns (URL values, grant): the access test calls grant(user) for the user it signs in.
    """
    from survey.auth.operations import create_user
    from survey.db import transaction

    with app.app_context():
        one = create_user("sample-clerk-1", PASSWORD, "clerk")
        two = create_user("sample-clerk-2", PASSWORD, "clerk")
        batch = make_batch(make_wave("SAMPLE"), clerk_ids=(one.id, two.id))
        key(batch, one, "S1", {"access_channels": "4"})
        key(batch, two, "S1", {"access_channels": "2"}, "second")
    with app.app_context():
        from survey.entry.queries import query_paper_form

        response_id = query_paper_form(batch.id, "S1").id

    def grant(user):
        with app.app_context(), transaction() as session:
            if user.role == "supervisor":
                session.add(UserUnit(user_id=user.id, unit_id=unit_id))
            elif user.role == "clerk":
                session.add(BatchClerk(batch_id=batch.id, user_id=user.id))

    return {"batch_id": batch.id, "response_id": response_id}, grant


def _sign_in(client, username):
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"csrf_token": token, "username": username,
                                           "password": PASSWORD})
    assert response.status_code == 302


def test_clerks_and_supervisors_see_only_their_batches(app, client, units, make_user):
    with app.app_context():
        from survey.units.queries import query_unit

        clerk, other = make_user("clerk"), make_user("clerk", "other-clerk")
        supervisor = make_user("supervisor")
        wave = make_wave()
        mine = make_batch(wave, clerk_ids=(clerk.id,))
        theirs = make_batch(wave, unit_code="03637", clerk_ids=(other.id,))
        from survey.db import transaction

        with transaction() as session:
            session.add(UserUnit(user_id=supervisor.id,
                                 unit_id=query_unit("03595", date(2025, 7, 1)).id))
        key(theirs, other, "T1", {"access_channels": "4"})
        from survey.entry.queries import query_paper_form

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
