"""Staff sign-in and sign-out pages."""
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from survey.auth import messages as _auth_texts  # noqa: F401  (registers the texts)
from survey.auth.access import ALL_STAFF, public, requires
from survey.auth.forms import LoginForm
from survey.auth.operations import authenticate, revoke_sessions
from survey.auth.throttle import DEVICE_COOKIE, DEVICE_COOKIE_DAYS, device_cookie
from survey.i18n_lazy import _
from survey.problems import describe

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only follow a `next` that stays on this site and can be sent in a Location header.

    Browsers read a backslash as a slash, so "/\\evil.example" would leave the site; a CR or LF
    cannot be sent in a header at all.
    """
    if (target and target.startswith("/") and not target.startswith("//") and "\\" not in target
            and target.isprintable() and not urlsplit(target).netloc):
        return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        result = authenticate(form.username.data, form.password.data)
        if result.user is not None:
            login_user(result.user)
            response = redirect(_safe_next(request.args.get("next")))
            response.set_cookie(DEVICE_COOKIE, device_cookie(result.user.id), httponly=True,
                                max_age=DEVICE_COOKIE_DAYS * 86400, samesite="Lax",
                                secure=current_app.config["SESSION_COOKIE_SECURE"])
            return response
        form.form_errors.append(describe(result.error, num=result.wait_seconds))
        if result.error == "login.throttled":
            return (render_template("auth/login.html", form=form), 429,
                    {"Retry-After": str(result.wait_seconds)})
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@requires(*ALL_STAFF)
def logout():
    revoke_sessions(current_user._get_current_object())
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("home.index"))
