from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, NumberRange

from survey.forms import BaseForm
from survey.i18n_lazy import _l
from survey.results.operations import MAX_COUNT


class D766Form(BaseForm):
    unit_id = SelectField(_l("Administrative unit"), coerce=int)
    month = StringField(_l("Month (YYYY-MM)"), validators=[DataRequired()])
    dossiers = IntegerField(_l("Dossiers handled"),
                            validators=[InputRequired(), NumberRange(min=0, max=MAX_COUNT)])
    negative = IntegerField(_l("Dossiers rated dissatisfied or with a complaint"),
                            validators=[InputRequired(), NumberRange(min=0, max=MAX_COUNT)], default=0)
    submit = SubmitField(_l("Save"))


class D766ImportForm(BaseForm):
    file = FileField(_l("CSV file"), validators=[FileRequired()])
    submit = SubmitField(_l("Import"))
