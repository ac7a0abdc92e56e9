"""The audit trail as a person reads it: local times, paper form numbers, labels instead of codes and ids.

Events store codes and ids as JSON (survey.entry.audit); this module adds the words when they are
shown, in the page's language and time zone, so nothing stored depends on either.
"""
import json
from dataclasses import dataclass

from flask_babel import format_datetime, format_number

from survey.entry.forms import ENTRY_KIND_LABELS
from survey.entry.presenting import show_value
from survey.i18n_lazy import _, _l
from survey.questionnaires import localized
from survey.startup import registry

ACTIONS = {"create": _l("created"), "update": _l("changed"), "verify": _l("verified"),
           "conflict": _l("conflict found"), "resolve": _l("resolved by supervisor")}
VERIFICATION_LABELS = {"unverified": _l("Waiting for the second entry"), "verified": _l("Verified"),
                       "conflict": _l("Conflict")}


@dataclass(frozen=True)
class AuditRow:
    when: str
    who: str
    what: str
    before: tuple[tuple[str, str], ...]
    after: tuple[tuple[str, str], ...]


def audit_rows(events, context, lang: str) -> list[AuditRow]:
    """One row per event; `context` is queries.AuditContext of the same events."""
    return [AuditRow(when=format_datetime(e.at, "medium"), who=_username(context, e.user_id),
                     what=_what(e, context), before=_lines(e.old_value, e, context, lang),
                     after=_lines(e.new_value, e, context, lang))
            for e in events]


def _username(context, user_id) -> str:
    user = context.users.get(user_id)
    return user.username if user is not None else "—"


def _what(event, context) -> str:
    action = str(ACTIONS.get(event.action, event.action))
    if event.entity == "response":
        response = context.responses.get(event.entity_id)
        number = response.paper_form_number if response is not None else "—"
        return _("Paper form %(number)s: %(action)s", number=number, action=action)
    if event.entity == "paper_entry":
        entry = context.entries.get(event.entity_id)
        if entry is not None:
            return _("Entry %(n)s of paper form %(number)s: %(action)s", n=entry.entry_number,
                     number=entry.paper_form_number, action=action)
    return _("Batch %(id)s: %(action)s", id=event.batch_id or event.entity_id, action=action)


def _lines(stored, event, context, lang) -> tuple[tuple[str, str], ...]:
    """(label, value) pairs of one side of an event, in the order they were recorded."""
    if not stored:
        return ()
    values = json.loads(stored)
    batch = context.batches.get(event.batch_id)
    questionnaire = registry().get(batch.questionnaire_id, batch.questionnaire_version) if batch else None
    lines = []
    for key, value in values.items():
        if key == "answers":
            lines.extend(_answer_lines(questionnaire, value, lang))
        elif key == "differing_items":
            lines.append((str(_("Items that differ")),
                          "; ".join(_item_label(questionnaire, i, lang) for i in value) or "—"))
        elif key != "response_id":
            lines.append(_field_line(key, value, context))
    return tuple(lines)


def _answer_lines(questionnaire, answers: dict, lang):
    items = questionnaire.items if questionnaire is not None else {}
    order = list(items)
    for item_id in sorted(answers, key=lambda i: order.index(i) if i in items else len(order)):
        value = answers[item_id] or ""
        shown = show_value(items[item_id], value, lang) if item_id in items else (value or "—")
        yield _item_label(questionnaire, item_id, lang), shown


def _item_label(questionnaire, item_id: str, lang) -> str:
    if questionnaire is None or item_id not in questionnaire.items:
        return item_id
    return localized(questionnaire.items[item_id].text, lang)


def _field_line(key: str, value, context) -> tuple[str, str]:
    """A recorded field of a batch, form or entry: its label and its value in words."""
    def named(rows, text):
        row = rows.get(value)
        return text(row) if row is not None else "—"

    shown = {
        "verification": lambda: str(VERIFICATION_LABELS.get(value, value)),
        "entry_kind": lambda: str(ENTRY_KIND_LABELS.get(value, value)),
        "entry_number": lambda: format_number(value),
        "form_count": lambda: format_number(value),
        "wave_id": lambda: named(context.waves, lambda w: f"{w.code} · {w.name}"),
        "unit_id": lambda: named(context.units, lambda u: u.name),
        "service_point_id": lambda: named(context.points, lambda p: f"{p.code} · {p.name}"),
        "clerk_ids": lambda: ", ".join(_username(context, c) for c in value) or "—",
    }.get(key, lambda: str(value))()
    return str(FIELD_LABELS.get(key, key)), shown


FIELD_LABELS = {
    "verification": _l("Status"), "entry_kind": _l("This keying is the"),
    "entry_number": _l("Entry"), "form_count": _l("Number of paper forms"),
    "wave_id": _l("Survey wave"), "unit_id": _l("Unit"),
    "service_point_id": _l("Service point (if any)"),
    "surveyor_name": _l("Surveyor who collected the forms"),
    "clerk_ids": _l("Clerks who key this batch"),
}
