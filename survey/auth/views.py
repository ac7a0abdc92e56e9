"""Staff sign-in and sign-out pages."""
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from survey.auth import messages as _auth_texts  # noqa: F401  (registers the texts)
from survey.auth.access import ALL_STAFF, public, requires
from survey.auth.forms import LoginForm
from survey.auth.operations import authenticate
from survey.i18n_lazy import _
from survey.problems import describe

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only follow a `next` that stays on this site."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
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
            return redirect(_safe_next(request.args.get("next")))
        form.form_errors.append(describe(result.error))
        status = 429 if result.error == "login.throttled" else 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@requires(*ALL_STAFF)
def logout():
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("home.index"))
