"""Read one keyed form of a sync request, or say what in it cannot be read.

Whatever a device sends, each form is read on its own: a form that cannot be read is refused
with a problem naming the part, and never stops the forms after it.
"""
from datetime import UTC, datetime

from survey.entry.operations import KeyedForm
from survey.problems import Problem

TEXTS = ("uuid", "paper_form_number", "entry_kind", "questionnaire_id")
NUMBERS = ("batch_id", "questionnaire_version")
# Ids are INTEGER columns on both databases; a larger number names nothing that can exist.
LARGEST_ID = 2**31 - 1
# A tablet's clock may be off, but not by decades; outside these years the time is garbage.
FIRST_YEAR, LAST_YEAR = 2000, 2099


def storable(text: str) -> bool:
    """Text both databases can hold: UTF-8 encodable (no lone surrogate) and without NUL."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


def _answers_shape(answers) -> bool:
    return isinstance(answers, dict) and all(
        isinstance(v, str | list) and all(isinstance(x, str) for x in (v if isinstance(v, list) else [v]))
        for v in answers.values())


def _keyed_at(raw) -> datetime | None:
    """The time the form was keyed, in UTC; ValueError unless it is a time with its zone."""
    if not raw:
        return None
    if not isinstance(raw, str):
        raise ValueError("not text")
    moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("no time zone")
    moment = moment.astimezone(UTC)  # OverflowError at the ends of the calendar
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise ValueError("out of range")
    return moment


def _unstorable_field(raw: dict, answers: dict) -> str | None:
    for name in TEXTS:
        if not storable(raw[name]):
            return name
    for item_id, value in answers.items():
        if not storable(item_id) or not all(map(storable, value if isinstance(value, list) else [value])):
            return item_id
    return None


def read_form(raw) -> KeyedForm | Problem:
    """The keyed form in `raw`, or the problem that stops it being read."""
    if not isinstance(raw, dict) or not _answers_shape(raw.get("answers")):
        return Problem("entry.malformed", "form")
    if not all(isinstance(raw.get(k), str) for k in TEXTS) or not all(
            isinstance(raw.get(k), int) and not isinstance(raw.get(k), bool) for k in NUMBERS):
        return Problem("entry.malformed", "form")
    interview_date = raw.get("interview_date") or ""  # checked as a date by operations.accept
    if not isinstance(interview_date, str):
        return Problem("entry.malformed", "form")
    unstorable = _unstorable_field(raw, raw["answers"])
    if unstorable is None and not storable(interview_date):
        unstorable = "interview_date"
    if unstorable is not None:
        return Problem("entry.unreadable_text", unstorable)
    try:
        keyed_at = _keyed_at(raw.get("keyed_at"))
    except (ValueError, OverflowError):
        return Problem("entry.bad_keyed_at", "keyed_at")
    # An id no row can have is passed on as None: the batch or version check then refuses it.
    numbers = {k: raw[k] if 0 < raw[k] <= LARGEST_ID else None for k in NUMBERS}
    return KeyedForm(answers=raw["answers"], keyed_at=keyed_at, interview_date=interview_date,
                     **{k: raw[k] for k in TEXTS}, **numbers)
