"""The error catalogue: one broken file per error code, asserting the exact code and location.

Every case starts from VALID, a small complete file, and breaks one thing; `swap` shows what.
"""
import unicodedata

import pytest

from survey.questionnaires import CODES, check_directory, parse_file
from survey.questionnaires.loader import compile_file
from survey.questionnaires.registry import Registry

HEAD = """\
schema_version: 1
id: x
version: 1
title: {vi: Phiếu thử, en: Test form}
languages: [vi, en]
"""
LISTS = """\
choice_lists:
  sat3:
    scale: true
    choices:
      - {value: 1, text: {vi: Không hài lòng, en: Dissatisfied}, icon: dissatisfied}
      - {value: 2, text: {vi: Hài lòng, en: Satisfied}, icon: satisfied}
      - {value: 3, text: {vi: Rất hài lòng, en: Very satisfied}, icon: very_satisfied}
"""
SECTIONS = """\
sections:
  - id: rating
    title: {vi: Đánh giá, en: Rating}
    items:
      - id: satisfaction
        type: single_choice
        choices: sat3
        text: {vi: Mức độ hài lòng, en: Satisfaction}
      - id: reason
        type: long_text
        relevant: "satisfaction == 1"
        text: {vi: Lý do chưa hài lòng, en: Why not satisfied}
"""
INDICES = """\
indices:
  - id: satisfied
    label: {vi: Tỷ lệ hài lòng, en: Share satisfied}
    rule: top2_share
    items: [satisfaction]
"""
VALID = HEAD + LISTS + SECTIONS + INDICES

# A second scale and an index built of indices, for the composite cases.
SAT5 = """\
  sat5:
    scale: true
    choices:
      - {value: 1, text: {vi: Rất không hài lòng, en: Very dissatisfied}}
      - {value: 2, text: {vi: Không hài lòng, en: Dissatisfied}}
      - {value: 3, text: {vi: Bình thường, en: Neutral}}
      - {value: 4, text: {vi: Hài lòng, en: Satisfied}}
      - {value: 5, text: {vi: Rất hài lòng, en: Very satisfied}}
"""
WAITING = """\
      - id: waiting
        type: single_choice
        choices: sat5
        text: {vi: Thời gian chờ, en: Waiting time}
"""
TWO_SCALES = HEAD + LISTS + SAT5 + SECTIONS + WAITING


def swap(old, new, text=VALID):
    """VALID (or `text`) with one piece replaced: the piece must be there, once."""
    assert text.count(old) == 1, old
    return text.replace(old, new)


FOR_SCHOOLS = swap("[vi, en]\n", "[vi, en]\ndefault_for: [school]\n")


def index(body):
    """VALID with one more index, written as its YAML mapping body."""
    return VALID + "  - " + body.strip().replace("\n", "\n    ") + "\n"


def composite(body, base=TWO_SCALES):
    """A file with two component indices, `wait` (top2_share) and `wait_mean`, plus `body`."""
    return base + """\
indices:
  - id: satisfied
    label: {vi: Hài lòng, en: Satisfied}
    rule: top2_share
    items: [satisfaction]
  - id: wait
    label: {vi: Thời gian chờ, en: Waiting}
    rule: top2_share
    items: [waiting]
  - id: wait_mean
    label: {vi: Điểm thời gian chờ, en: Waiting score}
    rule: mean_score
    items: [waiting]
  - """ + body.strip().replace("\n", "\n    ") + "\n"


# An overall index marked as the headline, and an index offered as an alternative to another.
HEADLINE = composite("""
id: overall
label: {vi: Chung, en: Overall}
rule: top2_share
of: [satisfied, wait]
headline: true
""")


def every_item(alternative_to):
    return index(f"""
id: every
label: {{vi: Mọi câu, en: Every item}}
rule: all_top2
items: [satisfaction]
alternative_to: {alternative_to}
""")


def case(code, location, files, *more, id=None):
    """One catalogue entry: `files` (x.v1.yaml's text or {name: text}) give exactly these errors."""
    if not isinstance(files, dict):
        files = {"x.v1.yaml": files}
    expected = [(location, code), *more]
    return pytest.param(files, sorted(expected), id=id or code)


CASES = [
    case("file.unreadable", "x.v1.yaml:(file)", VALID.encode("utf-8") + b"\xff\xfe\n"),
    case("file.name_mismatch", "y.v1.yaml:id", {"y.v1.yaml": VALID}),
    case("file.name_mismatch", "x.v2.yaml:id", {"x.v2.yaml": VALID}, id="version-not-in-name"),
    case("file.name_mismatch", "x.v1.yml:(file)", {"x.v1.yml": VALID}, id="yml-extension"),
    case("yaml.syntax", "x.v1.yaml:line 6, column 13", swap("[vi, en]", "[vi, en")),
    case("yaml.syntax", "x.v1.yaml:line 4, column 18",
         swap("vi: Phiếu thử, en", "vi: Phiếu: thử, en"), id="colon-in-flow-text"),
    case("yaml.syntax", "x.v1.yaml:character 24", swap("id: x\n", "id: x\x07\n"),
         id="control-character"),
    case("yaml.duplicate_key", "x.v1.yaml:line 4, column 1",
         swap("\nversion: 1\n", "\nversion: 1\nid: y\n")),
    case("yaml.duplicate_key", "x.v1.yaml:line 20, column 55",
         swap("text: {vi: Mức độ hài lòng, en: Satisfaction}",
              "text: {vi: Mức độ hài lòng, en: Satisfaction, vi: Hài lòng}"),
         id="duplicate-language"),
    case("schema.not_mapping", "x.v1.yaml:(top)", "- id: x\n- version: 1\n"),
    case("schema.not_mapping", "x.v1.yaml:(top)", "# nothing yet\n", id="empty-file"),
    case("schema.unknown_key", "x.v1.yaml:rating.satisfaction.requird",
         swap("choices: sat3\n", "choices: sat3\n        requird: true\n"), id="typo-key"),
    case("schema.unknown_key", "x.v1.yaml:choice_lists.sat3.choices[2].colour",
         swap("icon: very_satisfied}", "icon: very_satisfied, colour: green}"), id="choice-key"),
    case("schema.unknown_key", "x.v1.yaml:indices.satisfied.item",
         swap("    items: [satisfaction]", "    item: [satisfaction]"), id="index-key"),
    case("schema.missing_key", "x.v1.yaml:rating.satisfaction.type",
         swap("        type: single_choice\n", "")),
    case("schema.missing_key", "x.v1.yaml:sections", HEAD + LISTS, id="no-sections"),
    case("schema.wrong_type", "x.v1.yaml:rating.satisfaction.choices",
         swap("choices: sat3", "choices: 3")),
    case("schema.wrong_type", "x.v1.yaml:version", swap("\nversion: 1", '\nversion: "1"'),
         id="quoted-number"),
    case("schema.wrong_type", "x.v1.yaml:rating.reason.required",
         swap("type: long_text\n", "type: long_text\n        required: 'yes'\n"), id="quoted-bool"),
    case("schema.wrong_type", "x.v1.yaml:choice_lists.sat3.choices[0].text.en",
         swap("en: Dissatisfied", "en: 12"), id="number-as-text"),
    case("schema.bad_value", "x.v1.yaml:choice_lists.sat3.choices[0].icon",
         swap("icon: dissatisfied", "icon: sad")),
    case("schema.bad_value", "x.v1.yaml:indices.satisfied.rule",
         swap("rule: top2_share", "rule: top3_share"), id="unknown-rule"),
    case("schema.bad_value", "x.v1.yaml:rating.items", HEAD + """\
sections:
  - id: rating
    title: {vi: Đánh giá, en: Rating}
    items: []
""", id="empty-section"),
    case("schema.bad_value", "x.v1.yaml:default_for[0]",
         swap("languages: [vi, en]\n", "languages: [vi, en]\ndefault_for: [market]\n"),
         id="unknown-service-kind"),
    case("schema.version", "x.v1.yaml:schema_version",
         swap("schema_version: 1", "schema_version: 2")),
    case("id.bad_format", "x.v1.yaml:rating.Satisfaction",
         swap("- id: satisfaction", "- id: Satisfaction"),
         ("x.v1.yaml:indices.satisfied.items", "index.unknown_item"),
         ("x.v1.yaml:rating.reason.relevant", "relevant.unknown_item")),
    case("id.bad_format", "x_form.v1.yaml:id", {"x_form.v1.yaml": swap("id: x\n", "id: x_form\n")},
         id="questionnaire-id"),
    case("id.duplicate", "x.v1.yaml:rating.satisfaction",
         swap("- id: reason", "- id: satisfaction")),
    case("id.duplicate", "x.v1.yaml:indices.satisfaction",
         swap("- id: satisfied", "- id: satisfaction"), id="index-named-like-item"),
    case("id.duplicate", "x.v1.yaml:indices.satisfied.items",
         swap("items: [satisfaction]", "items: [satisfaction, satisfaction]"),
         id="item-twice-in-index"),
    case("type.unknown", "x.v1.yaml:rating.satisfaction.type",
         swap("type: single_choice", "type: rating"),
         ("x.v1.yaml:indices.satisfied.items", "index.not_scale")),
    case("type.key_not_allowed", "x.v1.yaml:rating.satisfaction.max",
         swap("choices: sat3\n", "choices: sat3\n        max: 3\n")),
    case("type.key_not_allowed", "x.v1.yaml:rating.reason.choices",
         swap("type: long_text\n", "type: long_text\n        choices: sat3\n"),
         id="choices-on-text"),
    case("languages.first_not_vi", "x.v1.yaml:languages", swap("[vi, en]", "[en, vi]")),
    case("languages.unsupported", "x.v1.yaml:languages", """\
schema_version: 1
id: x
version: 1
title: {vi: Phiếu thử, fr: Formulaire d'essai}
languages: [vi, fr]
sections:
  - id: s
    title: {vi: Phần một, fr: Partie un}
    items:
      - id: comment
        type: long_text
        text: {vi: Góp ý, fr: Commentaire}
"""),
    case("text.missing_language", "x.v1.yaml:rating.satisfaction.text",
         swap("{vi: Mức độ hài lòng, en: Satisfaction}", "{en: Satisfaction}"), id="missing-vi"),
    case("text.missing_language", "x.v1.yaml:indices.satisfied.label",
         swap("{vi: Tỷ lệ hài lòng, en: Share satisfied}", "{vi: Tỷ lệ hài lòng}"),
         id="missing-en"),
    case("text.unknown_language", "x.v1.yaml:title",
         swap("en: Test form}", "en: Test form, fr: Essai}")),
    case("text.empty", "x.v1.yaml:choice_lists.sat3.choices[1].text",
         swap("en: Satisfied}, icon: satisfied", "en: ' '}, icon: satisfied")),
    case("text.not_nfc", "x.v1.yaml:choice_lists.sat3.choices[1].text",
         swap("vi: Hài lòng,", f"vi: {unicodedata.normalize('NFD', 'Hài lòng')},")),
    case("choices.missing", "x.v1.yaml:rating.satisfaction",
         swap("        choices: sat3\n", ""),
         ("x.v1.yaml:choice_lists.sat3", "choices.unused_list"),
         ("x.v1.yaml:indices.satisfied.items", "index.not_scale")),
    case("choices.missing", "x.v1.yaml:rating.satisfaction.choices",
         swap("choices: sat3", "choices: []"),
         ("x.v1.yaml:choice_lists.sat3", "choices.unused_list"),
         ("x.v1.yaml:indices.satisfied.items", "index.not_scale"), id="empty-inline-choices"),
    case("choices.missing", "x.v1.yaml:choice_lists.none",
         swap("choices: sat3", "choices: none", HEAD + "choice_lists:\n  none: {choices: []}\n"
              + SECTIONS + INDICES),
         ("x.v1.yaml:indices.satisfied.items", "index.not_scale"), id="empty-list"),
    case("choices.unknown_list", "x.v1.yaml:rating.satisfaction.choices",
         swap("choices: sat3", "choices: sat7"),
         ("x.v1.yaml:choice_lists.sat3", "choices.unused_list"),
         ("x.v1.yaml:indices.satisfied.items", "index.not_scale")),
    case("choices.duplicate_value", "x.v1.yaml:rating.reason.choices", swap(
        "type: long_text\n",
        "type: single_choice\n        choices:\n"
        "          - {value: a, text: {vi: Một, en: One}}\n"
        "          - {value: a, text: {vi: Hai, en: Two}}\n",
    )),
    case("choices.duplicate_value", "x.v1.yaml:choice_lists.sat3",
         swap("value: 3, text", "value: '2', text"), ("x.v1.yaml:choice_lists.sat3",
         "choices.scale_values"), id="same-as-text"),
    case("choices.value_format", "x.v1.yaml:rating.reason.choices", swap(
        "type: long_text\n",
        "type: multiple_choice\n        choices:\n"
        "          - {value: too slow, text: {vi: Chậm, en: Slow}}\n"
        "          - {value: rude, text: {vi: Thiếu lịch sự, en: Impolite}}\n",
    )),
    case("choices.scale_values", "x.v1.yaml:choice_lists.sat3",
         swap("value: 3, text", "value: 4, text")),
    case("choices.scale_values", "x.v1.yaml:choice_lists.sat3",
         swap("value: 3, text", "value: c, text"), id="text-value-on-scale"),
    case("choices.unused_list", "x.v1.yaml:choice_lists.spare",
         swap("sections:", "  spare:\n    choices:\n      - {value: a, text: {vi: A, en: A}}\n"
              "sections:")),
    case("sections.unknown_complete_after", "x.v1.yaml:complete_after",
         swap("sections:", "complete_after: details\nsections:")),
    case("range.inverted", "x.v1.yaml:rating.age",
         VALID.replace("indices:", "      - id: age\n        type: number\n        min: 100\n"
                       "        max: 18\n        text: {vi: Tuổi, en: Age}\nindices:")),
    case("relevant.syntax", "x.v1.yaml:rating.reason.relevant",
         swap('"satisfaction == 1"', '"satisfaction = 1"')),
    case("relevant.syntax", "x.v1.yaml:rating.reason.relevant",
         swap('"satisfaction == 1"', '"len(satisfaction) > 1"'), id="unknown-function"),
    case("relevant.syntax", "x.v1.yaml:rating.reason.relevant",
         swap('"satisfaction == 1"', '"satisfaction"'), id="bare-name"),
    case("relevant.unknown_item", "x.v1.yaml:rating.reason.relevant",
         swap('"satisfaction == 1"', '"satisfation == 1"')),
    case("relevant.forward_reference", "x.v1.yaml:rating.reason.relevant",
         swap('"satisfaction == 1"', '"answered(comment)"', VALID.replace(
             "indices:", "      - id: comment\n        type: long_text\n"
             "        text: {vi: Góp ý, en: Comment}\nindices:"))),
    case("relevant.forward_reference", "x.v1.yaml:rating.reason.relevant",
         swap('"satisfaction == 1"', '"answered(reason)"'), id="itself"),
    case("relevant.bad_value", "x.v1.yaml:rating.reason.relevant",
         swap('"satisfaction == 1"', '"satisfaction in [1, 4]"')),
    case("index.unknown_item", "x.v1.yaml:indices.satisfied.items",
         swap("[satisfaction]", "[satisfaction, speed]")),
    case("index.unknown_item", "x.v1.yaml:indices.satisfied.reverse",
         swap("items: [satisfaction]", "items: [satisfaction]\n    reverse: [reason]"),
         id="reverse-not-in-items"),
    case("index.not_scale", "x.v1.yaml:indices.satisfied.items",
         swap("[satisfaction]", "[satisfaction, reason]")),
    case("index.mixed_scales", "x.v1.yaml:indices.both.items", TWO_SCALES + """\
indices:
  - id: both
    label: {vi: Chung, en: Both}
    rule: top2_share
    items: [satisfaction, waiting]
"""),
    case("index.unknown_component", "x.v1.yaml:indices.overall.of", index("""
id: overall
label: {vi: Chung, en: Overall}
rule: top2_share
of: [satisfied, speed]
""")),
    case("index.cycle", "x.v1.yaml:indices.a.of", index("""
id: a
label: {vi: A, en: A}
rule: top2_share
of: [satisfied, b]
""") + """\
  - id: b
    label: {vi: B, en: B}
    rule: top2_share
    of: [a]
"""),
    case("index.cycle", "x.v1.yaml:indices.a.of", index("""
id: a
label: {vi: A, en: A}
rule: top2_share
of: [a]
"""), id="itself"),
    case("index.mixed_rules", "x.v1.yaml:indices.overall.of", composite("""
id: overall
label: {vi: Chung, en: Overall}
rule: top2_share
of: [satisfied, wait_mean]
""")),
    case("index.shape", "x.v1.yaml:indices.satisfied",
         swap("items: [satisfaction]", "items: [satisfaction]\n    of: [satisfied]"), id="both"),
    case("index.shape", "x.v1.yaml:indices.satisfied",
         swap("    items: [satisfaction]\n", ""), id="neither"),
    case("index.shape", "x.v1.yaml:indices.satisfied",
         swap("items: [satisfaction]", "items: []"), id="empty"),
    case("index.shape", "x.v1.yaml:indices.overall", composite("""
id: overall
label: {vi: Toàn diện, en: Comprehensive}
rule: all_top2
of: [satisfied]
"""), id="all_top2-of-indices"),
    case("index.weights", "x.v1.yaml:indices.overall.weights", composite("""
id: overall
label: {vi: Chung, en: Overall}
rule: top2_share
of: [satisfied, wait]
weights: [0.5, 0.6]
""")),
    case("index.weights", "x.v1.yaml:indices.overall.weights", composite("""
id: overall
label: {vi: Chung, en: Overall}
rule: top2_share
of: [satisfied, wait]
weights: [1]
"""), id="count"),
    case("index.weights", "x.v1.yaml:indices.overall.weights", composite("""
id: overall
label: {vi: Chung, en: Overall}
rule: top2_share
of: [satisfied, wait]
weights: [1.5, -0.5]
"""), id="negative"),
    case("index.weights", "x.v1.yaml:indices.satisfied.weights",
         swap("rule: top2_share\n    items: [satisfaction]",
              "rule: pooled_top2\n    items: [satisfaction]\n    weights: [1]"), id="pooled"),
    case("index.shape", "x.v1.yaml:indices.overall", composite("""
id: overall
label: {vi: Trung bình riêng, en: Own mean}
rule: own_mean_top2
of: [satisfied]
"""), id="own_mean_top2-of-indices"),
    case("index.headline_count", "x.v1.yaml:indices.overall.headline",
         swap("top2_share\n    items: [waiting]\n", "top2_share\n    items: [waiting]\n    headline: true\n",
              HEADLINE)),
    case("index.unknown_alternative", "x.v1.yaml:indices.every.alternative_to", every_item("overall")),
    case("index.unknown_alternative", "x.v1.yaml:indices.every.alternative_to", every_item("every"),
         id="itself-alternative"),
    case("index.alternative_kind", "x.v1.yaml:indices.wait_mean.alternative_to",
         swap("rule: mean_score\n    items: [waiting]\n",
              "rule: mean_score\n    items: [waiting]\n    alternative_to: overall\n", HEADLINE)),
    case("registry.default_conflict", "y.v1.yaml:default_for", {
        "x.v1.yaml": FOR_SCHOOLS, "y.v1.yaml": swap("id: x\n", "id: y\n", FOR_SCHOOLS),
    }),
]


def test_plain_scalars_read_as_a_form_author_means_them(write):
    """Unlike YAML 1.1: No stays a word, 18_25 and 03 stay codes; only true/false are booleans."""
    text = swap("en: Dissatisfied", "en: No")
    text = swap("sections:", "  bands:\n    choices:\n"
                "      - {value: 18_25, text: {vi: Từ 18 đến 25, en: 18 to 25}}\n"
                "      - {value: 03, text: {vi: Thái, en: Thai}}\n"
                "      - {value: 2, text: {vi: Hai, en: Two}}\nsections:", text)
    text = swap("type: long_text\n", "type: single_choice\n        choices: bands\n"
                "        required: true\n", text)
    doc, errors = parse_file(write({"x.v1.yaml": text}) / "x.v1.yaml")
    assert errors == []
    assert [c.value for c in doc.choice_lists["bands"].choices] == ["18_25", "03", 2]
    assert doc.choice_lists["sat3"].choices[0].text["en"] == "No"
    assert doc.sections[0].items[1].required is True


def test_the_base_file_is_valid(write):
    loaded, errors = check_directory(write({"x.v1.yaml": VALID}))
    assert errors == []
    assert [q.key for q in loaded] == [("x", 1)]


@pytest.mark.parametrize(("files", "expected"), CASES)
def test_catalogue(write, files, expected):
    loaded, errors = check_directory(write(files))
    assert sorted((e.location, e.code) for e in errors) == expected


def test_duplicate_version_across_directories(write):
    """Inside one directory the name rule (<id>.v<version>.yaml) already makes this impossible."""
    root = write({"a/x.v1.yaml": VALID, "b/x.v1.yaml": VALID})
    docs = [parse_file(root / d / "x.v1.yaml")[0] for d in ("a", "b")]
    errors = Registry.conflicts([compile_file(doc, "x.v1.yaml") for doc in docs])
    assert [(e.location, e.code) for e in errors] == [
        ("x.v1.yaml:version", "registry.duplicate_version")]


def test_only_the_latest_version_claims_a_default(write):
    loaded, errors = check_directory(write({
        "x.v1.yaml": FOR_SCHOOLS,
        "x.v2.yaml": swap("\nversion: 1", "\nversion: 2"),
        "y.v1.yaml": swap("id: x\n", "id: y\n", FOR_SCHOOLS),
    }))
    assert errors == []
    assert len(loaded) == 3


def test_a_broken_file_does_not_hide_the_others(write):
    loaded, errors = check_directory(write({"x.v1.yaml": VALID, "y.v1.yaml": "id: [\n"}))
    assert [q.id for q in loaded] == ["x"]
    assert [e.code for e in errors] == ["yaml.syntax"]


def test_headline_and_alternatives_load(write):
    text = HEADLINE + """\
  - id: own_mean
    label: {vi: Trung bình riêng từ 4, en: Own mean of 4 or more}
    rule: own_mean_top2
    items: [satisfaction]
    alternative_to: overall
"""
    loaded, errors = check_directory(write({"x.v1.yaml": text}))
    assert errors == []
    indices = {i.id: i for i in loaded[0].indices}
    assert indices["overall"].headline and indices["own_mean"].alternative_to == "overall"


def test_every_code_is_in_the_catalogue():
    exercised = {code for param in CASES for _, code in param.values[1]}
    exercised.add("registry.duplicate_version")  # test_duplicate_version_across_directories
    assert exercised == set(CODES)
