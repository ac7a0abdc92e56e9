"""Write a checked response and its answers in one transaction: all of it or nothing."""
import uuid as uuid_lib
from datetime import datetime

from survey.db import transaction
from survey.dossier_codes import normalise_dossier_code
from survey.models import Answer, Response
from survey.questionnaires import CheckedAnswers


def record_response(questionnaire, checked: CheckedAnswers, *, channel: str, unit_id: int,
                    service_point_id: int | None = None, submitted_at: datetime | None = None,
                    response_uuid: str | None = None, language: str = "vi",
                    dossier_code: str | None = None, paper_form_number: str | None = None,
                    flags: tuple[str, ...] = ()) -> Response:
    """Store a submitted response; `checked` must come from check_answers on `questionnaire`."""
    if not checked.ok:
        raise ValueError(f"answers have errors: {checked.errors}")
    response = Response(
        uuid=response_uuid or str(uuid_lib.uuid4()), questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version, channel=channel, status="submitted",
        service_point_id=service_point_id, unit_id=unit_id, language=language,
        dossier_code=normalise_dossier_code(dossier_code), paper_form_number=paper_form_number,
        flags=";".join(sorted(set(flags))),
    )
    if submitted_at is not None:
        response.started_at = response.submitted_at = submitted_at
    else:
        response.submitted_at = response.started_at
    with transaction() as session:
        session.add(response)
        session.flush()
        session.add_all(
            Answer(response_id=response.id, item_id=item_id, value=value,
                   value_num=checked.numbers.get(item_id))
            for item_id, value in checked.values.items()
        )
    return response
