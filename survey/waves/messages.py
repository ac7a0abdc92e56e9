"""Texts of the wave, frame, margin and design problem codes, and of applying a design."""
from survey.i18n_lazy import _l
from survey.problems import register

register({
    "wave.unknown_questionnaire": _l("There is no questionnaire with this id."),
    "wave.period_order": _l("The last day must not be before the first day."),
    "wave.code_taken": _l("Another wave already has this code."),
    "design.no_village_item": _l("This questionnaire has no village item, so villages cannot be PSUs."),
    "design.poststratify_one": _l("Post-stratification uses one margin; choose raking for several."),
    "design.no_margins": _l("Upload calibration margins first, or choose no calibration."),
    "design.trim_order": _l("The upper bound must be above the lower bound."),
    "design.trim_low": _l("The lower bound is a number above 0 and at most 1."),
    "design.trim_high": _l("The upper bound is a number of at least 1."),
    "frame.no_strata": _l("Choose strata in the design before uploading their sizes."),
    "frame.unknown_stratum": _l("This is not the code of a stratum of this design."),
    "frame.duplicate": _l("This stratum is listed twice."),
    "frame.bad_number": _l("The size must be a number of 0 or more."),
    "margin.unknown_item": _l("This is not a single-choice demographic item of the wave's questionnaire."),
    "margin.unknown_category": _l("This is not an answer code of the item."),
    "margin.duplicate": _l("This category is listed twice."),
    # Problems applying the design to the responses.
    "frame.missing_stratum": _l("Some strata have responses but no population size: %(strata)s."),
    "psu.no_village_item": _l("The PSU is the village, but the responses have no village answer."),
    "calibration.no_item": _l("A calibration item is not in the questionnaire: %(item)s."),
    "calibration.empty_category": _l("No respondent is in these categories of %(item)s: %(categories)s. "
                                     "Merge them or remove them from the margins."),
    "calibration.unknown_category": _l("Respondents answered categories of %(item)s that the margins lack: "
                                       "%(categories)s."),
    "analysis.*": _l("The estimates could not be computed with this design (%(code)s)."),
})
