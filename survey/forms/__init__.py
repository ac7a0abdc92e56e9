"""Base form: every form carries a CSRF token (Flask-WTF) and refuses values it cannot store."""
from flask_wtf import FlaskForm

from survey.input_checks import describe, number_problem, text_problem


def _problem(data) -> str | None:
    if isinstance(data, bool):
        return None
    if isinstance(data, int | float):
        return number_problem(data)
    if isinstance(data, str):
        return text_problem(data)
    if isinstance(data, list | tuple):
        return next(filter(None, map(_problem, data)), None)
    return None


class BaseForm(FlaskForm):
    def validate(self, extra_validators=None):
        """Run the fields' validators, then refuse control characters and out-of-range numbers."""
        valid = super().validate(extra_validators)
        for field in self:
            problem = _problem(field.data)
            if problem:
                field.errors = [*field.errors, describe(problem)]
                valid = False
        return valid
