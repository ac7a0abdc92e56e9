"""Demo paper entry: a SIPAS paper wave and a batch with forms verified, in conflict and keyed once."""
import uuid
from datetime import date

from sqlmodel import select

from survey.auth.queries import query_user_by_name
from survey.db import get_session, transaction
from survey.entry import operations
from survey.models import Batch, UserUnit, Wave
from survey.units.queries import query_unit

WAVE_CODE = "SIPAS-2025-GIAY"
UNIT_CODE = "03595"  # Xã Than Uyên (from 2025-07-01)
# (form number, the first clerk's answers, the second clerk's answers or None)
_BASE = {"submission_channel": "in_person", "access_channels": "4", "access_signage": "4",
         "official_polite": "5", "result_on_time": "4", "gave_feedback": "no", "harassment": "none",
         "informal_payment": "none", "sex": "female", "age_band": "26_34"}
FORMS = (
    ("0001", _BASE, _BASE),
    ("0002", _BASE, {**_BASE, "official_polite": "4", "gave_feedback": "yes", "feedback_handled": "3"}),
    ("0003", {**_BASE, "access_premises": "3"}, None),
)


def ensure_entry_demo() -> str:
    """Add the paper-entry demo (skips it when the demo wave exists)."""
    session = get_session()
    if session.exec(select(Wave).where(Wave.code == WAVE_CODE)).first() is not None:
        return "Paper entry: already there."
    supervisor, clerk, clerk2 = (query_user_by_name(n) for n in ("giamsat", "nhaplieu", "nhaplieu2"))
    unit = query_unit(UNIT_CODE, date(2025, 7, 1))
    today = date.today()
    with transaction() as session:
        wave = Wave(code=WAVE_CODE, name="SIPAS 2025 — phiếu giấy", questionnaire_id="sipas",
                    questionnaire_version=1, period_start=date(today.year, 1, 1),
                    period_end=date(today.year, 12, 31), mode="paper", created_by_id=supervisor.id)
        session.add(wave)
        if session.get(UserUnit, (supervisor.id, unit.id)) is None:
            session.add(UserUnit(user_id=supervisor.id, unit_id=unit.id))
    batch = operations.save_batch(operations.BatchData(
        wave.id, unit.id, None, "Lò Văn Minh", 20, (clerk.id, clerk2.id)), supervisor.id)
    for number, first, second in FORMS:
        _key(batch, clerk, number, "first", first)
        if second is not None:
            _key(batch, clerk2, number, "second", second)
    return f"Paper entry: wave {WAVE_CODE}, batch {batch.id} with {len(FORMS)} keyed forms."


def _key(batch: Batch, clerk, number, kind, answers):
    outcome = operations.accept(operations.KeyedForm(
        str(uuid.uuid4()), batch.id, number, kind, batch.questionnaire_id,
        batch.questionnaire_version, {k: [v] for k, v in answers.items()}), clerk)
    if not outcome.accepted:
        raise RuntimeError(f"demo paper form {number} was refused: {outcome.errors}")
