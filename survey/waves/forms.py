from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from survey.forms import BaseForm
from survey.forms.numbers import LocaleDecimalField
from survey.i18n_lazy import _l

MODE_LABELS = {"qr": _l("QR code only"), "paper": _l("Paper forms only"), "both": _l("QR and paper")}
STRATIFY_LABELS = {"none": _l("Not stratified"), "district": _l("Former district (before 1 July 2025)"),
                   "commune": _l("Current commune (after the 2025 merger)")}
PSU_LABELS = {"none": _l("None (each response sampled directly)"), "commune": _l("Commune"),
              "village": _l("Village (the questionnaire's village item)"),
              "service_point": _l("Service point")}
CALIBRATION_LABELS = {"none": _l("No calibration"), "poststratify": _l("Post-stratification (one margin)"),
                      "rake": _l("Raking (several margins)")}


def _choices(labels):
    return [SelectChoice(k, v) for k, v in labels.items()]


class WaveForm(BaseForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40),
                                                Regexp(r"^[A-Za-z0-9_.-]+$", message=_l(
                                                    "Use letters, digits, dot, dash or underscore."))],
                       description=_l("Short and unique, for example sipas-2025."))
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    questionnaire_id = SelectField(_l("Questionnaire"))
    period_start = DateField(_l("First day"), validators=[DataRequired()])
    period_end = DateField(_l("Last day"), validators=[DataRequired()])
    mode = SelectField(_l("Mode"), choices=_choices(MODE_LABELS))
    count_unverified_paper = BooleanField(_l("Count paper forms keyed only once (not yet verified)"))
    submit = SubmitField(_l("Save"))


class DesignForm(BaseForm):
    stratify_by = SelectField(_l("Strata"), choices=_choices(STRATIFY_LABELS))
    psu = SelectField(_l("Primary sampling unit (PSU)"), choices=_choices(PSU_LABELS))
    calibration = SelectField(_l("Calibration"), choices=_choices(CALIBRATION_LABELS))
    trim_low = LocaleDecimalField(_l("Lower weight bound (times the mean weight)"),
                          validators=[Optional()],
                          description=_l("For example 0.3. Leave empty for no bound."))
    trim_high = LocaleDecimalField(_l("Upper weight bound (times the mean weight)"),
                           validators=[Optional()],
                           description=_l("For example 3.5. Leave empty for no bound."))
    submit = SubmitField(_l("Save design"))


class StratumSizeForm(BaseForm):
    """The size of one stratum that has responses but no size in the frame."""
    stratum = HiddenField(validators=[DataRequired(), Length(max=16)])
    population = LocaleDecimalField(_l("Population size"), validators=[InputRequired()])
    submit = SubmitField(_l("Save size"))

    def validate_population(self, field):
        if field.data is not None and field.data <= 0:
            raise ValidationError(_l("The population size must be above 0."))


class UploadForm(BaseForm):
    file = FileField(_l("CSV file"), validators=[FileRequired()])
    submit = SubmitField(_l("Upload"))


class ActionForm(BaseForm):
    submit = SubmitField(_l("Apply"))


class PublishForm(BaseForm):
    published = BooleanField(_l("Published: leaders can see the results"))
    public = BooleanField(_l("Public: show the summary on the transparency page"))
    submit = SubmitField(_l("Save"))
