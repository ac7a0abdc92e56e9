"""One check for values that arrive from outside: forms, CSV files, JSON bodies, URLs.

PostgreSQL cannot store NUL in text and refuses a value longer than its column (SQLite stores
both), so either used to end in a 500 there. Every channel runs this same check and answers with
its own clear error instead.
"""
import math
import re

from flask import abort, request

from survey.i18n_lazy import _l

# Integer columns are 32-bit on PostgreSQL: a larger number is refused there (SQLite stores it).
MAX_INT = 2**31 - 1
# C0 controls except tab, line feed and carriage return; DEL; lone surrogates (not UTF-8).
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")

MESSAGES = {
    "text.control_character": _l("This text contains a control character (such as NUL) that "
                                 "cannot be stored. Remove it and try again."),
    "number.out_of_range": _l("This number is too large."),
}


def text_problem(value: str, max_length: int | None = None) -> str | None:
    """The problem code of `value` ("text.control_character", "text.too_long"), or None."""
    if FORBIDDEN.search(value):
        return "text.control_character"
    if max_length is not None and len(value) > max_length:
        return "text.too_long"
    return None


def number_problem(value: int | float) -> str | None:
    """Whole numbers must fit an integer column; other numbers must be finite (not 1e309)."""
    if isinstance(value, float):
        return None if math.isfinite(value) else "number.out_of_range"
    return "number.out_of_range" if abs(value) > MAX_INT else None


def describe(code: str) -> str:
    return str(MESSAGES[code])


def column_lengths(model, *columns: str) -> dict[str, int]:
    """The declared lengths of `model`'s text columns, to check values before they are stored."""
    table = model.__table__
    return {name: table.c[name].type.length for name in columns}


def _reject_bad_address():
    """A path or query parameter holding a control character names nothing: 404 / 400."""
    if FORBIDDEN.search(request.path):
        abort(404)
    for key, value in request.args.items(multi=True):
        if FORBIDDEN.search(key) or FORBIDDEN.search(value):
            abort(400)


def init_app(app):
    app.before_request(_reject_bad_address)
