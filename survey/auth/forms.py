from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from survey.forms import BaseForm
from survey.i18n_lazy import _l


class LoginForm(BaseForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)],
                           render_kw={"autocomplete": "username", "autocapitalize": "none"})
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})
    submit = SubmitField(_l("Sign in"))
