"""Texts of the service-point and opening-hours problem codes."""
from survey.i18n_lazy import _l
from survey.problems import register

register({
    "service_point.bad_code": _l("A code has 3 to 16 letters, digits or hyphens."),
    "service_point.duplicate_code": _l("This code is already used by another service point."),
    "service_point.name_required": _l("Enter the name of the service point."),
    "service_point.bad_kind": _l("Choose a kind of service point from the list."),
    "service_point.unknown_unit": _l("Choose an administrative unit that is in force today."),
    "service_point.unknown_questionnaire": _l("There is no questionnaire with this id."),
    "service_point.bad_active": _l("Write yes or no in the active column."),
    "hours.bad_day": _l("Days are written mon, tue, wed, thu, fri, sat, sun, or a range like mon-fri."),
    "hours.bad_time": _l("Write times as ranges, e.g. 07:30-11:30."),
    "hours.no_period": _l("After the days, give at least one time range (e.g. 07:30-11:30)."),
})
