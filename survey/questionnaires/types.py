"""The closed registry of question types: which keys each accepts and how it checks an answer.

An answer arrives as a list of strings (a form field or a synced JSON value) and leaves as its
canonical text and, where it has one, its number; or as an error code. The web forms for each
type live in survey.forms; a start-up check keeps the two registries in step.
"""
import math
import unicodedata
from abc import ABC, abstractmethod
from datetime import date

from survey.questionnaires.errors import ANSWER_CODES

COMMON_KEYS = frozenset({"id", "type", "text", "hint", "required", "relevant"})
YES, NO = "yes", "no"


class AnswerError(ValueError):
    def __init__(self, code: str):
        if code not in ANSWER_CODES:
            raise ValueError(f"unregistered answer error code {code!r}")
        super().__init__(code)
        self.code = code


class QuestionType(ABC):
    name = ""
    keys: frozenset = frozenset()
    has_choices = False

    @abstractmethod
    def parse(self, item, raw: list[str]) -> tuple[str, float | None]:
        """Return (canonical text, number or None) for a non-empty answer, or raise AnswerError."""


class SingleChoice(QuestionType):
    name = "single_choice"
    keys = frozenset({"choices", "appearance"})
    has_choices = True

    def parse(self, item, raw):
        if len(raw) != 1 or raw[0] not in item.choice_codes:
            raise AnswerError("answer.not_a_choice")
        # Only whole-number values are numbers: "03" (an ethnic-group code) or "15_30" is not.
        value = item.choices[item.choice_codes.index(raw[0])].value
        return raw[0], float(value) if isinstance(value, int) else None


class MultipleChoice(QuestionType):
    name = "multiple_choice"
    keys = frozenset({"choices", "appearance"})
    has_choices = True

    def parse(self, item, raw):
        picked = set(raw)
        if not picked <= set(item.choice_codes):
            raise AnswerError("answer.not_a_choice")
        # Canonical order is the questionnaire's order, so equal answers compare equal.
        return " ".join(c for c in item.choice_codes if c in picked), None


class YesNo(QuestionType):
    name = "yes_no"
    keys = frozenset({"appearance"})

    def parse(self, item, raw):
        if len(raw) != 1 or raw[0] not in (YES, NO):
            raise AnswerError("answer.not_a_choice")
        return raw[0], 1.0 if raw[0] == YES else 0.0


class Number(QuestionType):
    name = "number"
    keys = frozenset({"min", "max", "integer", "unit"})

    def parse(self, item, raw):
        if len(raw) != 1:
            raise AnswerError("answer.not_a_number")
        text = raw[0].strip().replace(",", ".")
        try:
            value = float(text)
        except ValueError:
            raise AnswerError("answer.not_a_number") from None
        if not math.isfinite(value):
            raise AnswerError("answer.not_a_number")
        if item.integer and not value.is_integer():
            raise AnswerError("answer.not_integer")
        if item.min is not None and value < item.min:
            raise AnswerError("answer.below_min")
        if item.max is not None and value > item.max:
            raise AnswerError("answer.above_max")
        return (str(int(value)) if value.is_integer() else repr(value)), value


class ShortText(QuestionType):
    name = "short_text"
    keys = frozenset({"max_length"})
    default_max_length = 200

    def parse(self, item, raw):
        if len(raw) != 1:
            raise AnswerError("answer.not_text")
        # Some Vietnamese keyboards send decomposed diacritics; store one spelling of each word.
        text = unicodedata.normalize("NFC", raw[0].strip())
        if len(text) > (item.max_length or self.default_max_length):
            raise AnswerError("answer.too_long")
        return text, None


class LongText(ShortText):
    name = "long_text"
    default_max_length = 2000


class Date(QuestionType):
    name = "date"
    keys = frozenset()

    def parse(self, item, raw):
        if len(raw) != 1:
            raise AnswerError("answer.not_a_date")
        try:
            return date.fromisoformat(raw[0].strip()).isoformat(), None
        except ValueError:
            raise AnswerError("answer.not_a_date") from None


TYPES: dict[str, QuestionType] = {
    t.name: t() for t in (SingleChoice, MultipleChoice, YesNo, Number, ShortText, LongText, Date)
}
