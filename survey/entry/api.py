"""The sync API the entry page's script uses, and the files that make the entry pages installable.

API answers are JSON, also when the session has expired (401) or the CSRF token is stale (400),
so the page can keep the forms on the device and say what to do. Errors have the one shape of
survey.problems.json_error; within a sync, each form gets its own answer.
"""
import json
from functools import wraps
from pathlib import Path

from flask import Blueprint, current_app, jsonify, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf, validate_csrf
from wtforms.validators import ValidationError

from survey.auth import csrf, login_manager
from survey.auth.access import public
from survey.entry import messages as _entry_texts  # noqa: F401  (registers the texts)
from survey.entry import operations
from survey.entry.sync import read_form
from survey.i18n_lazy import _
from survey.problems import Problem, describe, json_error, json_object
from survey.questionnaires import localized
from survey.startup import registry

bp = Blueprint("entry_api", __name__, url_prefix="/entry")
MAX_FORMS = 200
STATIC = Path(__file__).resolve().parent.parent / "static" / "entry"


def json_requires(*roles):
    """Like `requires`, but an API request (JSON) gets 401/403 JSON instead of the sign-in page."""

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            wants_json = request.is_json or request.accept_mimetypes.best == "application/json"
            if not current_user.is_authenticated:
                if not wants_json:
                    return login_manager.unauthorized()
                return json_error(401, "auth.session_expired")
            if current_user.role not in roles:
                return json_error(403, "auth.forbidden")
            return view(*args, **kwargs)

        wrapped.access = tuple(roles)
        return csrf.exempt(wrapped)

    return decorate


@bp.route("/api/session")
@json_requires("clerk")
def api_session():
    """Who is signed in, and a fresh CSRF token for the next sync."""
    return jsonify(user=current_user.username, csrf_token=generate_csrf())


@bp.route("/api/sync", methods=["POST"])
@json_requires("clerk")
def api_sync():
    """Take keyed forms; answer each with its receipt or its reasons, in the order sent."""
    try:
        validate_csrf(request.headers.get("X-CSRFToken"))
    except ValidationError:
        return json_error(400, "sync.stale_token")
    forms = json_object().get("forms")
    if not isinstance(forms, list) or len(forms) > MAX_FORMS:
        return json_error(400, Problem("sync.malformed", values={"num": MAX_FORMS}))
    return jsonify(results=[_result(raw) for raw in forms])


def _result(raw) -> dict:
    keyed = read_form(raw)
    if isinstance(keyed, Problem):
        uuid = raw.get("uuid") if isinstance(raw, dict) else None
        return _rejected(uuid if isinstance(uuid, str) else None, {keyed.field: keyed.code}, None)
    outcome = operations.accept(keyed, current_user)
    if outcome.accepted:
        return {"uuid": outcome.uuid, "status": "accepted", "receipt": outcome.receipt,
                "replayed": outcome.replayed}
    return _rejected(outcome.uuid, outcome.errors, keyed)


def _rejected(uuid, errors: dict, keyed) -> dict:
    return {"uuid": uuid, "status": "rejected",
            "errors": {key: {"code": code, "message": describe(code), "label": _label(keyed, key)}
                       for key, code in errors.items()}}


def _label(keyed, key: str) -> str:
    if keyed is None:
        return ""
    questionnaire = registry().get(keyed.questionnaire_id, keyed.questionnaire_version)
    if questionnaire is not None and key in questionnaire.items:
        return localized(questionnaire.items[key].text, str(get_locale()))
    return {"paper_form_number": _("Paper form number"), "entry_kind": _("This keying is the"),
            "interview_date": _("Interview date on the paper form")}.get(key, "")


@bp.route("/sw.js")
@public
def service_worker():
    """The service worker, served under /entry/ so that its scope covers the entry pages."""
    response = current_app.response_class((STATIC / "sw.js").read_bytes(), mimetype="text/javascript")
    # Checked on every visit, so a new version of the worker reaches the tablets quickly.
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/manifest.webmanifest")
@public
def manifest():
    return current_app.response_class(
        _manifest_json(), mimetype="application/manifest+json")


def _manifest_json() -> str:
    return json.dumps({
        "name": _("Paper form entry · Lai Châu satisfaction"), "short_name": _("Form entry"),
        "start_url": url_for("entry_keying.my_batches"), "scope": url_for("entry_keying.my_batches"),
        "display": "standalone", "background_color": "#ffffff", "theme_color": "#0b5394",
        "icons": [{"src": url_for("static", filename="entry/icon.svg"), "sizes": "any",
                   "type": "image/svg+xml"}],
    }, ensure_ascii=False)
