"""One catalogue of problems on the web side: a stable code, where it is, and the values its text shows.

Each feature registers the texts of its codes (English msgids, lazily translated) in its own
`messages.py`; `describe` renders any problem in the current locale; `check_catalogue` runs at
start-up so that no code reaches a person without its Vietnamese and English text. Code and
tests deal in codes; only `describe` deals in prose. The Flask-free questionnaire compiler keeps
its own catalogue (`survey.questionnaires.errors`); its answer codes get their texts here.
"""
import dataclasses

from flask import abort, jsonify, request

from survey.questionnaires.errors import ANSWER_CODES

WILDCARD = "*"  # "analysis.*": one text for every code of a namespace, shown with %(code)s
_TEXTS: dict = {}


@dataclasses.dataclass(frozen=True)
class Problem:
    """What is wrong (`code`) and where: a form field, item id, CSV column or file, and a line.

    `detail` is the offending value as given, shown beside the message untranslated;
    `values` fill the message's %(name)s placeholders.
    """

    code: str
    field: str = ""
    line: int | None = None
    detail: str = ""
    values: dict = dataclasses.field(default_factory=dict, compare=False, hash=False)


def register(texts: dict) -> None:
    """Add a feature's codes and their lazily translated texts; a code has one home."""
    for code, text in texts.items():
        if code in _TEXTS and _TEXTS[code] is not text:
            raise ValueError(f"problem code {code!r} is registered twice")
        _TEXTS[code] = text


def _text(code: str):
    if code in _TEXTS:
        return _TEXTS[code]
    family = code.split(".", 1)[0] + "." + WILDCARD
    if family in _TEXTS:
        return _TEXTS[family]
    raise LookupError(f"problem code {code!r} has no text; register it in its feature's messages.py")


def has_text(code: str) -> bool:
    try:
        _text(code)
    except LookupError:
        return False
    return True


def describe(problem, **values) -> str:
    """A Problem, a code, or an exception with `code` and `details` as a sentence in the current locale.

    Values fill the text's placeholders; lists among them are joined with commas.
    """
    if isinstance(problem, str):
        problem = Problem(problem)
    elif not isinstance(problem, Problem):  # e.g. the estimates' DesignProblem
        problem = Problem(problem.code, values=problem.details)
    shown = {**problem.values, **values}
    if problem.code not in _TEXTS:
        shown.setdefault("code", problem.code.split(".", 1)[-1])
    text = str(_text(problem.code))
    if not shown:
        return text
    return text % {k: ", ".join(map(str, v)) if isinstance(v, list | tuple) else v
                   for k, v in shown.items()}


def as_json(problem: Problem) -> dict:
    return {"code": problem.code, "field": problem.field, "line": problem.line,
            "message": describe(problem)}


def json_error(status: int, problem, problems=(), **details):
    """The one JSON error shape of /api/v1 and /entry/api (documented in survey/api/openapi.py).

    {"error": {"code", "message", "problems": [{"code", "field", "line", "message"}], ...details}}
    `problem` is a code or a Problem; `problems` the single problems behind it, if any.
    """
    code = problem if isinstance(problem, str) else problem.code
    body = {"code": code, "message": describe(problem), "problems": [as_json(p) for p in problems],
            **details}
    response = jsonify(error=body)
    response.status_code = status
    return response


def json_object() -> dict:
    """The request's JSON object ({} when the body is not JSON); a 400 in the one shape otherwise.

    A list, a string or JSON nested too deep to parse is refused here, never a 500.
    """
    if not request.is_json:
        return {}
    try:
        body = request.get_json(silent=True)
    except RecursionError:
        body = None
    if not isinstance(body, dict):
        abort(json_error(400, "request.not_an_object"))
    return body


def missing_texts(app) -> list[str]:
    """Codes that lack text, and registered texts that lack their Vietnamese translation."""
    missing = sorted(code for code in ANSWER_CODES if not has_text(code))
    vietnamese = {}
    for lang in ("en", "vi"):
        with app.test_request_context(f"/?lang={lang}"):
            vietnamese[lang] = {code: str(text) for code, text in _TEXTS.items()}
    missing += sorted(code for code, text in vietnamese["vi"].items()
                      if not text.strip() or text == vietnamese["en"][code])
    return missing


def check_catalogue(app, strict: bool) -> None:
    """Fail the start if a code has no text (under the `flask` command, only warn: `translate` must run)."""
    missing = missing_texts(app)
    if missing and strict:
        raise RuntimeError("Problem codes without Vietnamese and English text: " + ", ".join(missing))
    for code in missing:
        app.logger.warning("problem code %s has no Vietnamese text", code)
