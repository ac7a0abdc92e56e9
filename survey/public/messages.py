"""Texts of the citizen survey's problem codes, shown on the problem page."""
from survey.i18n_lazy import _l
from survey.problems import register

register({
    "survey.unknown_point": _l("We could not find this service point. "
                               "Please check the code on the poster."),
    "survey.inactive": _l("This service point is not collecting ratings at the moment. "
                          "Thank you for your interest."),
    "survey.no_questionnaire": _l("This service point has no survey yet."),
    "survey.bad_link": _l("This link is not valid. Please scan the QR code again."),
    "survey.rate_limited": _l("Many ratings were sent from this device in a short time. "
                              "Please try again later."),
    "survey.version_changed": _l("This form has changed since you opened it. Please start again."),
    "survey.already_recorded": _l("Your answers were already recorded. Thank you!"),
    "survey.not_started": _l("Please answer the form from the beginning."),
    "survey.dossier_rated": _l("This dossier has already been rated. "
                               "Each dossier can be rated once. Thank you!"),
})
