"""A decimal input that takes the number as the reader writes it."""
import math

from babel.numbers import NumberFormatError, format_decimal, parse_decimal
from flask_babel import get_locale
from wtforms import StringField
from wtforms.validators import StopValidation

from survey.i18n_lazy import _l


class LocaleDecimalField(StringField):
    """A decimal in a text input, read as the reader writes it: "0,3" and "4.800" in Vietnamese.

    A browser's number input drops a comma it does not expect ("0,3" became "03" under an
    English browser), so the field is text with `inputmode="decimal"` and parsed here.
    """

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"inputmode": "decimal", "autocomplete": "off", **kwargs.pop("render_kw", {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def process_formdata(self, valuelist):
        raw = (valuelist[0] if valuelist else "").strip().replace("\u00a0", "").replace(" ", "")
        self.raw_text = raw
        if not raw:
            self.data = None
            return
        self.data = _parse(raw)
        if self.data is None:
            raise ValueError(self.gettext(_l("Enter a number, for example 0.3 or 3.5.")))

    def pre_validate(self, form):
        if self.process_errors:  # the parse error says it all; range checks would only repeat it
            raise StopValidation()

    def _value(self):
        if self.raw_data and getattr(self, "raw_text", None) and self.data is None:
            return self.raw_text
        if self.data is None:
            return ""
        return format_decimal(self.data, format="#,##0.###", locale=str(get_locale()))


def _parse(raw: str) -> float | None:
    """The locale's reading first ("4.800" is 4800 in Vietnamese); if its grouping rules refuse
    the text, a single comma or dot is the decimal mark ("0.3" typed on a Vietnamese page)."""
    try:
        value = float(parse_decimal(raw, locale=str(get_locale()), strict=True))
    except (NumberFormatError, ValueError):
        if raw.count(",") + raw.count(".") > 1:
            return None
        try:
            value = float(raw.replace(",", "."))
        except ValueError:
            return None
    return value if math.isfinite(value) else None
