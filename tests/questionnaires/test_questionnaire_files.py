"""The questionnaires the platform ships: they load, read completely in vi and en, follow the
official structures, and the registry built from them cannot be changed."""
import dataclasses
import unicodedata
from pathlib import Path

import pydantic
import pytest

from survey.questionnaires import load_registry
from survey.questionnaires.schema import ICONS

DIRECTORY = Path(__file__).resolve().parents[2] / "questionnaires"

# GSO ethnic-group codes of the groups the forms list (shared/domain/lai-chau-ethnicity.csv).
GSO_ETHNIC_CODES = {
    "Thái": "03", "Mông": "08", "Kinh": "01", "Dao": "09", "Hà Nhì": "35", "Giáy": "25",
    "La Hủ": "41", "Khơ Mú": "29", "Lào": "37", "Lự": "42", "Mảng": "45", "Tày": "02",
    "Mường": "06", "Cống": "48", "Hoa": "04", "Kháng": "33", "Si La": "50",
}


@pytest.fixture(scope="module")
def registry():
    return load_registry(DIRECTORY)


def scale_items(questionnaire, section_id):
    section = next(s for s in questionnaire.sections if s.id == section_id)
    return [item.id for item in section.items if item.scale_points]


def index(questionnaire, index_id):
    return next(i for i in questionnaire.indices if i.id == index_id)


def texts(q):
    """Yield (where, text) for every text a respondent or a report can show."""
    yield "title", q.title
    yield "description", q.description
    for section in q.sections:
        yield f"{section.id}.title", section.title
        yield f"{section.id}.intro", section.intro
        for item in section.items:
            for key in ("text", "hint", "unit"):
                yield f"{item.id}.{key}", getattr(item, key)
            for choice in item.choices:
                yield f"{item.id}={choice.code}", choice.text
    for idx in q.indices:
        yield f"indices.{idx.id}", idx.label


def test_every_shipped_questionnaire_loads(registry):
    assert sorted(q.key for q in registry) == [
        ("education-parents", 1), ("health-inpatient", 1), ("health-outpatient", 1),
        ("sipas", 1), ("tthc-desk", 1), ("tthc-desk", 2),
    ]


@pytest.mark.parametrize("qid", ["education-parents", "health-inpatient", "health-outpatient",
                                 "sipas", "tthc-desk"])
def test_every_text_is_complete_in_vi_and_en(registry, qid):
    q = registry.get(qid)
    assert q.languages == ("vi", "en")
    for where, text in texts(q):
        if text is None:
            continue
        assert set(text) == {"vi", "en"}, where
        for value in text.values():
            assert value.strip() and unicodedata.is_normalized("NFC", value), where


def test_defaults_per_service_kind(registry):
    defaults = {kind: registry.default_for(kind).id for kind in
                ("one_stop_province", "one_stop_commune", "health_station", "hospital", "school")}
    assert defaults == {
        "one_stop_province": "tthc-desk", "one_stop_commune": "tthc-desk",
        "health_station": "health-outpatient", "hospital": "health-inpatient",
        "school": "education-parents",
    }
    assert registry.get("sipas").default_for == ()


def test_every_five_point_scale_runs_from_very_dissatisfied_to_very_satisfied(registry):
    for q in registry:
        for item in q.items.values():
            if item.scale_points == 5:
                assert tuple(c.icon for c in item.choices) == ICONS, (q.id, item.id)
                assert item.choices[0].text["vi"] == "Rất không hài lòng"
                assert item.choices[4].text["vi"] == "Rất hài lòng"


def test_ethnic_groups_carry_their_gso_codes(registry):
    for q in registry:
        if "ethnicity" not in q.items:
            continue
        choices = {c.text["vi"]: c.code for c in q.items["ethnicity"].choices}
        assert choices.pop("Dân tộc khác") == "other"
        assert choices == GSO_ETHNIC_CODES, q.id


def test_sipas_has_the_five_elements_and_an_overall_index(registry):
    q = registry.get("sipas")
    elements = {"access": 4, "procedures": 4, "officials": 5, "results": 3, "feedback": 3}
    for element, count in elements.items():
        assert len(scale_items(q, element)) == count
        assert index(q, element).items == tuple(scale_items(q, element))
        assert index(q, element).rule == "top2_share"
    overall = index(q, "overall")
    assert (overall.rule, overall.of, overall.weights) == ("top2_share", tuple(elements), None)
    assert q.items["priorities"].type == "multiple_choice"
    assert [c.code for c in q.items["age_band"].choices] == [
        "18_25", "26_34", "35_49", "50_60", "over_60"]
    assert len(q.items["education"].choices) == 6
    assert len(q.items["occupation"].choices) == 7
    assert [c.code for c in q.items["residence"].choices] == ["urban", "rural"]


@pytest.mark.parametrize(("qid", "counts"), [
    ("health-outpatient", (5, 10, 8, 4, 4)),
    ("health-inpatient", (5, 7, 11, 7, 6)),
])
def test_health_sections_and_indices(registry, qid, counts):
    q = registry.get(qid)
    sections = ("access", "transparency", "facilities", "staff", "results")
    assert tuple(len(scale_items(q, s)) for s in sections) == counts
    everything = tuple(i for s in sections for i in scale_items(q, s))
    assert index(q, "overall_rate").rule == "pooled_top2"
    assert index(q, "comprehensive").rule == "all_top2"
    assert index(q, "overall_rate").items == index(q, "comprehensive").items == everything
    for section in sections:
        assert index(q, section).items == index(q, f"{section}_mean").items
        assert index(q, section).items == tuple(scale_items(q, section))
    expectation = q.items["expectation_met"]
    assert (expectation.type, expectation.min, expectation.max, expectation.integer) == (
        "number", 0, 100, True)
    assert len(q.items["return_intent"].choices) == 5
    assert q.items["health_insurance"].type == "yes_no"
    assert q.items["age"].type == "number"


def test_education_asks_the_school_level_first(registry):
    q = registry.get("education-parents")
    first = q.sections[0].items[0]
    assert first.id == "school_level"
    assert first.choice_codes == ("preschool", "primary", "lower_secondary", "upper_secondary")
    contents = ("access", "facilities", "environment", "activities", "results")
    assert index(q, "overall").of == contents
    assert all(index(q, c).items == tuple(scale_items(q, c)) for c in contents)


def test_the_registry_cannot_be_changed(registry):
    with pytest.raises(AttributeError):
        registry._by_key = {}
    with pytest.raises(AttributeError):
        registry.extra = 1
    with pytest.raises(AttributeError):
        del registry._latest


def test_a_questionnaire_cannot_be_changed(registry):
    q = registry.get("sipas")
    item = q.items["official_polite"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        q.version = 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        item.required = True
    with pytest.raises(TypeError):
        q.items["new"] = item
    with pytest.raises(TypeError):
        item.text["vi"] = "Khác"
    with pytest.raises(AttributeError):
        q.sections[0].items.append(item)
    with pytest.raises(pydantic.ValidationError):
        item.choices[0].value = 9
    with pytest.raises(pydantic.ValidationError):
        index(q, "overall").rule = "mean_score"
