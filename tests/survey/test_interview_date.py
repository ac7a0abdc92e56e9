"""Paper forms carry the interview date written on them; trends place them by it, not by keying time."""
from datetime import date

import pandas as pd
from sqlmodel import select

from survey.db import get_session
from survey.estimates.dataset import Inclusion, base_frame
from survey.estimates.official import export_frame
from survey.models import Response, Wave
from tests.survey.test_entry_double import ANSWERS, _payload, _sync, setup  # noqa: F401
from tests.survey.test_entry_scope import key


def test_sync_stores_the_interview_date_and_refuses_impossible_ones(app, client, setup):  # noqa: F811
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


def test_a_second_entry_fills_a_missing_interview_date(app, setup):  # noqa: F811
    from survey.entry import operations

    batch, (one, two) = setup
    with app.app_context():
        assert key(batch, one, "0007", ANSWERS).accepted
        second = operations.KeyedForm("6f1c2b9e-8d7a-4c3b-9e2f-1a2b3c4d5e6f", batch.id, "0007", "second",
                                      batch.questionnaire_id, batch.questionnaire_version,
                                      {k: [v] for k, v in ANSWERS.items()}, interview_date="2025-08-30")
        assert operations.accept(second, two).accepted
        response = get_session().exec(
            select(Response).where(Response.paper_form_number == "0007")).one()
        assert response.interview_date == date(2025, 8, 30) and response.verification == "verified"


def test_the_keying_page_shows_the_interview_date_field_and_its_error(app, client, setup):  # noqa: F811
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
