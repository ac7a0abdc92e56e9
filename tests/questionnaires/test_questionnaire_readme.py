"""questionnaires/README.md is tested against the code, so the documented format cannot drift."""
import re
from pathlib import Path

import pytest

from survey.questionnaires import CODES
from survey.questionnaires.errors import ANSWER_CODES
from survey.questionnaires.schema import (
    APPEARANCES,
    ICONS,
    RULES,
    SERVICE_KINDS,
    Choice,
    ChoiceList,
    IndexDef,
    Item,
    QuestionnaireFile,
    Section,
)
from survey.questionnaires.types import COMMON_KEYS, TYPES

README = (Path(__file__).resolve().parents[2] / "questionnaires" / "README.md").read_text("utf-8")


def section(heading):
    """The text under `heading` up to the next heading of the same or a higher level."""
    level = heading.split(" ")[0]
    start = README.index(f"\n{heading}\n") + len(heading) + 2
    end = re.search(rf"^#{{1,{len(level)}}} ", README[start:], re.M)
    return README[start:start + end.start()] if end else README[start:]


def table(text):
    """Rows of the markdown tables in `text` as lists of cells, without header rows."""
    rows = []
    for line in text.splitlines():
        if line.startswith("|") and not line.startswith("|---"):
            rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return [row for row in rows if row[0].startswith("`")]


def documented(heading):
    return {row[0].strip("`"): row[1].replace("`", "") for row in table(section(heading))}


@pytest.mark.parametrize(("heading", "codes"), [
    ("## Error codes", CODES),
    ("## Answer error codes", ANSWER_CODES),
])
def test_the_readme_lists_exactly_the_codes(heading, codes):
    assert documented(heading) == codes


def test_the_readme_lists_each_type_with_the_keys_it_accepts():
    rows = table(section("### Items"))
    by_type = {row[0].strip("`"): row[1] for row in rows if row[0].strip("`") in TYPES}
    assert by_type.keys() == TYPES.keys()
    for name, cell in by_type.items():
        assert set(re.findall(r"`(\w+)`", cell)) == set(TYPES[name].keys), name


@pytest.mark.parametrize("model", [QuestionnaireFile, ChoiceList, Choice, Section, Item, IndexDef])
def test_the_readme_documents_every_key(model):
    rows = {row[0] for row in table(README)}
    for key in model.model_fields:
        assert any(f"`{key}`" in cell for cell in rows), f"{model.__name__}.{key}"


def test_the_readme_names_every_allowed_value():
    for value in (*ICONS, *RULES, *APPEARANCES, *SERVICE_KINDS, *COMMON_KEYS):
        assert f"`{value}`" in README, value


def test_the_readme_gives_the_check_command():
    assert "flask --app wsgi questionnaires check" in README
