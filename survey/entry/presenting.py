"""What supervisor pages show: keyed values with their choice labels, conflicts, audit lines."""
import json
from dataclasses import dataclass

from survey.i18n_lazy import _, _l
from survey.questionnaires import localized

BLANK = "__blank__"
ACTIONS = {"create": _l("created"), "update": _l("changed"), "verify": _l("verified"),
           "conflict": _l("conflict found"), "resolve": _l("resolved by supervisor")}
ENTITIES = {"batch": _l("batch"), "response": _l("paper form"), "paper_entry": _l("entry")}


def show_value(item, value: str, lang: str) -> str:
    """A stored value as a person reads it: codes with their labels, blank as a dash."""
    if not value:
        return "—"
    if item.type == "yes_no":
        return str(_("Yes") if value == "yes" else _("No"))
    if item.choices:
        labels = {c.code: localized(c.text, lang) for c in item.choices}
        return "; ".join(f"{code} · {labels.get(code, '?')}" for code in value.split()
                         if item.type == "multiple_choice" or code == value) or value
    return value


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
