"""Demo data builds through the real operations; a response is stored whole or not at all."""
import pytest
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from survey.db import get_session
from survey.models import Answer, Response, ServicePoint, User
from survey.questionnaires import check_answers
from survey.responses import record_response
from survey.startup import registry


def _count(model, *where):
    return get_session().exec(select(func.count()).select_from(model).where(*where)).one()


def test_demo_builds_and_runs_again_without_duplicating(app, runner):
    result = runner.invoke(args=["demo", "--responses", "300"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        counts = [_count(m) for m in (User, ServicePoint, Response)]
        # Five roles plus a second clerk for double entry; the desk ratings asked for, plus a
        # few keyed paper forms.
        assert counts[0] == 6 and counts[1] > 80
        assert _count(Response, Response.channel == "qr") == 300
        desk = registry().get("tthc-desk")
        # Every stored answer passes the questionnaire's own checks.
        for response in get_session().exec(
                select(Response).where(Response.channel == "qr").limit(50)).all():
            answers = get_session().exec(select(Answer).where(Answer.response_id == response.id)).all()
            raw = {a.item_id: desk.items[a.item_id].qtype.decode(desk.items[a.item_id], a.value)
                   for a in answers}
            assert check_answers(desk, raw).ok
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        assert [_count(m) for m in (User, ServicePoint, Response)] == counts


def test_a_response_is_all_or_nothing(app, units):
    from datetime import date

    from survey.units.queries import query_unit

    with app.app_context():
        desk = registry().get("tthc-desk")
        unit = query_unit("03595", date.today())
        point = ServicePoint(code="MC-03595", name="Một cửa", kind="one_stop_commune", unit_id=unit.id)
        session = get_session()
        session.add(point)
        session.commit()
        checked = check_answers(desk, {"satisfaction": ["2"], "dossier_code": ["H34.001"]})
        record_response(desk, checked, channel="qr", unit_id=unit.id, service_point_id=point.id,
                        dossier_code="H34.001")
        with pytest.raises(IntegrityError):
            record_response(desk, checked, channel="qr", unit_id=unit.id,
                            service_point_id=point.id, dossier_code="H34.001")
        assert (_count(Response), _count(Answer)) == (1, 2)
        with pytest.raises(ValueError):
            record_response(desk, check_answers(desk, {}), channel="qr", unit_id=unit.id)
        stored = session.exec(select(Response)).one()
        assert (stored.questionnaire_id, stored.questionnaire_version) == ("tthc-desk", 2)
        assert stored.submitted_at.tzinfo is not None
