"""Paper entry under real concurrency: requests from several threads hit the app at the same instant.

Each test repeats its race 30 times (the issue saw the same clerk accepted twice in 16 of 30 runs
on SQLite) on whichever database the suite runs on.
"""
import threading
import uuid

import pytest
from sqlalchemy import func
from sqlmodel import select

from survey.models import PaperEntry, Response
from tests.survey.conftest import PASSWORD, csrf_token

RUNS = 30
ANSWERS = {"access_channels": "4", "official_polite": "5", "gave_feedback": "no", "sex": "female"}


@pytest.fixture
def batch(app, units, make_user, create_batch, create_paper_wave):
    with app.app_context():
        clerks = [make_user("clerk", name) for name in ("clerk1", "clerk2", "clerk3")]
        return create_batch(create_paper_wave(), clerk_ids=[c.id for c in clerks], form_count=RUNS), clerks


def device(app, username):
    """A signed-in client with its CSRF token: one tablet of the clerk."""
    client = app.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    assert client.post("/login", data={"csrf_token": token, "username": username,
                                       "password": PASSWORD}).status_code == 302
    client.token = client.get("/entry/api/session", headers={"Accept": "application/json"}).json[
        "csrf_token"]
    return client


def at_once(devices, payloads):
    """Send each payload from its device, all released together; the results in device order."""
    barrier = threading.Barrier(len(devices))
    results = [None] * len(devices)

    def send(i):
        barrier.wait()
        response = devices[i].post("/entry/api/sync", json={"forms": [payloads[i]]},
                                   headers={"X-CSRFToken": devices[i].token})
        results[i] = (response.status_code, response.json["results"][0])

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(devices))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def payload(batch, number, kind="first", uuid_=None):
    return {"uuid": uuid_ or str(uuid.uuid4()), "batch_id": batch.id, "paper_form_number": number,
            "entry_kind": kind, "questionnaire_id": "sipas", "questionnaire_version": 1,
            "answers": {k: [v] for k, v in ANSWERS.items()}}


def entries_of(app, batch, number):
    with app.app_context():
        from survey.db import get_session

        return get_session().exec(select(PaperEntry).where(
            PaperEntry.batch_id == batch.id, PaperEntry.paper_form_number == number)).all()


def test_the_same_clerks_second_entry_sent_twice_at_once_is_stored_once(app, batch, create_entry):
    batch, (one, two, _three) = batch
    tablets = [device(app, "clerk2"), device(app, "clerk2")]
    for run in range(RUNS):
        number = f"C{run:03d}"
        with app.app_context():
            assert create_entry(batch, one, number, ANSWERS).accepted
        results = at_once(tablets, [payload(batch, number, "second"), payload(batch, number, "second")])
        assert all(status == 200 for status, _ in results), results
        statuses = sorted(r["status"] for _, r in results)
        assert statuses == ["accepted", "rejected"], (run, results)
        refused = next(r for _, r in results if r["status"] == "rejected")
        assert refused["errors"]["paper_form_number"]["code"] == "entry.same_clerk"
        stored = entries_of(app, batch, number)
        assert sorted(e.clerk_id for e in stored) == sorted([one.id, two.id]), run


def test_first_entries_of_one_number_at_once_make_one_paper_form(app, batch):
    batch, _clerks = batch
    tablets = [device(app, "clerk1"), device(app, "clerk2"), device(app, "clerk3")]
    for run in range(RUNS):
        number = f"F{run:03d}"
        results = at_once(tablets, [payload(batch, number) for _ in tablets])
        assert [r["status"] for _, r in results] == ["accepted"] * 3, (run, results)
        stored = entries_of(app, batch, number)
        assert sorted(e.entry_number for e in stored) == [1, 2, 3]
        assert len({e.response_id for e in stored}) == 1
    with app.app_context():
        from survey.db import get_session

        assert get_session().exec(select(func.count()).select_from(Response)).one() == RUNS


def test_a_sync_replayed_from_several_threads_at_once_always_gets_its_receipt(app, batch, create_entry):
    batch, (one, _two, _three) = batch
    tablets = [device(app, "clerk2") for _ in range(4)]
    for run in range(RUNS):
        number = f"R{run:03d}"
        with app.app_context():
            assert create_entry(batch, one, number, ANSWERS).accepted
        same = payload(batch, number, "second")
        results = at_once(tablets, [same] * len(tablets))
        assert [r["status"] for _, r in results] == ["accepted"] * len(tablets), (run, results)
        assert len({r["receipt"]["receipt"] for _, r in results}) == 1
        assert len(entries_of(app, batch, number)) == 2


def test_the_database_refuses_a_second_entry_by_the_same_clerk(app, batch, create_entry):
    """The constraint itself, below every check in the code (what makes the race impossible)."""
    from sqlalchemy.exc import IntegrityError

    batch, (one, _two, _three) = batch
    with app.app_context():
        assert create_entry(batch, one, "D001", ANSWERS).accepted
        from survey.db import transaction

        first = entries_of(app, batch, "D001")[0]
        with pytest.raises(IntegrityError), transaction() as session:
            session.add(PaperEntry(
                uuid=str(uuid.uuid4()), batch_id=batch.id, response_id=first.response_id,
                clerk_id=one.id, entry_kind="second", entry_number=2, paper_form_number="D001",
                answers=first.answers, content_hash=first.content_hash))


def test_the_migration_names_earlier_duplicate_keyings_instead_of_failing_on_them(tmp_path):
    """A database that the old race let a clerk key a form twice in is not silently changed."""
    import sqlite3

    from survey.db import make_engine
    from survey.migrate import upgrade

    path = tmp_path / "old.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine, "0009")
    with sqlite3.connect(path) as raw:  # foreign keys off: only paper_entry matters here
        for entry_id, number in ((7, 1), (8, 2)):
            raw.execute("INSERT INTO paper_entry (id, uuid, batch_id, response_id, clerk_id, "
                        "entry_kind, entry_number, paper_form_number, answers, content_hash, "
                        "received_at) VALUES (?, ?, 1, 1, 1, 'second', ?, '0001', '{}', 'h', "
                        "'2025-01-01 00:00:00')", (entry_id, str(uuid.uuid4()), number))
    with pytest.raises(RuntimeError, match="same clerk keyed one paper form twice.*7 and 8"):
        upgrade(engine)
    engine.dispose()
