"""Double entry and the sync API: verification, conflicts, idempotent UUIDs, nothing half-written."""
import json
import uuid
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import func
from sqlmodel import select

from survey.db import get_session
from survey.estimates.dataset import Inclusion, base_frame
from survey.estimates.official import export_frame
from survey.models import Answer, AuditEvent, PaperEntry, Response, Wave
from tests.survey.conftest import PASSWORD, csrf_token

ANSWERS = {"access_channels": "4", "official_polite": "5", "gave_feedback": "no", "sex": "female"}


@pytest.fixture
def setup(app, units, make_user, create_paper_wave, create_batch):
    with app.app_context():
        clerks = make_user("clerk"), make_user("clerk", "clerk2")
        supervisor = make_user("supervisor")
        batch = create_batch(create_paper_wave(), clerk_ids=[c.id for c in clerks], by=supervisor.id)
        from survey.db import transaction
        from survey.models import UserUnit

        with transaction() as session:
            session.add(UserUnit(user_id=supervisor.id, unit_id=batch.unit_id))
    return batch, clerks


def counts(app):
    with app.app_context():
        from survey.db import get_session

        session = get_session()
        return tuple(session.exec(select(func.count()).select_from(t)).one()
                     for t in (Response, Answer, PaperEntry, AuditEvent))


def form(app, number):
    with app.app_context():
        from survey.entry.queries import query_entries
        from survey.responses import query_answers

        response = query_paper_form_any(number)
        return response, query_entries(response.id), query_answers(response.id)


def query_paper_form_any(number):
    from survey.db import get_session

    return get_session().exec(select(Response).where(Response.paper_form_number == number)).first()


def test_matching_entries_by_two_clerks_are_verified(app, setup, create_entry):
    batch, (one, two) = setup
    with app.app_context():
        assert create_entry(batch, one, "0001", ANSWERS).accepted
        assert create_entry(batch, two, "0001", ANSWERS, "second").accepted
    response, entries, answers = form(app, "0001")
    assert response.verification == "verified" and response.channel == "paper"
    assert [e.entry_number for e in entries] == [1, 2]
    assert answers == ANSWERS


def test_a_mismatch_is_a_conflict_that_a_supervisor_resolves_with_an_audit_record(app, client, setup,
                                                                                  create_entry):
    batch, (one, two) = setup
    with app.app_context():
        create_entry(batch, one, "0002", ANSWERS)
        create_entry(batch, two, "0002", {**ANSWERS, "official_polite": "2", "gave_feedback": "yes",
                                   "feedback_handled": "3"}, "second")
    response, entries, answers = form(app, "0002")
    assert response.verification == "conflict"
    assert answers == ANSWERS  # the first entry's values until resolved; nothing overwritten
    token = csrf_token(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"csrf_token": token, "username": "supervisor", "password": PASSWORD})
    page = client.get(f"/entry/forms/{response.id}/resolve")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    # Both values side by side, by their choice labels, never their codes.
    assert "Rất hài lòng" in html and "Không hài lòng" in html
    refused = client.post(f"/entry/forms/{response.id}/resolve", data={
        "csrf_token": csrf_token(html), "pick_official_polite": "__typed__",
        "typed_official_polite": "9", "pick_gave_feedback": "yes", "pick_feedback_handled": "3"})
    assert refused.status_code == 400 and form(app, "0002")[0].verification == "conflict"
    done = client.post(f"/entry/forms/{response.id}/resolve", data={
        "csrf_token": csrf_token(html), "pick_official_polite": "__typed__",
        "typed_official_polite": "4", "pick_gave_feedback": "yes", "pick_feedback_handled": "3"})
    assert done.status_code == 302
    response, entries, answers = form(app, "0002")
    assert response.verification == "verified"
    assert answers == {**ANSWERS, "official_polite": "4", "gave_feedback": "yes", "feedback_handled": "3"}
    with app.app_context():
        from survey.db import get_session

        event = get_session().exec(select(AuditEvent).where(AuditEvent.action == "resolve")).one()
    assert json.loads(event.old_value)["answers"]["official_polite"] == "5"
    assert json.loads(event.new_value)["answers"] == {
        "official_polite": "4", "gave_feedback": "yes", "feedback_handled": "3"}
    audit = client.get("/entry/audit").get_data(as_text=True)
    assert "resolved by supervisor" in audit or "giám sát" in audit
    # Error rates: clerk one differs on 3 of 5 items (polite, gave, handled), clerk two on 1 of 5.
    scores = client.get("/entry/clerks").get_data(as_text=True)
    assert "60,0 %" in scores and "20,0 %" in scores  # Vietnamese decimals


def test_the_same_clerk_cannot_key_both_entries(app, setup, create_entry):
    batch, (one, _two) = setup
    with app.app_context():
        create_entry(batch, one, "0003", ANSWERS)
        before = counts(app)
        again = create_entry(batch, one, "0003", ANSWERS, "second")
    assert again.errors == {"paper_form_number": "entry.same_clerk"}
    assert counts(app) == before


def test_two_first_entries_from_two_devices_become_a_conflict(app, setup, create_entry):
    batch, (one, two) = setup
    with app.app_context():
        create_entry(batch, one, "0004", ANSWERS)
        assert create_entry(batch, two, "0004", ANSWERS, "first").accepted
    response, entries, answers = form(app, "0004")
    assert response.verification == "conflict" and len(entries) == 2 and answers == ANSWERS


def test_a_replayed_uuid_gets_the_same_receipt_and_other_content_is_refused(app, setup, create_entry):
    batch, (one, _two) = setup
    same = str(uuid.uuid4())
    with app.app_context():
        first = create_entry(batch, one, "0005", ANSWERS, uuid=same)
        before = counts(app)
        again = create_entry(batch, one, "0005", ANSWERS, uuid=same)
        other = create_entry(batch, one, "0005", {**ANSWERS, "sex": "male"}, uuid=same)
    assert again.receipt == first.receipt and again.replayed
    assert other.errors == {"uuid": "entry.uuid_reused"}
    assert counts(app) == before


def _signed_in_session(client, username="clerk"):
    page = client.get("/login")
    if page.status_code == 200:
        token = csrf_token(page.get_data(as_text=True))
        client.post("/login", data={"csrf_token": token, "username": username, "password": PASSWORD})
    return client.get("/entry/api/session", headers={"Accept": "application/json"}).json


def _sync(client, forms, username="clerk"):
    session = _signed_in_session(client, username)
    return client.post("/entry/api/sync", json={"forms": forms},
                       headers={"X-CSRFToken": session["csrf_token"]})


def _payload(batch, number, answers, **extra):
    return {"uuid": str(uuid.uuid4()), "batch_id": batch.id, "paper_form_number": number,
            "entry_kind": "first", "questionnaire_id": "sipas", "questionnaire_version": 1,
            "answers": {k: [v] for k, v in answers.items()}, **extra}


def test_sync_answers_each_form_and_writes_nothing_of_a_rejected_one(app, client, setup):
    batch, _ = setup
    good = _payload(batch, "1001", ANSWERS)
    bad_code = _payload(batch, "1002", {**ANSWERS, "official_polite": "7"})
    bad_version = _payload(batch, "1003", ANSWERS, questionnaire_version=99)
    malformed = {"uuid": str(uuid.uuid4()), "answers": "x"}
    response = _sync(client, [good, bad_code, bad_version, malformed])
    assert response.status_code == 200
    results = response.json["results"]
    assert [r["status"] for r in results] == ["accepted", "rejected", "rejected", "rejected"]
    assert results[1]["errors"]["official_polite"]["code"] == "answer.not_a_choice"
    assert results[1]["errors"]["official_polite"]["label"]
    assert results[2]["errors"]["questionnaire"]["code"] == "entry.unknown_version"
    assert results[3]["errors"]["form"]["code"] == "entry.malformed"
    assert counts(app)[:3] == (1, len(ANSWERS), 1)
    session = client.get("/entry/api/session", headers={"Accept": "application/json"}).json
    replay = client.post("/entry/api/sync", json={"forms": [good]},
                         headers={"X-CSRFToken": session["csrf_token"]})
    assert replay.json["results"][0]["receipt"] == results[0]["receipt"]
    assert counts(app)[:3] == (1, len(ANSWERS), 1)


BAD_FORMS = [  # what a device may send, the part named, and the reason given
    ({"keyed_at": "2026-03-01T09:15:00"}, "keyed_at", "entry.bad_keyed_at"),  # no time zone
    ({"keyed_at": "0001-01-01T00:00:00+05:00"}, "keyed_at", "entry.bad_keyed_at"),
    ({"keyed_at": "9999-12-31T23:59:59-05:00"}, "keyed_at", "entry.bad_keyed_at"),
    ({"keyed_at": "2026-13-45T25:00:00Z"}, "keyed_at", "entry.bad_keyed_at"),
    ({"keyed_at": 1767225600}, "keyed_at", "entry.bad_keyed_at"),
    ({"answers": {**{k: [v] for k, v in ANSWERS.items()}, "procedure_name": ["Khai sinh \ud800"]}},
     "procedure_name", "entry.unreadable_text"),
    ({"answers": {**{k: [v] for k, v in ANSWERS.items()}, "procedure_name": ["Khai\x00sinh"]}},
     "procedure_name", "entry.unreadable_text"),
    ({"paper_form_number": "77\ud800"}, "paper_form_number", "entry.unreadable_text"),
    ({"batch_id": 2**63}, "batch", "entry.not_your_batch"),
    ({"batch_id": 2**31}, "batch", "entry.not_your_batch"),
    ({"batch_id": -1}, "batch", "entry.not_your_batch"),
    ({"questionnaire_version": 2**64}, "questionnaire", "entry.unknown_version"),
    ({"batch_id": True}, "form", "entry.malformed"),
]


def test_each_bad_form_is_refused_alone_and_the_forms_around_it_go_through(app, client, setup):
    batch, _ = setup
    bad = [{**_payload(batch, f"22{i:02d}", ANSWERS), **change} for i, (change, _, _) in enumerate(BAD_FORMS)]
    before, after = _payload(batch, "2001", ANSWERS), _payload(batch, "2003", ANSWERS)
    response = _sync(client, [before, *bad, after])
    assert response.status_code == 200
    results = response.json["results"]
    assert [r["uuid"] for r in results] == [f["uuid"] for f in (before, *bad, after)]
    assert [r["status"] for r in results] == ["accepted", *["rejected"] * len(bad), "accepted"]
    for result, (_, part, code) in zip(results[1:-1], BAD_FORMS, strict=True):
        assert list(result["errors"]) == [part] and result["errors"][part]["code"] == code, result
        assert result["errors"][part]["message"]
    assert counts(app)[:3] == (2, 2 * len(ANSWERS), 2)
    # The device sends its queue again: the stored forms get their receipts, nothing twice.
    again = _sync(client, [before, after]).json["results"]
    assert [r["receipt"] for r in again] == [results[0]["receipt"], results[-1]["receipt"]]
    assert counts(app)[:3] == (2, 2 * len(ANSWERS), 2)


def test_the_time_a_form_was_keyed_is_stored_in_utc(app, client, setup):
    batch, _ = setup
    keyed = _payload(batch, "2101", ANSWERS, keyed_at="2026-03-01T16:15:00+07:00")
    assert _sync(client, [keyed]).json["results"][0]["status"] == "accepted"
    with app.app_context():
        from survey.db import get_session

        entry = get_session().exec(select(PaperEntry).where(PaperEntry.uuid == keyed["uuid"])).one()
        assert (entry.keyed_at.year, entry.keyed_at.hour, entry.keyed_at.minute) == (2026, 9, 15)


@pytest.mark.parametrize("body", ['{"forms": ' + "[" * 50_000 + "]" * 50_000 + "}", "[]", '"forms"',
                                  '{"forms": {"uuid": "x"}}'], ids=["deep", "list", "string", "not_a_list"])
def test_a_sync_request_that_is_not_a_list_of_forms_is_a_400_in_the_one_shape(app, client, setup, body):
    session = _signed_in_session(client)
    response = client.post("/entry/api/sync", data=body, content_type="application/json",
                           headers={"X-CSRFToken": session["csrf_token"]})
    assert response.status_code == 400
    error = response.json["error"]
    assert error["code"] in ("request.not_an_object", "sync.malformed") and error["message"]
    assert "%(" not in error["message"] and error["problems"] == []


def test_sync_needs_the_csrf_token(app, client, setup):
    token = csrf_token(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"csrf_token": token, "username": "clerk", "password": PASSWORD})
    response = client.post("/entry/api/sync", json={"forms": []})
    assert response.status_code == 400 and response.json["error"]["code"] == "sync.stale_token"


def test_the_form_number_check_tells_first_or_second_without_values(app, client, setup, create_entry):
    batch, (one, _two) = setup
    with app.app_context():
        create_entry(batch, one, "0006", ANSWERS)
    token = csrf_token(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"csrf_token": token, "username": "clerk2", "password": PASSWORD})
    url = f"/entry/batches/{batch.id}/form-number?number="
    assert client.get(url + "0006").json["state"] == "second"
    assert client.get(url + "0099").json["state"] == "first"
    assert "female" not in client.get(url + "0006").get_data(as_text=True)


def test_the_page_without_script_posts_and_shows_errors(app, client, setup):
    batch, _ = setup
    token = csrf_token(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"csrf_token": token, "username": "clerk", "password": PASSWORD})
    page = client.get(f"/entry/batches/{batch.id}/key").get_data(as_text=True)
    device_id = page.split('id="uuid" name="uuid" type="hidden" value="')[1].split('"')[0]
    data = {"csrf_token": csrf_token(page), "uuid": device_id, "entry_kind": "first",
            "paper_form_number": "", "q_official_polite": "9"}
    refused = client.post(f"/entry/batches/{batch.id}/key", data=data)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and 'class="error-summary"' in html
    assert 'href="#paper_form_number"' in html and 'href="#q_official_polite"' in html
    assert counts(app)[0] == 0
    saved = client.post(f"/entry/batches/{batch.id}/key",
                        data={**data, "paper_form_number": "2001", "q_official_polite": "5"})
    assert saved.status_code == 302
    # A double click sends the same page twice: the same UUID, one form.
    client.post(f"/entry/batches/{batch.id}/key",
                data={**data, "paper_form_number": "2001", "q_official_polite": "5"})
    assert counts(app)[:3] == (1, 1, 1)


def test_the_skip_logic_shipped_to_the_page_matches_the_server(app):
    from survey.entry.logic import page_logic

    with app.app_context():
        from survey.startup import registry

        logic = page_logic(registry().get("sipas", 1))
    trees = {item["id"]: item["relevant"] for item in logic["items"]}
    assert trees["feedback_handled"] == ["==", "gave_feedback", "yes"]
    assert trees["harassment_detail"] == ["in", "harassment", ["some", "many"]]
    assert trees["priorities_other"] == ["selected", "priorities", "other"]
    assert trees["access_channels"] is None


def test_the_demo_adds_verified_conflicting_and_single_forms(app, units):
    from survey.demo.commands import DEMO_PASSWORD
    from survey.demo.entry import ensure_entry_demo
    from survey.demo.seed import ensure_users

    with app.app_context():
        ensure_users(DEMO_PASSWORD)
        assert "batch" in ensure_entry_demo()
        assert ensure_entry_demo() == "Paper entry: already there."
        from survey.db import get_session

        states = sorted(get_session().exec(select(Response.verification)).all())
    assert states == ["conflict", "unverified", "verified"]


# The interview date written on the paper form: stored, exported, and used by the trend.
def test_sync_stores_the_interview_date_and_refuses_impossible_ones(app, client, setup):
    batch, _ = setup
    dated = _payload(batch, "2001", ANSWERS, interview_date="2025-09-03")
    undated = _payload(batch, "2002", ANSWERS)
    bad = _payload(batch, "2003", ANSWERS, interview_date="2025-13-01")
    future = _payload(batch, "2004", ANSWERS, interview_date="2099-01-01")
    not_text = _payload(batch, "2005", ANSWERS, interview_date=20250903)
    results = _sync(client, [dated, undated, bad, future, not_text]).json["results"]
    assert [r["status"] for r in results] == ["accepted", "accepted", "rejected", "rejected", "rejected"]
    for refused in results[2:4]:
        assert refused["errors"]["interview_date"]["code"] == "entry.bad_interview_date"
        assert refused["errors"]["interview_date"]["label"]
    assert results[4]["errors"]["form"]["code"] == "entry.malformed"
    with app.app_context():
        session = get_session()
        stored = {r.paper_form_number: r.interview_date for r in session.exec(select(Response)).all()}
        assert stored == {"2001": date(2025, 9, 3), "2002": None}
        wave = session.get(Wave, batch.wave_id)
        frame = base_frame(session, wave, Inclusion(include_unverified=True))
        months = dict(zip(frame["response_id"], frame["month"], strict=True))
        by_number = {r.paper_form_number: r.id for r in session.exec(select(Response)).all()}
        # Keyed today, interviewed in September 2025: the trend counts it in 2025-09.
        assert months[by_number["2001"]] == "2025-09"
        assert months[by_number["2002"]] != "2025-09"
        exported = export_frame(session, wave, Inclusion(include_unverified=True)).set_index("response_id")
        assert exported.loc[by_number["2001"], "interview_date"] == "2025-09-03"
        assert pd.isna(exported.loc[by_number["2002"], "interview_date"])


def test_a_second_entry_fills_a_missing_interview_date(app, setup, create_entry):
    from survey.entry import operations

    batch, (one, two) = setup
    with app.app_context():
        assert create_entry(batch, one, "0007", ANSWERS).accepted
        second = operations.KeyedForm("6f1c2b9e-8d7a-4c3b-9e2f-1a2b3c4d5e6f", batch.id, "0007", "second",
                                      batch.questionnaire_id, batch.questionnaire_version,
                                      {k: [v] for k, v in ANSWERS.items()}, interview_date="2025-08-30")
        assert operations.accept(second, two).accepted
        response = get_session().exec(
            select(Response).where(Response.paper_form_number == "0007")).one()
        assert response.interview_date == date(2025, 8, 30) and response.verification == "verified"


def test_the_keying_page_shows_the_interview_date_field_and_its_error(app, client, setup):
    batch, _ = setup
    _sync(client, [])
    page = client.get(f"/entry/batches/{batch.id}/key")
    assert 'name="interview_date"' in page.get_data(as_text=True)
    html = page.get_data(as_text=True)
    token = html.split('name="csrf_token" value="')[1].split('"')[0]
    device = html.split('name="uuid" type="hidden" value="')[1].split('"')[0]
    data = {"csrf_token": token, "uuid": device, "paper_form_number": "3001", "entry_kind": "first",
            "interview_date": "31/02/2025", **{f"q_{k}": v for k, v in ANSWERS.items()}}
    refused = client.post(f"/entry/batches/{batch.id}/key", data=data)
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert 'id="interview_date-error"' in html
