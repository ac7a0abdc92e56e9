"""Base form: every form carries a CSRF token (Flask-WTF)."""
from flask_wtf import FlaskForm


class BaseForm(FlaskForm):
    pass
