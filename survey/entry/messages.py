"""Refusals of a keyed form in the clerk's language, one message per code."""
from survey.forms.messages import ANSWER_MESSAGES
from survey.i18n_lazy import _l

ENTRY_MESSAGES = {
    "entry.bad_uuid": _l("This form has no valid device identifier. Key it again."),
    "entry.not_your_batch": _l("You are not assigned to this batch."),
    "entry.unknown_version": _l("This form was keyed on a questionnaire version this batch does "
                                "not use. Reload the entry page and key it again."),
    "entry.no_form_number": _l("Enter the number printed on the paper form."),
    "entry.bad_form_number": _l("A form number has up to 40 letters, digits, dots, dashes or "
                                "slashes."),
    "entry.bad_interview_date": _l("Write the interview date from the paper form as a day that "
                                   "is not in the future, or leave it empty."),
    "entry.bad_kind": _l("Say whether this is the first or the second entry."),
    "entry.uuid_reused": _l("The server already has a different form under this device "
                            "identifier; this one was not saved."),
    "entry.same_clerk": _l("You have already keyed this paper form. The second entry must be done "
                           "by another clerk."),
    "entry.already_keyed": _l("This paper form has already been keyed once. Choose “Second entry "
                              "(verification)” to key it again."),
}


def describe(code: str) -> str:
    return str(ENTRY_MESSAGES.get(code) or ANSWER_MESSAGES[code])
