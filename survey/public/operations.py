"""Writes of the citizen survey: one page of answers at a time, each page in one transaction.

The response is created by its first page (its id made when the form was shown, so a replayed
first page finds it instead of creating a twin), counts once the questionnaire's
`complete_after` page is saved, and takes optional follow-up pages after that.
"""
from dataclasses import dataclass, replace

from sqlalchemy.exc import IntegrityError

from survey import responses
from survey.db import get_session
from survey.dossier_codes import normalise_dossier_code
from survey.models.base import utcnow
from survey.public import integrity

DOSSIER_ITEM = "dossier_code"


@dataclass(frozen=True)
class Saved:
    """Where the response stands after a page: the page to show next, and its status."""

    current_page: int
    status: str


@dataclass(frozen=True)
class Refusal(Exception):
    """A submission that is not stored; `code` picks the page the citizen sees."""

    code: str


def save_page(*, questionnaire, service_point, response, response_uuid, page, checked, language,
              honeypot=False, skip=False) -> Saved:
    """Store the answers of `page` (or skip an optional page); raise Refusal if it cannot be.

    `response` is the stored response with this id, or None when its first page comes in. A
    new response is written with one INSERT: this is the hot path of every QR rating.
    """
    session, now, dossier = get_session(), utcnow(), None
    try:
        new = response is None
        if new and page != 0:
            raise Refusal("survey.not_started")
        if not new and (response.service_point_id != service_point.id
                        or (response.questionnaire_id, response.questionnaire_version)
                        != questionnaire.key):
            raise Refusal("survey.version_changed")
        current = 0 if new else response.current_page
        if page != current:
            # A replayed or out-of-order page: what was stored stays as it is.
            raise Refusal("survey.already_recorded" if page < current else "survey.not_started")
        if skip and page <= questionnaire.complete_page:
            raise Refusal("survey.not_started")
        completes = page == questionnaire.complete_page
        top = integrity.top_rating(questionnaire, checked.values) if completes else None
        counts = keys = None
        if new or completes:
            keys = integrity.keys_for(session, response, now)
            counts = integrity.window_counts(session, keys=keys, service_point_id=service_point.id,
                                             response_uuid=response_uuid, top=top,
                                             completes=completes, now=now)
            if new and counts.network >= integrity.rate_limit():
                raise Refusal("survey.rate_limited")
        dossier = normalise_dossier_code(checked.values.get(DOSSIER_ITEM))
        if dossier and responses.dossier_rated(session, service_point.id, dossier,
                                               None if new else response.id):
            raise Refusal("survey.dossier_rated")
        finished = skip or page + 1 == len(questionnaire.sections)
        fields = {
            "current_page": len(questionnaire.sections) if finished else page + 1,
            "dossier_code": dossier or (None if new else response.dossier_code),
            "flags": "" if new else response.flags,
        }
        if completes:
            fields.update(status="submitted", submitted_at=now, flags=integrity.flags_for(
                fields["flags"], service_point, now, honeypot, counts, top, new))
        elif honeypot:
            fields["flags"] = integrity.add_flag(fields["flags"], integrity.FLAG_HONEYPOT)
        fields.setdefault("status", "in_progress" if new else response.status)
        if new:
            response_id = responses.insert_response(
                session, questionnaire, channel="qr", unit_id=service_point.unit_id,
                uuid=response_uuid, service_point_id=service_point.id, language=language,
                started_at=now, **fields)
            integrity.remember(session, response_id, keys, service_point.id, now)
        else:
            responses.update_response(session, response, **fields)
            response_id = response.id
        if completes:
            integrity.flag_runs(session, fields["flags"], keys, service_point.id, now)
        if not skip:
            responses.write_answers(session, response_id, _stored_as_compared(checked, dossier),
                                    [item.id for item in questionnaire.sections[page].items],
                                    replace=not new)
        session.commit()
        return Saved(fields["current_page"], fields["status"])
    except IntegrityError:
        # Two tabs racing on one dossier or one response id: the first one won.
        session.rollback()
        raise Refusal("survey.dossier_rated" if dossier else "survey.already_recorded") from None
    except Refusal:
        session.rollback()
        raise


def _stored_as_compared(checked, dossier):
    """The answers with the dossier code in its one compared spelling (left out if none is left)."""
    if DOSSIER_ITEM not in checked.values:
        return checked
    values = {k: v for k, v in checked.values.items() if k != DOSSIER_ITEM}
    if dossier:
        values[DOSSIER_ITEM] = dossier
    return replace(checked, values=values)
