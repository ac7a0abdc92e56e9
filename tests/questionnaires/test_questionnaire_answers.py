"""check_answers: skip logic, required items, answer types and the stored text of each answer."""
import unicodedata

import pytest

from survey.questionnaires import check_answers, load_registry
from survey.questionnaires.errors import ANSWER_CODES
from survey.questionnaires.relevance import parse
from survey.questionnaires.types import AnswerError

FORM = """\
schema_version: 1
id: a
version: 1
title: {vi: Phiếu thử, en: Test form}
languages: [vi, en]
choice_lists:
  sat3:
    scale: true
    choices:
      - {value: 1, text: {vi: Không hài lòng, en: Dissatisfied}}
      - {value: 2, text: {vi: Hài lòng, en: Satisfied}}
      - {value: 3, text: {vi: Rất hài lòng, en: Very satisfied}}
  payment:
    choices:
      - {value: none, text: {vi: Không, en: Never}}
      - {value: some, text: {vi: Có một vài lần, en: A few times}}
      - {value: many, text: {vi: Có nhiều lần, en: Many times}}
  ethnicity:
    choices:
      - {value: "03", text: {vi: Thái, en: Thai}}
      - {value: "08", text: {vi: Mông, en: Hmong}}
      - {value: other, text: {vi: Dân tộc khác, en: Other}}
  priority:
    choices:
      - {value: fees, text: {vi: Giảm phí, en: Lower fees}}
      - {value: time, text: {vi: Rút ngắn thời gian, en: Less time}}
      - {value: other, text: {vi: Khác, en: Other}}
sections:
  - id: main
    title: {vi: Phần chính, en: Main}
    items:
      - id: satisfaction
        type: single_choice
        choices: sat3
        required: true
        text: {vi: Mức độ hài lòng, en: Satisfaction}
      - id: reason
        type: long_text
        max_length: 20
        required: true
        relevant: "satisfaction == 1"
        text: {vi: Lý do, en: Reason}
      - id: informal_payment
        type: single_choice
        choices: payment
        text: {vi: Chi thêm ngoài quy định, en: Informal payment}
      - id: amount
        type: number
        min: 0
        max: 10000000
        integer: true
        relevant: "informal_payment in ['some', 'many']"
        text: {vi: Số tiền, en: Amount}
  - id: more
    title: {vi: Thêm, en: More}
    items:
      - id: priorities
        type: multiple_choice
        choices: priority
        text: {vi: Cần cải thiện, en: To improve}
      - id: priorities_other
        type: short_text
        relevant: "selected(priorities, 'other')"
        text: {vi: Khác, en: Other}
      - id: ethnicity
        type: single_choice
        choices: ethnicity
        text: {vi: Dân tộc, en: Ethnic group}
      - id: insured
        type: yes_no
        text: {vi: Có thẻ bảo hiểm y tế, en: Insured}
      - id: expectation
        type: number
        min: 0
        max: 100
        text: {vi: Đáp ứng mong đợi, en: Expectation met}
      - id: visit_date
        type: date
        text: {vi: Ngày khám, en: Visit date}
      - id: comment
        type: short_text
        text: {vi: Góp ý, en: Comment}
"""


@pytest.fixture
def form(write):
    return load_registry(write({"a.v1.yaml": FORM})).get("a")


def test_a_complete_answer(form):
    checked = check_answers(form, {
        "satisfaction": ["3"], "informal_payment": ["none"], "priorities": ["time", "fees"],
        "ethnicity": ["03"], "insured": ["yes"], "expectation": ["87,5"],
        "visit_date": ["2025-07-01"], "comment": ["  Cảm ơn  "],
    })
    assert checked.ok
    assert checked.values == {
        "satisfaction": "3", "informal_payment": "none", "priorities": "fees time",
        "ethnicity": "03", "insured": "yes", "expectation": "87.5", "visit_date": "2025-07-01",
        "comment": "Cảm ơn",
    }
    # Only whole-number choice values are numbers: "03" is a code, not 3.
    assert checked.numbers == {"satisfaction": 3.0, "insured": 1.0, "expectation": 87.5}


def test_required_items_must_be_answered(form):
    checked = check_answers(form, {"comment": ["ok"]})
    assert checked.errors == {"satisfaction": "answer.required"}


def test_a_required_item_that_is_not_shown_is_not_required(form):
    assert check_answers(form, {"satisfaction": ["2"]}).ok
    checked = check_answers(form, {"satisfaction": ["1"]})
    assert checked.errors == {"reason": "answer.required"}


def test_an_answer_to_a_hidden_item_is_dropped(form):
    checked = check_answers(form, {
        "satisfaction": ["3"], "reason": ["no reason"],
        "informal_payment": ["none"], "amount": ["500000"],
        "priorities": ["fees"], "priorities_other": ["faster"],
    })
    assert checked.ok
    assert not {"reason", "amount", "priorities_other"} & checked.values.keys()


def test_follow_up_questions_are_shown_by_the_answers_they_depend_on(form):
    checked = check_answers(form, {
        "satisfaction": ["1"], "reason": ["chờ lâu"],
        "informal_payment": ["some"], "amount": ["200000"],
        "priorities": ["other"], "priorities_other": ["mở thêm quầy"],
    })
    assert checked.ok
    assert checked.values["amount"] == "200000"
    assert checked.values["priorities_other"] == "mở thêm quầy"


def test_skip_logic_sees_answers_stored_from_earlier_pages(form):
    page_two = ["priorities", "priorities_other", "comment"]
    checked = check_answers(form, {"reason": ["x"], "priorities": ["other"],
                                   "priorities_other": ["y"]}, items=page_two,
                            earlier={"satisfaction": "1"})
    assert checked.ok
    assert checked.values == {"priorities": "other", "priorities_other": "y"}


@pytest.mark.parametrize(("item", "raw", "code"), [
    ("satisfaction", ["4"], "answer.not_a_choice"),
    ("satisfaction", ["1", "2"], "answer.not_a_choice"),
    ("priorities", ["fees", "cheaper"], "answer.not_a_choice"),
    ("insured", ["có"], "answer.not_a_choice"),
    ("expectation", ["nhiều"], "answer.not_a_number"),
    ("expectation", ["nan"], "answer.not_a_number"),
    ("expectation", ["101"], "answer.above_max"),
    ("expectation", ["-1"], "answer.below_min"),
    ("amount", ["1.5"], "answer.not_integer"),
    ("visit_date", ["01/07/2025"], "answer.not_a_date"),
    ("visit_date", ["2025-07-01", "2025-07-02"], "answer.not_a_date"),
    ("comment", ["x" * 201], "answer.too_long"),
    ("comment", ["a", "b"], "answer.not_text"),
    ("reason", ["x" * 21], "answer.too_long"),
    ("nickname", ["Tí"], "answer.unknown_item"),
])
def test_answer_errors(form, item, raw, code):
    answers = {"satisfaction": ["1"], "reason": ["ok"], "informal_payment": ["many"], item: raw}
    assert check_answers(form, answers).errors == {item: code}


def test_a_wrong_answer_does_not_open_its_follow_up(form):
    checked = check_answers(form, {"satisfaction": ["9"], "reason": ["x"]})
    assert checked.errors == {"satisfaction": "answer.not_a_choice"}


def test_blank_and_bare_values(form):
    checked = check_answers(form, {"satisfaction": "2", "expectation": 80,
                                   "comment": ["", "  "], "insured": None})
    assert checked.ok
    assert checked.values == {"satisfaction": "2", "expectation": "80"}


def test_typed_text_is_stored_in_nfc(form):
    typed = unicodedata.normalize("NFD", "Cán bộ nhiệt tình")
    checked = check_answers(form, {"satisfaction": ["3"], "comment": [typed]})
    assert checked.values["comment"] == "Cán bộ nhiệt tình"
    assert unicodedata.is_normalized("NFC", checked.values["comment"])


def test_answer_codes_are_registered():
    with pytest.raises(ValueError):
        AnswerError("answer.something_else")
    assert AnswerError("answer.required").code in ANSWER_CODES


@pytest.mark.parametrize(("expression", "answers", "shown"), [
    ("satisfaction == 1", {"satisfaction": "1"}, True),
    ("satisfaction != 1", {}, False),
    ("not satisfaction == 1", {}, True),
    ("satisfaction <= 2", {"satisfaction": "2"}, True),
    ("satisfaction > 2", {"satisfaction": "2"}, False),
    ("satisfaction in [1, 2] and answered(comment)", {"satisfaction": "1", "comment": "x"}, True),
    ("satisfaction not in [1, 2] or informal_payment == 'many'", {"informal_payment": "many"},
     True),
    ("satisfaction not in [1, 2]", {}, False),
    ("selected(priorities, 'fees')", {"priorities": "fees time"}, True),
    ("selected(priorities, 'other')", {"priorities": "fees time"}, False),
    ("code > 100", {"code": "15_30"}, False),
])
def test_relevance_expressions(expression, answers, shown):
    assert parse(expression).holds(answers) is shown


def test_each_type_reads_back_what_it_stored(form):
    """decode gives the strings that check_answers turns into the same stored text again."""
    checked = check_answers(form, {
        "satisfaction": ["3"], "informal_payment": ["some"], "amount": ["50000"],
        "priorities": ["other", "fees"], "priorities_other": ["Giờ làm việc"], "ethnicity": ["03"],
        "insured": ["no"], "expectation": ["87,5"], "visit_date": ["2025-07-01"],
    })
    assert checked.ok
    raw = {item_id: form.items[item_id].qtype.decode(form.items[item_id], value)
           for item_id, value in checked.values.items()}
    assert raw["priorities"] == ["fees", "other"] and raw["expectation"] == ["87.5"]
    assert check_answers(form, raw).values == checked.values


@pytest.mark.parametrize("item, value, lang, shown", [
    ("satisfaction", "3", "vi", "Rất hài lòng"),
    ("ethnicity", "08", "en", "Hmong"),
    ("priorities", "fees other", "vi", "Giảm phí; Khác"),
    ("priorities", "gone", "vi", "gone"),
    ("insured", "yes", "vi", "Có"),
    ("insured", "no", "en", "No"),
    ("expectation", "87.5", "vi", "87.5"),
    ("comment", "Cảm ơn", "en", "Cảm ơn"),
])
def test_each_type_shows_a_stored_value(form, item, value, lang, shown):
    assert form.items[item].qtype.show(form.items[item], value, lang) == shown


@pytest.mark.parametrize("item, kind, codes", [
    ("satisfaction", "numeric", [("1", 1), ("2", 2), ("3", 3)]),
    ("informal_payment", "coded", [("none", None), ("some", None), ("many", None)]),
    ("priorities", "per_choice", [("fees", None), ("time", None), ("other", None)]),
    ("insured", "numeric", [("yes", 1), ("no", 0)]),
    ("amount", "numeric", []),
    ("visit_date", "text", []),
    ("reason", "text", []),
])
def test_each_type_says_how_it_is_exported(form, item, kind, codes):
    definition = form.items[item]
    assert definition.qtype.export_kind(definition) == kind
    assert [(c.code, c.number) for c in definition.qtype.codes(definition)] == codes
