"""One WTForms field builder per question type (the web side of the type registry).

Fields carry no validators of their own (not even WTForms' choice check): answers are checked
by check_answers, the same code the offline sync uses, and its errors are put back on the fields.
"""
from wtforms import (
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)

from survey.i18n_lazy import _l
from survey.questionnaires import localized
from survey.questionnaires.types import NO, TYPES, YES


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def _choices(item, lang):
    return [SelectChoice(c.code, localized(c.text, lang), render_kw={"data-icon": c.icon or ""})
            for c in item.choices]


def _single_choice(item, lang, **kw):
    if item.appearance == "dropdown":
        return SelectField(choices=[SelectChoice("", "—")] + _choices(item, lang),
                           validate_choice=False, **kw)
    return RadioField(choices=_choices(item, lang), validate_choice=False, **kw)


def _multiple_choice(item, lang, **kw):
    return CheckboxesField(choices=_choices(item, lang), validate_choice=False, **kw)


def _yes_no(item, lang, **kw):
    return RadioField(choices=[SelectChoice(YES, _l("Yes")), SelectChoice(NO, _l("No"))],
                      validate_choice=False, **kw)


def _number(item, lang, **kw):
    mode = "numeric" if item.integer else "decimal"
    return StringField(render_kw={"inputmode": mode, "autocomplete": "off"}, **kw)


def _short_text(item, lang, **kw):
    return StringField(render_kw={"maxlength": item.max_length or 200}, **kw)


def _long_text(item, lang, **kw):
    return TextAreaField(render_kw={"maxlength": item.max_length or 2000, "rows": 4}, **kw)


def _date(item, lang, **kw):
    return StringField(widget=widgets.DateInput(), **kw)


FIELD_BUILDERS = {
    "single_choice": _single_choice,
    "multiple_choice": _multiple_choice,
    "yes_no": _yes_no,
    "number": _number,
    "short_text": _short_text,
    "long_text": _long_text,
    "date": _date,
}


def check_field_builders():
    """Fail at start-up if a question type has no web field, or a field no type."""
    if set(FIELD_BUILDERS) != set(TYPES):
        raise RuntimeError(f"question types and field builders differ: "
                           f"{sorted(set(FIELD_BUILDERS) ^ set(TYPES))}")
