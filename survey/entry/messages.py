"""Texts of the paper-entry problem codes: refused keyed forms, sync requests and batches."""
from survey.i18n_lazy import _l
from survey.problems import register

register({
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
    "entry.malformed": _l("This form could not be read. Key it again."),
    "entry.unreadable_text": _l("This form holds characters that cannot be stored. Key it again."),
    "entry.bad_keyed_at": _l("The time this form was keyed could not be read. Key it again."),
    "sync.malformed": _l("The request is not a list of up to %(num)d forms."),
    "sync.stale_token": _l("The page is out of date. It will fetch a new token and send again."),
    "batch.unknown_wave": _l("Choose a survey wave."),
    "batch.unit_out_of_scope": _l("Choose one of your units."),
    "batch.point_not_in_unit": _l("The service point must be in the unit of the batch."),
    "batch.not_a_clerk": _l("Choose clerks only."),
    "batch.two_clerks": _l("Choose at least two clerks: each paper form is keyed by two different "
                           "clerks, and the second entry checks the first."),
})
