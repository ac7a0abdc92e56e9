"""Forms of paper entry: a batch, the heading of a keyed form, a supervisor's resolution."""
from wtforms import (
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from survey.forms import BaseForm
from survey.forms.fields import FIELD_BUILDERS, CheckboxesField
from survey.i18n_lazy import _l


class BatchForm(BaseForm):
    wave_id = SelectField(_l("Survey wave"), coerce=int, validators=[InputRequired()])
    unit_id = SelectField(_l("Unit"), coerce=int, validators=[InputRequired()])
    service_point_id = SelectField(_l("Service point (if any)"),
                                   coerce=lambda v: int(v) if v not in (None, "", "None") else None)
    surveyor_name = StringField(_l("Surveyor who collected the forms"),
                                validators=[DataRequired(), Length(max=120)])
    form_count = IntegerField(_l("Number of paper forms"),
                              validators=[InputRequired(), NumberRange(min=1, max=10000)])
    clerk_ids = CheckboxesField(_l("Clerks who key this batch"), coerce=int,
                                description=_l("Each form is keyed by two different clerks."))
    submit = SubmitField(_l("Save batch"))


ENTRY_KIND_LABELS = {"first": _l("First entry"), "second": _l("Second entry (verification)")}


class EntryHeadForm(BaseForm):
    """The fields above the questionnaire: which paper form, which keying, the device's UUID."""

    class Meta:
        csrf = False  # CSRFProtect checks the token of every POST already

    uuid = HiddenField()
    paper_form_number = StringField(_l("Paper form number"),
                                    render_kw={"autocomplete": "off", "autofocus": True,
                                               "inputmode": "numeric"})
    interview_date = StringField(_l("Interview date on the paper form"),
                                 render_kw={"type": "date", "autocomplete": "off"})
    entry_kind = RadioField(_l("This keying is the"), default="first",
                            choices=[SelectChoice(k, v) for k, v in ENTRY_KIND_LABELS.items()],
                            validate_choice=False)


class ResolveBase(BaseForm):
    submit = SubmitField(_l("Save the values from the paper form"))


TYPED = "__typed__"


def resolve_form_class(items, lang: str):
    """A form with, per differing item, a choice among the keyed values or another value.

    `items`: ConflictItems. The other value is entered with the item's own field (labelled
    choices for choice items, as on the paper form), so a supervisor never types a code.
    """
    attrs = {}
    for item in items:
        attrs[f"pick_{item.id}"] = RadioField(
            item.label, choices=[*(SelectChoice(v, text) for v, text in item.options),
                                 SelectChoice(TYPED, _l("Another value, as written on the paper form"))],
            validators=[InputRequired(message=_l("Choose the value written on the paper form."))])
        attrs[f"typed_{item.id}"] = FIELD_BUILDERS[item.item.type](
            item.item, lang, label=_l("Value on the paper form"), validators=[Optional()])
    return type("ResolveForm", (ResolveBase,), attrs)
