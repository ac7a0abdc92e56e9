"""The closed registry of question types: what each accepts, and how its answers are stored,
read back, shown and exported.

An answer arrives as a list of strings (a form field or a synced JSON value) and is stored as
its canonical text and, where it has one, its number; or it is refused with an error code.
Every feature that reads answers asks the item's type (`item.qtype`) what they mean, never the
type's name. The web forms for each type live in survey.forms; a start-up check keeps the two
registries in step.
"""
import math
import unicodedata
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from survey.questionnaires.errors import ANSWER_CODES
from survey.questionnaires.schema import localized

COMMON_KEYS = frozenset({"id", "type", "text", "hint", "required", "relevant"})
YES, NO = "yes", "no"
# How an item's answers become export variables (survey.exports.variables).
EXPORT_NUMERIC = "numeric"      # one number: scales, yes/no (1/0), numbers
EXPORT_TEXT = "text"            # one text as stored
EXPORT_CODED = "coded"          # one text code, numbered 1..K where a format needs numbers
EXPORT_PER_CHOICE = "per_choice"  # one 0/1 variable per choice


@dataclass(frozen=True)
class Code:
    """One code an answer can be made of, with its number (None: not a number) and its text."""

    code: str
    number: int | None
    text: MappingProxyType


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

    # Codes every item of the type answers with, whatever its definition (yes/no).
    fixed_codes: tuple[str, ...] = ()
    # The answer is one of the item's own choices: a category to break results down or
    # calibrate by, and the only kind of item a scale (1..K) list can back.
    picks_one_choice = False

    @abstractmethod
    def parse(self, item, raw: list[str]) -> tuple[str, float | None]:
        """Return (canonical text, number or None) for a non-empty answer, or raise AnswerError."""

    def decode(self, item, value: str) -> list[str]:
        """The stored text as the strings `parse` takes back to it."""
        return [value]

    def codes(self, item) -> tuple[Code, ...]:
        """The codes an answer is made of, in questionnaire order; none for free answers."""
        return ()

    def show(self, item, value: str, lang: str) -> str:
        """A stored, non-empty value as a person reads it in `lang`."""
        return value

    def export_kind(self, item) -> str:
        return EXPORT_TEXT


class _Choices(QuestionType):
    keys = frozenset({"choices", "appearance"})
    has_choices = True

    def codes(self, item):
        return tuple(Code(c.code, c.value if isinstance(c.value, int) else None, c.text)
                     for c in item.choices)

    def show(self, item, value, lang):
        """Labels only: staff read "Rất hài lòng", not "3 · Rất hài lòng"; an unknown code as is."""
        labels = {c.code: localized(c.text, lang) for c in item.choices}
        return "; ".join(labels.get(code, code) for code in self.decode(item, value))


class SingleChoice(_Choices):
    name = "single_choice"
    picks_one_choice = True

    def parse(self, item, raw):
        if len(raw) != 1 or raw[0] not in item.choice_codes:
            raise AnswerError("answer.not_a_choice")
        # Only whole-number values are numbers: "03" (an ethnic-group code) or "15_30" is not.
        value = item.choices[item.choice_codes.index(raw[0])].value
        return raw[0], float(value) if isinstance(value, int) else None

    def export_kind(self, item):
        # Stata value labels exist only on whole numbers: text codes are numbered on export.
        return EXPORT_NUMERIC if all(isinstance(c.value, int) for c in item.choices) else EXPORT_CODED


class MultipleChoice(_Choices):
    name = "multiple_choice"

    def parse(self, item, raw):
        picked = set(raw)
        if not picked <= set(item.choice_codes):
            raise AnswerError("answer.not_a_choice")
        # Canonical order is the questionnaire's order, so equal answers compare equal.
        return " ".join(c for c in item.choice_codes if c in picked), None

    def decode(self, item, value):
        return value.split()

    def export_kind(self, item):
        return EXPORT_PER_CHOICE


class YesNo(QuestionType):
    name = "yes_no"
    keys = frozenset({"appearance"})
    fixed_codes = (YES, NO)
    _codes = (Code(YES, 1, MappingProxyType({"vi": "Có", "en": "Yes"})),
              Code(NO, 0, MappingProxyType({"vi": "Không", "en": "No"})))

    def parse(self, item, raw):
        if len(raw) != 1 or raw[0] not in self.fixed_codes:
            raise AnswerError("answer.not_a_choice")
        return raw[0], 1.0 if raw[0] == YES else 0.0

    def codes(self, item):
        return self._codes

    def show(self, item, value, lang):
        return localized(self._codes[value != YES].text, lang)

    def export_kind(self, item):
        return EXPORT_NUMERIC


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

    def export_kind(self, item):
        return EXPORT_NUMERIC


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
