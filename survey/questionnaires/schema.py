"""The strict shape of a questionnaire file (pydantic): unknown keys and wrong types are rejected.

The parsed models are frozen; lists become tuples and texts read-only mappings, so the registry
built from them is immutable.
"""
from types import MappingProxyType
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
)

from survey.service_kinds import SERVICE_KINDS

# Text in each declared language, e.g. {vi: "Hài lòng", en: "Satisfied"}.
Text = Annotated[dict[StrictStr, StrictStr], AfterValidator(MappingProxyType)]


def localized(text, lang: str, default: str = "vi") -> str:
    """Pick a text's wording in `lang`, falling back to the questionnaire's default language."""
    if text is None:
        return ""
    return text.get(lang) or text.get(default) or next(iter(text.values()), "")

ICONS = ("very_dissatisfied", "dissatisfied", "neutral", "satisfied", "very_satisfied")
RULES = ("top2_share", "mean_score", "all_top2", "pooled_top2", "own_mean_top2")
APPEARANCES = ("faces", "buttons", "list", "dropdown")


class _Strict(BaseModel):
    # Scalars are strict (no "3" for 3, no 1 for true); YAML lists are accepted for tuples.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Choice(_Strict):
    value: StrictInt | StrictStr
    text: Text
    icon: Literal[ICONS] | None = None  # type: ignore[valid-type]

    @property
    def code(self) -> str:
        """The value as stored in answers."""
        return str(self.value)


class ChoiceList(_Strict):
    # A scale is ordered 1..K: it can feed indices (top-2-box share, mean score).
    scale: StrictBool = False
    choices: tuple[Choice, ...]


class Item(_Strict):
    id: StrictStr
    type: StrictStr
    text: Text
    hint: Text | None = None
    required: StrictBool = False
    relevant: StrictStr | None = None
    choices: StrictStr | tuple[Choice, ...] | None = None
    appearance: Literal[APPEARANCES] | None = None  # type: ignore[valid-type]
    min: StrictInt | StrictFloat | None = None
    max: StrictInt | StrictFloat | None = None
    integer: StrictBool | None = None
    unit: Text | None = None
    max_length: StrictInt | None = Field(default=None, gt=0, le=10000)


class Section(_Strict):
    id: StrictStr
    title: Text
    intro: Text | None = None
    items: tuple[Item, ...] = Field(min_length=1)


class IndexDef(_Strict):
    id: StrictStr
    label: Text
    rule: Literal[RULES]  # type: ignore[valid-type]
    items: tuple[StrictStr, ...] | None = None
    of: tuple[StrictStr, ...] | None = None
    weights: tuple[StrictInt | StrictFloat, ...] | None = None
    reverse: tuple[StrictStr, ...] = ()
    # The one index results lead with, and other definitions shown beside it on request.
    headline: StrictBool = False
    alternative_to: StrictStr | None = None


class QuestionnaireFile(_Strict):
    schema_version: Literal[1]
    id: StrictStr
    version: StrictInt = Field(ge=1)
    title: Text
    description: Text | None = None
    languages: tuple[StrictStr, ...] = Field(min_length=1)
    default_for: tuple[Literal[SERVICE_KINDS], ...] = ()  # type: ignore[valid-type]
    choice_lists: dict[StrictStr, ChoiceList] = Field(default_factory=dict)
    sections: tuple[Section, ...] = Field(min_length=1)
    # The section after which a response counts as given (default: the last). Later sections
    # are optional follow-ups: a one-tap desk rating counts even if the citizen stops there.
    complete_after: StrictStr | None = None
    indices: tuple[IndexDef, ...] = ()
