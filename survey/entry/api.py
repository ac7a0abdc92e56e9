"""The sync API the entry page's script uses, and the files that make the entry pages installable.

API answers are JSON, also when the session has expired (401) or the CSRF token is stale (400),
so the page can keep the forms on the device and say what to do.
"""
import json
from datetime import datetime
from functools import wraps
from pathlib import Path

from flask import Blueprint, current_app, jsonify, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf, validate_csrf
from wtforms.validators import ValidationError

from survey.auth import csrf, login_manager
from survey.auth.access import public
from survey.entry import operations
from survey.entry.messages import describe
from survey.i18n_lazy import _
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
                return jsonify(error="session_expired", message=_(
                    "Your session has expired. Sign in again; the forms stay on this device.")), 401
            if current_user.role not in roles:
                return jsonify(error="forbidden", message=_(
                    "You do not have permission to open this page.")), 403
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
        return jsonify(error="csrf", message=_("The page is out of date. It will fetch a new "
                                               "token and send again.")), 400
    body = request.get_json(silent=True)
    forms = body.get("forms") if isinstance(body, dict) else None
    if not isinstance(forms, list) or len(forms) > MAX_FORMS:
        return jsonify(error="malformed", message=_(
            "The request is not a list of up to %(num)d forms.", num=MAX_FORMS)), 400
    return jsonify(results=[_result(raw) for raw in forms])


def _result(raw) -> dict:
    keyed = _keyed_form(raw)
    if keyed is None:
        uuid = raw.get("uuid") if isinstance(raw, dict) else None
        return {"uuid": uuid if isinstance(uuid, str) else None, "status": "rejected",
                "errors": {"form": {"code": "entry.malformed",
                                    "message": _("This form could not be read. Key it again."),
                                    "label": ""}}}
    outcome = operations.accept(keyed, current_user)
    if outcome.accepted:
        return {"uuid": outcome.uuid, "status": "accepted", "receipt": outcome.receipt,
                "replayed": outcome.replayed}
    return {"uuid": outcome.uuid, "status": "rejected",
            "errors": {key: {"code": code, "message": describe(code), "label": _label(keyed, key)}
                       for key, code in outcome.errors.items()}}


def _keyed_form(raw) -> operations.KeyedForm | None:
    """Read one form of the request, or None if its shape is wrong."""
    if not isinstance(raw, dict):
        return None
    answers = raw.get("answers")
    if not isinstance(answers, dict) or not all(
            isinstance(v, str | list) and all(isinstance(x, str) for x in (v if isinstance(v, list) else [v]))
            for v in answers.values()):
        return None
    keyed_at = None
    if raw.get("keyed_at"):
        try:
            keyed_at = datetime.fromisoformat(str(raw["keyed_at"]).replace("Z", "+00:00"))
        except ValueError:
            return None
    text = {k: raw.get(k) for k in ("uuid", "paper_form_number", "entry_kind", "questionnaire_id")}
    numbers = {k: raw.get(k) for k in ("batch_id", "questionnaire_version")}
    if not all(isinstance(v, str) for v in text.values()) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in numbers.values()):
        return None
    return operations.KeyedForm(answers=answers, keyed_at=keyed_at, **text, **numbers)


def _label(keyed, key: str) -> str:
    questionnaire = registry().get(keyed.questionnaire_id, keyed.questionnaire_version)
    if questionnaire is not None and key in questionnaire.items:
        return localized(questionnaire.items[key].text, str(get_locale()))
    return {"paper_form_number": _("Paper form number"), "entry_kind": _("This keying is the")
            }.get(key, "")


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
