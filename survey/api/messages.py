"""Texts of the JSON API's request problem codes and of the export job codes it reports."""
from survey.i18n_lazy import _l
from survey.problems import register

register({
    "request.bad_breakdown": _l("Unknown breakdown; use one of those allowed."),
    "request.bad_flag": _l("Write true or false."),
    "request.bad_format": _l("Unknown format; use one of those allowed."),
    "request.bad_option": _l("include_flagged and include_unverified are true or false."),
    "wave.questionnaire_missing": _l("The wave's questionnaire version is not loaded."),
    "export.not_ready": _l("The file is not ready."),
    "export.failed": _l("The export could not be written. Start it again."),
})
