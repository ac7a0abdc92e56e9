"""Check a whole set of answers against a questionnaire: skip logic, required items, types.

Shared by every channel (QR pages, paper-entry sync), so an answer means the same everywhere.
"""
from dataclasses import dataclass

from survey.questionnaires.types import AnswerError


@dataclass(frozen=True)
class CheckedAnswers:
    values: dict[str, str]          # item id → canonical text
    numbers: dict[str, float]       # item id → number, where the answer is one
    errors: dict[str, str]          # item id → answer error code

    @property
    def ok(self) -> bool:
        return not self.errors


def check_answers(
    questionnaire, raw: dict[str, list[str]], items=None, earlier=None
) -> CheckedAnswers:
    """Check `raw` (item id → submitted strings) for `items` (default: the whole questionnaire).

    Items are visited in questionnaire order so skip logic sees only earlier answers, including
    `earlier` ones already stored (paged forms); an answer to an item that is not relevant is
    dropped, not stored.
    """
    wanted = set(items) if items is not None else None
    values, numbers, errors = {}, {}, {}
    seen = dict(earlier or {})
    unknown = set(raw) - set(questionnaire.items)
    for item_id in sorted(unknown):
        errors[item_id] = "answer.unknown_item"
    for section in questionnaire.sections:
        for item in section.items:
            if wanted is not None and item.id not in wanted:
                continue
            if item.condition is not None and not item.condition.holds(seen):
                continue
            submitted = _submitted(raw.get(item.id))
            if not submitted:
                if item.required:
                    errors[item.id] = "answer.required"
                continue
            try:
                text, number = item.qtype.parse(item, submitted)
            except AnswerError as exc:
                errors[item.id] = exc.code
                continue
            values[item.id] = seen[item.id] = text
            if number is not None:
                numbers[item.id] = number
    return CheckedAnswers(values, numbers, errors)


def _submitted(value) -> list[str]:
    """The non-blank strings of one answer; a bare string or JSON number counts as one value."""
    if value is None:
        return []
    if isinstance(value, str | int | float):
        value = [value]
    return [text for text in (str(v) for v in value if v is not None) if text.strip()]
