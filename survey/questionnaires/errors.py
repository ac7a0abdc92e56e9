"""The error catalogue: every problem in a questionnaire file is a stable code plus a location.

Tests assert codes, never prose; the message is English for the command line.
"""
from dataclasses import dataclass

CODES = {
    "file.unreadable": "the file cannot be read as UTF-8 text",
    "file.name_mismatch": "the file name must be <id>.v<version>.yaml",
    "yaml.syntax": "the file is not valid YAML",
    "yaml.duplicate_key": "a mapping has the same key twice",
    "schema.not_mapping": "the document must be a mapping of keys",
    "schema.unknown_key": "a key that the format does not have",
    "schema.missing_key": "a required key is missing",
    "schema.wrong_type": "a value has the wrong type",
    "schema.bad_value": "a value is not one of those allowed",
    "schema.version": "unsupported schema_version",
    "id.bad_format": "ids are snake_case (questionnaire ids kebab-case), starting with a letter",
    "id.duplicate": "the same id is used twice",
    "type.unknown": "no such question type",
    "type.key_not_allowed": "this key does not apply to the item's type",
    "languages.first_not_vi": "Vietnamese (vi) must be the first, default language",
    "languages.unsupported": "a language the platform does not offer",
    "text.missing_language": "a text lacks a declared language",
    "text.unknown_language": "a text has a language the questionnaire does not declare",
    "text.empty": "a text is empty",
    "text.not_nfc": "a text is not NFC-normalised Unicode",
    "choices.missing": "a choice question or a choice list has no choices",
    "choices.unknown_list": "the named choice list does not exist",
    "choices.duplicate_value": "two choices share a value",
    "choices.value_format": "a text choice value is not a code of a-z, 0-9 and _",
    "choices.scale_values": "a scale's values must be the whole numbers 1..K in order",
    "choices.unused_list": "a choice list no item uses",
    "range.inverted": "min is greater than max",
    "relevant.syntax": "the skip-logic expression cannot be parsed",
    "relevant.unknown_item": "the expression names an item that does not exist",
    "relevant.forward_reference": "the expression names an item that comes later (or itself)",
    "relevant.bad_value": "the expression compares a choice item with a value it does not have",
    "sections.unknown_complete_after": "complete_after names no section of the questionnaire",
    "index.unknown_item": "an index names an item that does not exist",
    "index.not_scale": "an index item is not a single choice on a scale",
    "index.mixed_scales": "an index mixes scales of different lengths",
    "index.unknown_component": "an index is made of an index that does not exist",
    "index.cycle": "indices are made of each other in a circle",
    "index.mixed_rules": "a composite index mixes components with different rules",
    "index.shape": "an index needs items or of, not both, not empty (all/pooled/own_mean_top2: items only)",
    "index.weights": "weights must match the parts, be positive and sum to 1 (not all/pooled/own_mean_top2)",
    "index.headline_count": "more than one index is marked headline: true",
    "index.unknown_alternative": "alternative_to names no other index",
    "index.alternative_kind": "an alternative and its index must both be shares or both mean scores",
    "registry.duplicate_version": "two files define the same questionnaire id and version",
    "registry.default_conflict": "two questionnaires are the default for the same service kind",
}

# Problems with one answer (check_answers), keyed by item id rather than by location.
ANSWER_CODES = {
    "answer.unknown_item": "the questionnaire has no such item",
    "answer.required": "a required item that is shown was left blank",
    "answer.not_a_choice": "not one of the item's choices (or several for a single choice)",
    "answer.not_a_number": "not a number",
    "answer.not_integer": "a whole number is expected",
    "answer.below_min": "the number is below the item's min",
    "answer.above_max": "the number is above the item's max",
    "answer.not_text": "a text item received several values",
    "answer.too_long": "longer than the item's max_length",
    "answer.not_a_date": "not a date written YYYY-MM-DD",
}


@dataclass(frozen=True, order=True)
class QuestionnaireError:
    location: str
    code: str
    detail: str = ""

    def __post_init__(self):
        if self.code not in CODES:
            raise ValueError(f"unregistered questionnaire error code {self.code!r}")

    def __str__(self) -> str:
        detail = f" ({self.detail})" if self.detail else ""
        return f"{self.location}: {self.code}: {CODES[self.code]}{detail}"


class QuestionnaireLoadError(Exception):
    """Raised at start-up when any questionnaire file is invalid; carries every error found."""

    def __init__(self, errors):
        self.errors = tuple(sorted(errors))
        super().__init__("\n".join(str(e) for e in self.errors))
