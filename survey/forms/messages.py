"""Texts of the answer problem codes (survey.questionnaires.errors.ANSWER_CODES), for every channel."""
from survey.i18n_lazy import _l
from survey.problems import register

register({
    "answer.unknown_item": _l("This question is not part of the form."),
    "answer.required": _l("Please answer this question."),
    "answer.not_a_choice": _l("Choose one of the answers shown."),
    "answer.not_a_number": _l("Enter a number, for example 12."),
    "answer.not_integer": _l("Enter a whole number."),
    "answer.below_min": _l("The number is too small."),
    "answer.above_max": _l("The number is too large."),
    "answer.not_text": _l("Enter one answer."),
    "answer.too_long": _l("The answer is too long."),
    "answer.not_a_date": _l("Enter a date as day, month and year."),
})
