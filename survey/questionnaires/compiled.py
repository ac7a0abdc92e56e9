"""The immutable, checked form of a questionnaire that the rest of the platform reads."""
from dataclasses import dataclass, field
from types import MappingProxyType

from survey.questionnaires.relevance import Condition
from survey.questionnaires.schema import Choice, IndexDef
from survey.questionnaires.types import QuestionType


@dataclass(frozen=True)
class Item:
    id: str
    qtype: QuestionType
    section_id: str
    text: MappingProxyType
    hint: MappingProxyType | None = None
    required: bool = False
    condition: Condition | None = None
    choices: tuple[Choice, ...] = ()
    # K for an item on a scale list (1..K), else None.
    scale_points: int | None = None
    appearance: str | None = None
    min: float | None = None
    max: float | None = None
    integer: bool = False
    unit: MappingProxyType | None = None
    max_length: int | None = None

    @property
    def type(self) -> str:
        return self.qtype.name

    @property
    def choice_codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.choices)


@dataclass(frozen=True)
class Section:
    id: str
    title: MappingProxyType
    intro: MappingProxyType | None
    items: tuple[Item, ...]


# Compared and hashed by identity: texts are mappings, and a registry holds each version once.
@dataclass(frozen=True, eq=False)
class Questionnaire:
    id: str
    version: int
    title: MappingProxyType
    description: MappingProxyType | None
    languages: tuple[str, ...]
    default_for: tuple[str, ...]
    sections: tuple[Section, ...]
    indices: tuple[IndexDef, ...]
    source_file: str
    # Index of the section (page) whose answers make a response count as given.
    complete_page: int
    items: MappingProxyType = field(init=False)

    def __post_init__(self):
        by_id = {item.id: item for section in self.sections for item in section.items}
        object.__setattr__(self, "items", MappingProxyType(by_id))

    @property
    def key(self) -> tuple[str, int]:
        return (self.id, self.version)

