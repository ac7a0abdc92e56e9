"""The form that starts a background export."""
from wtforms import BooleanField, SelectChoice, SelectField, SubmitField

from survey.forms import BaseForm
from survey.i18n_lazy import _l

FORMAT_LABELS = {"xlsx": _l("Excel workbook (.xlsx): data, codebook and results"),
                 "sav": _l("SPSS (.sav) with Vietnamese labels"),
                 "dta": _l("Stata 14+ (.dta) with Vietnamese labels"),
                 "parquet": _l("Parquet (.parquet)"),
                 "rebuild": _l("Rebuild kit (.zip): data, replicate weights, R/Stata/SPSS syntax "
                               "and codebook that reproduce the published tables")}
UNVERIFIED_LABELS = {"": _l("As the wave decides"), "1": _l("Include paper forms keyed once"),
                     "0": _l("Only verified paper forms")}


class ExportJobForm(BaseForm):
    wave_id = SelectField(_l("Wave"), coerce=int)
    format = SelectField(_l("File format"), choices=[SelectChoice(k, v) for k, v in FORMAT_LABELS.items()])
    include_flagged = BooleanField(_l("Include flagged QR responses"))
    include_unverified = SelectField(_l("Paper forms not yet verified"),
                                     choices=[SelectChoice(k, v) for k, v in UNVERIFIED_LABELS.items()])
    submit = SubmitField(_l("Start the export"))
