"""Labels of results codes in the user's language (target status, flags) and D766 problem texts."""
from survey.i18n_lazy import _l
from survey.problems import register

STATUS_LABELS = {
    "met": _l("Target met"),
    "not_met": _l("Target not met"),
    "inconclusive": _l("Not yet clear"),
    None: "",
}
FLAG_LABELS = {
    "extreme_p": _l("estimate at 0% or 100%"),
    "small_n": _l("fewer than 30 responses"),
    "small_n_eff": _l("effective sample under 30"),
    "wide_ci": _l("wide interval"),
    "small_df": _l("few degrees of freedom"),
}
BY_LABELS = {
    "": _l("Whole wave"),
    "district": _l("Former district"),
    "commune": _l("Commune"),
    "service_point": _l("Service point"),
    "service_kind": _l("Kind of service point"),
}
KIND_LABELS = {"overall": _l("Overall index"), "element": _l("Element index"), "item": _l("Item")}
register({
    "d766.bad_month": _l("Write the month as YYYY-MM, for example 2025-09."),
    "d766.unknown_unit": _l("No unit had this code in that month."),
    "d766.bad_number": _l("Counts are whole numbers of 0 or more."),
    "d766.negative_above_total": _l("Negative ratings cannot exceed the dossiers handled."),
    "d766.duplicate": _l("This unit and month are listed twice."),
    "results.failed": _l("The results could not be computed. They will be tried again."),
})


def flag_text(flags: str) -> str:
    return "; ".join(str(FLAG_LABELS.get(f, f)) for f in flags.split(";") if f)
