from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from survey.forms import BaseForm
from survey.i18n_lazy import _l

KIND_LABELS = {
    "one_stop_province": _l("Provincial public administration centre (one-stop)"),
    "one_stop_commune": _l("Commune one-stop desk"),
    "health_station": _l("Commune health station"),
    "hospital": _l("Hospital"),
    "school": _l("School"),
    "other": _l("Other"),
}


class ServicePointForm(BaseForm):
    code = StringField(_l("Public code"), validators=[Optional(), Length(max=16)],
                       description=_l("Printed in the QR address. Leave empty to generate one."))
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k, v) for k, v in KIND_LABELS.items()])
    unit_id = SelectField(_l("Administrative unit"), coerce=int)
    questionnaire_id = SelectField(_l("Questionnaire"), validators=[Optional()])
    opening_hours = StringField(
        _l("Opening hours"), validators=[Optional(), Length(max=200)],
        description=_l("For example: mon-fri 07:30-11:30 13:30-17:00; sat 07:30-11:30"))
    active = BooleanField(_l("Active (accepts ratings)"), default=True)
    submit = SubmitField(_l("Save"))


class ImportForm(BaseForm):
    file = FileField(_l("CSV file"), validators=[FileRequired()])
    submit = SubmitField(_l("Import"))


class DeleteForm(BaseForm):
    submit = SubmitField(_l("Delete"))
