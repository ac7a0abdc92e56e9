"""Texts of the administrative-unit file problem codes (units, merger map, census population)."""
from survey.i18n_lazy import _l
from survey.problems import register

register({
    "unit.bad_code": _l("A unit code has 2 to 5 digits."),
    "unit.bad_name": _l("Enter the name of the unit."),
    "unit.bad_level": _l("The level must be province, district or commune."),
    "unit.bad_type": _l("This is not a known type of administrative unit."),
    "unit.bad_parent": _l("The parent unit does not fit: only a province has no parent, and a "
                          "parent is one level above."),
    "unit.bad_date": _l("Write dates as YYYY-MM-DD; the end must not be before the start."),
    "unit.duplicate": _l("This unit and start date are listed twice."),
    "unit.overlap": _l("Two periods of this unit code overlap."),
    "unit.unknown_parent": _l("No parent unit has this code on the start date."),
    "merger.unconfirmed": _l("This merger is not confirmed."),
    "merger.unknown_old_unit": _l("No former unit has this code and name."),
    "merger.unknown_new_unit": _l("No new unit has this code on the date of the merger."),
    "merger.name_mismatch": _l("The new unit has another name on the date of the merger."),
    "merger.duplicate": _l("This former unit is merged twice."),
    "population.bad_number": _l("Population counts are whole numbers of 0 or more."),
    "population.sum": _l("Urban and rural population do not add up to the total."),
    "population.unknown_unit": _l("No unit has this code and name."),
    "population.total_mismatch": _l("The communes' population does not add up to the total in the "
                                    "file."),
})
