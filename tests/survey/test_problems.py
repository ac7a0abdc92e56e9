"""One catalogue of problems: every code the web side raises has its Vietnamese and English text,
the start fails without them, and /api/v1 and /entry/api answer errors in one JSON shape."""
import ast
import re
from pathlib import Path

import pytest
from sqlmodel import SQLModel

import survey
from survey import create_app, problems
from survey.i18n_lazy import _l
from survey.problems import Problem, describe
from survey.questionnaires.errors import ANSWER_CODES

CODE = re.compile(r"^[a-z][a-z0-9_]*\.[a-z0-9_]+$")
FILE_SUFFIXES = {"db", "css", "js", "html", "csv", "json", "yaml", "svg", "png", "pdf", "txt"}
# What takes a problem code as its first argument (json_error: its second).
CODE_TAKERS = {"Problem", "describe", "json_error", "Refusal", "Stop", "DesignProblem", "HoursError"}


def _called_with_code(node) -> str:
    if not isinstance(node, ast.Call):
        return ""
    name = getattr(node.func, "id", getattr(node.func, "attr", ""))
    args = node.args[1:2] if name == "json_error" else node.args[:1]
    if name in CODE_TAKERS and args and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
        return args[0].value
    return ""


def codes_in_source(app) -> dict[str, set[str]]:
    """Every code given to the problem type (or its kin), and every string written like a code of
    a namespace that has codes, in survey/ (the modules of this web app; migrations hold none).

    Endpoint names, table.column names and file names are written like codes; they are left out.
    """
    root = Path(survey.__file__).resolve().parent
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in root.rglob("*.py")}
    found: dict[str, set[str]] = {}
    for path, tree in trees.items():
        for code in filter(None, map(_called_with_code, ast.walk(tree))):
            found.setdefault(code, set()).add(str(path.relative_to(root)))
    namespaces = {code.split(".", 1)[0] for code in [*problems._TEXTS, *found]}
    columns = {f"{t.name}.{c.name}" for t in SQLModel.metadata.sorted_tables for c in t.columns}
    not_codes = set(app.view_functions) | columns
    for path, tree in trees.items():
        for node in ast.walk(tree):
            text = node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else ""
            namespace, _, suffix = text.partition(".")
            if (CODE.match(text) and namespace in namespaces and text not in not_codes
                    and suffix not in FILE_SUFFIXES):
                found.setdefault(text, set()).add(str(path.relative_to(root)))
    return found


def _texts(app, code) -> tuple[str, str]:
    out = []
    for lang in ("vi", "en"):
        with app.test_request_context(f"/?lang={lang}"):
            out.append(describe(code))
    return tuple(out)


def test_every_code_raised_in_the_source_has_vietnamese_and_english_text(app):
    found = codes_in_source(app)
    assert {"entry.same_clerk", "unit.bad_code", "csv.field_count", "survey.dossier_rated",
            "token.revoked", "d766.bad_month", "hours.bad_day"} <= set(found)
    for code, where in sorted(found.items()):
        assert problems.has_text(code), f"{code} (raised in {sorted(where)}) has no text"
        vi, en = _texts(app, code)
        assert en.strip() and vi.strip() and vi != en, code


def test_every_answer_code_of_the_questionnaire_checker_has_text(app):
    for code in ANSWER_CODES:
        vi, en = _texts(app, code)
        assert vi != en, code


def test_csv_texts_have_one_home(app):
    with app.test_request_context("/?lang=en"):
        assert describe("csv.unknown_header", columns=["code", "name"]) == (
            "The first line must be the column names: code, name.")


def test_describe_fills_values_in_the_current_language(app):
    problem = Problem("calibration.no_item", values={"item": "sex"})
    with app.test_request_context("/?lang=en"):
        assert describe(problem) == "A calibration item is not in the questionnaire: sex."
        assert describe("analysis.fpc.too_small") == (
            "The estimates could not be computed with this design (fpc.too_small).")
    with app.test_request_context("/?lang=vi"):
        assert "sex" in describe(problem) and "questionnaire" not in describe(problem)


def test_a_code_without_text_cannot_be_described(app):
    with app.test_request_context("/"), pytest.raises(LookupError):
        describe("entry.no_such_code")


def test_a_code_registered_twice_is_refused():
    with pytest.raises(ValueError):
        problems.register({"entry.same_clerk": _l("Another text")})


def test_the_start_fails_when_a_code_lacks_its_vietnamese_text(database_url, instance_path, monkeypatch):
    monkeypatch.setitem(problems._TEXTS, "test.untranslated", _l("A text that no catalogue translates"))
    config = {"TESTING": True, "DATABASE_URL": database_url, "INSTANCE_PATH": instance_path,
              "SECRET_KEY": "test-secret-key"}
    with pytest.raises(RuntimeError, match="test.untranslated"):
        create_app(config, strict=True)
    app = create_app(config, strict=False)  # under the `flask` command: warn, so `translate` runs
    assert problems.missing_texts(app) == ["test.untranslated"]


def _error_shape(body):
    assert set(body) == {"error"}
    error = body["error"]
    assert {"code", "message", "problems"} <= set(error) and error["message"]
    for problem in error["problems"]:
        assert set(problem) == {"code", "field", "line", "message"}
    return error


def test_api_errors_have_the_one_shape_and_the_callers_language(app, client):
    response = client.get("/api/v1/waves", headers={"Accept-Language": "en"})
    error = _error_shape(response.get_json())
    assert response.status_code == 401 and error["code"] == "auth.required"
    assert error["message"] == "Send an API token: Authorization: Bearer <token>."
    vietnamese = _error_shape(client.get("/api/v1/waves?lang=vi").get_json())
    assert vietnamese["message"].startswith("Hãy gửi mã API")


def test_entry_api_errors_have_the_same_shape(app, client):
    response = client.post("/entry/api/sync", json={"forms": []})
    assert response.status_code == 401
    assert _error_shape(response.get_json())["code"] == "auth.session_expired"


def test_the_openapi_document_describes_the_error_shape(app, client):
    schema = client.get("/api/openapi.json").get_json()["components"]["responses"]["Error"]
    error = schema["content"]["application/json"]["schema"]["properties"]["error"]
    assert {"code", "message", "problems"} <= set(error["properties"])
    assert set(error["properties"]["problems"]["items"]["properties"]) == {"code", "field", "line", "message"}
