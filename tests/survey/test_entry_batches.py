"""Paper entry as a newcomer meets it: numbers per batch, two clerks per batch, resolving by
label, an audit trail in words and local time (issue 16 items 4-6, issue 14 item 15)."""
import re
from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from survey.models import AuditEvent, PaperEntry, UserUnit
from tests.survey.conftest import PASSWORD, csrf_token, post_form

ANSWERS = {"access_channels": "4", "official_polite": "5", "gave_feedback": "no", "sex": "female"}


def sign_in(app, username):
    """A new client signed in as `username`."""
    client = app.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    assert client.post("/login", data={"csrf_token": token, "username": username,
                                       "password": PASSWORD}).status_code == 302
    return client


@pytest.fixture
def two_units(app, units, make_user, create_batch, create_paper_wave):
    """One wave, a batch in each of two units with clerks of their own, and their supervisor."""
    with app.app_context():
        from survey.db import transaction
        from survey.units.queries import query_unit

        a1, a2, b1, b2 = (make_user("clerk", n) for n in ("a1", "a2", "b1", "b2"))
        supervisor = make_user("supervisor")
        wave = create_paper_wave()
        mine = create_batch(wave, "03595", clerk_ids=(a1.id, a2.id), form_count=5)
        theirs = create_batch(wave, "03637", clerk_ids=(b1.id, b2.id), form_count=5)
        with transaction() as session:
            session.add(UserUnit(user_id=supervisor.id,
                                 unit_id=query_unit("03595", date(2025, 7, 1)).id))
    return mine, theirs, (a1, a2, b1, b2)


def test_form_numbers_belong_to_their_batch_and_reveal_nothing_of_other_batches(
        app, two_units, create_entry, create_batch, create_paper_wave):
    mine, theirs, (a1, a2, b1, _b2) = two_units
    with app.app_context():
        assert create_entry(theirs, b1, "0001", ANSWERS).accepted
        # The same number in another unit's batch is a new paper form, not its second entry.
        outcome = create_entry(mine, a1, "0001", {**ANSWERS, "sex": "male"}, "second")
        assert outcome.accepted and outcome.receipt["entry_number"] == 1
        from survey.db import get_session

        entries = get_session().exec(select(PaperEntry).order_by(PaperEntry.id)).all()
    assert [(e.batch_id, e.entry_number) for e in entries] == [(theirs.id, 1), (mine.id, 1)]
    assert entries[0].response_id != entries[1].response_id
    client = sign_in(app, "a2")
    url = f"/entry/batches/{mine.id}/form-number?number="
    assert client.get(url + "0001").json["state"] == "second"
    assert client.get(url + "0002").json["state"] == "first"  # keyed in the other batch only
    client = sign_in(app, "a1")
    # Numbered 0001 in a new batch: not refused because another batch has a 0001.
    assert client.get(url + "0001").json["state"] == "yours"
    with app.app_context():
        fresh = create_batch(create_paper_wave("SIPAS-U"), "03595", clerk_ids=(a1.id, a2.id))
    fresh_url = f"/entry/batches/{fresh.id}/form-number?number=0001"
    assert client.get(fresh_url).json["state"] == "first"


def test_the_keying_page_checks_the_number_first_and_shows_progress(app, two_units, create_entry):
    mine, _theirs, (a1, *_rest) = two_units
    with app.app_context():
        create_entry(mine, a1, "0003", ANSWERS)
        create_entry(mine, a1, "0001", ANSWERS)
    client = sign_in(app, "a1")
    page = client.get(f"/entry/batches/{mine.id}/key").get_data(as_text=True)
    assert 'id="entry-questions"' in page and 'id="form-number-state"' in page
    progress = re.sub(r"\s+", " ", page.split('id="batch-progress">')[1].split("<progress")[0])
    assert "2" in progress and "5" in progress and "0001" in progress and "0003" in progress
    assert '<progress max="5" value="2"' in page


def test_the_batch_page_shows_number_range_progress_and_a_one_clerk_warning(
        app, two_units, create_entry, create_batch, create_paper_wave):
    mine, _theirs, (a1, a2, *_rest) = two_units
    with app.app_context():
        create_entry(mine, a1, "0002", ANSWERS)
        create_entry(mine, a2, "0002", ANSWERS, "second")
        create_entry(mine, a1, "0004", ANSWERS)
        lonely = create_batch(create_paper_wave("SIPAS-V"), "03595", clerk_ids=(a1.id,))
    client = sign_in(app, "supervisor")
    page = client.get(f"/entry/batches/{mine.id}").get_data(as_text=True)
    line = re.sub(r"\s+", " ", page.split('id="batch-progress">')[1].split("<progress")[0])
    assert "0002" in line and "0004" in line
    assert '<progress max="5" value="2"' in page
    assert 'role="alert"' not in page
    warned = client.get(f"/entry/batches/{lonely.id}").get_data(as_text=True)
    assert 'class="error-summary" role="alert"' in warned


def test_a_batch_needs_two_clerks(app, two_units):
    _mine, _theirs, (a1, a2, *_rest) = two_units
    client = sign_in(app, "supervisor")
    with app.app_context():
        from survey.db import get_session
        from survey.models import Wave
        from survey.units.queries import query_unit

        wave = get_session().exec(select(Wave)).first()
        unit = query_unit("03595", date(2025, 7, 1))
    data = {"wave_id": wave.id, "unit_id": unit.id, "service_point_id": "",
            "surveyor_name": "Lò Văn Minh", "form_count": 20, "clerk_ids": [a1.id]}
    refused = post_form(client, "/entry/batches/new", data)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and 'class="error-summary"' in html
    assert "hai người nhập liệu" in html or "two clerks" in html
    saved = post_form(client, "/entry/batches/new", {**data, "clerk_ids": [a1.id, a2.id]})
    assert saved.status_code == 302


def test_a_conflict_is_resolved_by_choosing_a_labelled_value_not_typing_a_code(app, two_units, create_entry):
    mine, _theirs, (a1, a2, *_rest) = two_units
    with app.app_context():
        create_entry(mine, a1, "0005", ANSWERS)
        create_entry(mine, a2, "0005", {**ANSWERS, "official_polite": "2"}, "second")
        from survey.responses import query_paper_form

        response_id = query_paper_form(mine.id, "0005").id
    client = sign_in(app, "supervisor")
    url = f"/entry/forms/{response_id}/resolve"
    html = client.get(url).get_data(as_text=True)
    # The paper's value ("Hài lòng", code 4) was keyed by neither clerk: it is offered by label.
    other = re.search(r'<input id="(typed_official_polite-\d+)" name="typed_official_polite" '
                      r'type="radio" value="4">\s*<label for="\1">([^<]+)</label>', html)
    assert other and other.group(2) == "Hài lòng"
    assert not re.search(r">\s*[0-9]+ · ", html)  # no "5 · Rất hài lòng": labels only
    done = client.post(url, data={"csrf_token": csrf_token(html), "pick_official_polite": "__typed__",
                                  "typed_official_polite": "4"})
    assert done.status_code == 302
    with app.app_context():
        from survey.responses import query_answers

        assert query_answers(response_id)["official_polite"] == "4"


def test_the_audit_trail_shows_labels_form_numbers_and_local_time(app, two_units, create_entry):
    mine, _theirs, (a1, a2, *_rest) = two_units
    with app.app_context():
        create_entry(mine, a1, "0007", ANSWERS)
        create_entry(mine, a2, "0007", {**ANSWERS, "official_polite": "2"}, "second")
        from survey.db import transaction

        with transaction() as session:  # a known instant: 23:30 UTC is 06:30 the next day in Hanoi
            for event in session.exec(select(AuditEvent)).all():
                event.at = datetime(2025, 3, 9, 23, 30, 5, tzinfo=UTC)
                session.add(event)
    client = sign_in(app, "supervisor")
    html = client.get("/entry/audit?lang=en").get_data(as_text=True)
    assert "Paper form 0007: conflict found" in html
    assert "Entry 2 of paper form 0007: created" in html
    assert "Mar 10, 2025, 6:30:05" in html and "23:30" not in html
    assert "Very satisfied" in html and "Dissatisfied" in html
    assert "{" not in html.split("<tbody>")[1] and "response_id" not in html
    assert "a1, a2" in html  # the batch's clerks by name, not ids
    vietnamese = client.get("/entry/audit?lang=vi").get_data(as_text=True)
    assert "06:30:05" in vietnamese and "10 thg 3, 2025" in vietnamese
