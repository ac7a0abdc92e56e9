"""Labels of results codes in the user's language (target status, flags) and D766 problem texts."""
from survey.i18n_lazy import _, _l
from survey.problems import register

STATUS_LABELS = {
    "met": _l("Target met"),
    "not_met": _l("Target not met"),
    "inconclusive": _l("Not yet clear"),
    None: "",
}
FLAG_LABELS = {
    "single_psu": _l("one sampling unit: no design-based variance"),
    "no_variance": _l("variance zero: interval not computable"),
    "extreme_p": _l("estimate at 0% or 100%"),
    "small_n": _l("fewer than 30 responses"),
    "small_n_eff": _l("effective sample under 30"),
    "wide_ci": _l("wide interval"),
    "small_df": _l("few degrees of freedom"),
}
# Where the small-area model's sampling variance came from (analysis.sae_variance).
PSI_NOTES = {
    "direct": _l("For units with at least 30 responses the model uses the unit's own design-based "
                 "variance of the estimate."),
    "gvf": _l("For units with fewer responses, or an estimate of 0% or 100%, that variance is too "
              "unstable and is smoothed by a variance function fitted over all units."),
    "within": _l("Under this design each unit is one sampling unit, so the design gives no variance "
                 "inside a unit: the model takes it from the spread of answers within the unit, as "
                 "if its respondents were a simple random sample (times the effect of unequal weights)."),
}
NO_VARIANCE_FLAGS = ("single_psu", "no_variance")
BY_LABELS = {
    "": _l("Whole wave"),
    "district": _l("Former district"),
    "commune": _l("Commune"),
    "service_point": _l("Service point"),
    "service_kind": _l("Kind of service point"),
}
KIND_LABELS = {"overall": _l("Overall index"), "element": _l("Element index"),
               "alternative": _l("Alternative definition"), "item": _l("Item")}
# How an index is computed, by its rule; "of" for an index made of other indices.
RULE_TEXTS = {
    ("top2_share", "items"): _l("the mean, over its %(count)d items, of the share of respondents who "
                                "answered %(top)s among those who answered the item"),
    ("top2_share", "of"): _l("the mean of %(count)d indices (%(parts)s)"),
    ("mean_score", "items"): _l("the mean answer over its %(count)d items, rescaled to 0–100"),
    ("mean_score", "of"): _l("the mean of %(count)d mean scores (%(parts)s)"),
    ("all_top2", "items"): _l("the share of respondents who answered %(top)s on every one of the "
                              "%(count)d items they answered"),
    ("pooled_top2", "items"): _l("all answers of %(top)s divided by all answers, over %(count)d items"),
    ("own_mean_top2", "items"): _l("the share of respondents whose own mean answer over the %(count)d "
                                   "items is %(threshold)d or more"),
}
register({
    "d766.bad_month": _l("Write the month as YYYY-MM between 2000 and 2100, for example 2025-09."),
    "d766.unknown_unit": _l("No unit had this code in that month."),
    "d766.bad_number": _l("Counts are whole numbers from 0 to 10,000,000."),
    "d766.negative_above_total": _l("Negative ratings cannot exceed the dossiers handled."),
    "d766.duplicate": _l("This unit and month are listed twice."),
    "results.failed": _l("The results could not be computed. They will be tried again."),
})


def describe_index(indicator, indicators, points: dict) -> str:
    """How an index is computed, in words: its rule, and for a composite its components' rule."""
    by_id = {i.id: i for i in indicators}
    spec = indicator.spec
    parts = [by_id[ref] for ref in spec.get("of") or () if ref in by_id]
    if parts:
        text = str(RULE_TEXTS[(spec["rule"], "of")]) % {
            "count": len(parts), "parts": ", ".join(p.label for p in parts)}
        if spec.get("weights"):
            text += " " + _("weighted %(weights)s", weights=", ".join(f"{w:g}" for w in spec["weights"]))
        leaf = parts[0]
        while leaf.spec.get("of") and leaf.spec["of"][0] in by_id:
            leaf = by_id[leaf.spec["of"][0]]
        return _("%(label)s is %(rule)s. Each of them is %(part)s.", label=indicator.label, rule=text,
                 part=describe_rule(leaf.spec, points))
    return _("%(label)s is %(rule)s.", label=indicator.label, rule=describe_rule(spec, points))


def describe_rule(spec: dict, points: dict) -> str:
    items = list(spec.get("items") or ())
    k = points.get(items[0], 5) if items else 5
    text = str(RULE_TEXTS[(spec["rule"], "items")]) % {
        "count": len(items), "top": _("%(low)d or %(high)d", low=k - 1, high=k), "threshold": k - 1}
    if spec.get("weights"):
        text += " " + _("weighted %(weights)s", weights=", ".join(f"{w:g}" for w in spec["weights"]))
    return text


def flag_text(flags: str) -> str:
    return "; ".join(str(FLAG_LABELS.get(f, f)) for f in flags.split(";") if f)
