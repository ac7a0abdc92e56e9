"""What supervisor pages show: keyed values with their choice labels, conflicts, audit lines."""
import json
from dataclasses import dataclass

from survey.i18n_lazy import _, _l
from survey.questionnaires import localized

BATCH_PROBLEMS = {
    "batch.unknown_wave": _l("Choose a survey wave."),
    "batch.unit_out_of_scope": _l("Choose one of your units."),
    "batch.point_not_in_unit": _l("The service point must be in the unit of the batch."),
    "batch.not_a_clerk": _l("Choose clerks only."),
}
BLANK = "__blank__"
ACTIONS = {"create": _l("created"), "update": _l("changed"), "verify": _l("verified"),
           "conflict": _l("conflict found"), "resolve": _l("resolved by supervisor")}
ENTITIES = {"batch": _l("batch"), "response": _l("paper form"), "paper_entry": _l("entry")}


def show_value(item, value: str, lang: str) -> str:
    """A stored value as a person reads it: codes with their labels, blank as a dash."""
    return item.qtype.show(item, value, lang) if value else "—"


@dataclass(frozen=True)
class ConflictItem:
    id: str
    label: str
    shown: tuple[str, ...]                  # each entry's value as shown, in entry order
    options: tuple[tuple[str, str], ...]    # (value to pick, label) of the distinct keyed values


def conflict_items(questionnaire, entries, lang: str) -> list[ConflictItem]:
    """The items on which the entries differ, each with every entry's value side by side."""
    from survey.entry.verification import differing_items

    keyed = [json.loads(e.answers) for e in entries]
    out = []
    for item_id in differing_items(questionnaire, *keyed):
        item = questionnaire.items[item_id]
        values = [k.get(item_id, "") for k in keyed]
        distinct = list(dict.fromkeys(values))
        out.append(ConflictItem(
            id=item_id, label=localized(item.text, lang),
            shown=tuple(show_value(item, v, lang) for v in values),
            options=tuple((v or BLANK, show_value(item, v, lang) if v else str(_("Left blank")))
                          for v in distinct)))
    return out


@dataclass(frozen=True)
class AuditRow:
    event: object
    who: str
    action: str
    entity: str


def audit_rows(events, users) -> list[AuditRow]:
    return [AuditRow(e, (users[e.user_id].username if e.user_id in users else "—"),
                     str(ACTIONS.get(e.action, e.action)), str(ENTITIES.get(e.entity, e.entity)))
            for e in events]
