"""The form that makes an API token."""
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from survey.forms import BaseForm
from survey.i18n_lazy import _l


class TokenForm(BaseForm):
    name = StringField(_l("What the token is for"), validators=[DataRequired(), Length(max=80)],
                       description=_l("For example: R script of the statistics office."))
    submit = SubmitField(_l("Create a token"))


class RevokeForm(BaseForm):
    submit = SubmitField(_l("Revoke"))
