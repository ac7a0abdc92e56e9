"""What supervisor pages show: keyed values with their choice labels, conflicts, batch progress."""
import json
from dataclasses import dataclass

from flask_babel import format_number

from survey.i18n_lazy import _
from survey.questionnaires import localized

BLANK = "__blank__"


def show_value(item, value: str, lang: str) -> str:
    """A stored value as a person reads it: choice labels (never codes), blank as a dash."""
    return item.qtype.show(item, value, lang) if value else "—"


@dataclass(frozen=True)
class ConflictItem:
    id: str
    item: object                            # the questionnaire item
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
            id=item_id, item=item, label=localized(item.text, lang),
            shown=tuple(show_value(item, v, lang) for v in values),
            options=tuple((v or BLANK, show_value(item, v, lang) if v else str(_("Left blank")))
                          for v in distinct)))
    return out


def progress_line(progress) -> str:
    """How far a batch is, with its range of keyed form numbers, numbers in the page's locale."""
    done = _("%(keyed)s of %(total)s paper forms keyed, %(verified)s verified.",
             keyed=format_number(progress.keyed), total=format_number(progress.form_count),
             verified=format_number(progress.verified))
    if progress.first_number is None:
        numbers = _("No form numbers keyed yet.")
    else:
        numbers = _("Form numbers keyed: %(first)s to %(last)s.",
                    first=progress.first_number, last=progress.last_number)
    return f"{done} {numbers}"
