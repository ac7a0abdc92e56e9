"""Error pages in the user's language; never a bare 500 page or a stack trace."""
from flask import render_template, request
from flask_babel import get_locale
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from survey.db import discard_session
from survey.i18n_lazy import _l
from survey.problems import describe, has_text, register

register({
    "http.400": _l("The request could not be understood. Please go back and try again."),
    "http.403": _l("You do not have permission to open this page."),
    "http.404": _l("This page does not exist. Check the address or go back to the home page."),
    "http.405": _l("This page does not accept that kind of request."),
    "http.409": _l("This cannot be done in the current state. Reload the page and try again."),
    "http.413": _l("The file is too large."),
    "http.415": _l("Send the request body as a JSON object."),
    "http.429": _l("Too many requests. Please wait a moment and try again."),
    "http.500": _l("Something went wrong on our side. Nothing was saved; please try again later."),
    "request.csrf": _l("This form has expired or was sent from elsewhere. "
                       "Please reload the page and send it again."),
    "request.not_an_object": _l("Send the request body as a JSON object."),
})


def http_code(status: int | None) -> str:
    """The problem code of an HTTP status; statuses without their own text count as 500."""
    code = f"http.{status}"
    return code if has_text(code) else "http.500"


def _render(status: int, code: str | None = None):
    code = code or http_code(status)
    return render_template("errors/error.html", status=status, message=describe(code)), status


def init_app(app):
    @app.errorhandler(CSRFError)
    def csrf_error(_exc):
        if request.blueprint == "public":
            return render_template("public/problem.html", message=describe("request.csrf"), point=None,
                                   lang=str(get_locale()), code="csrf"), 400
        return _render(400, "request.csrf")

    @app.errorhandler(HTTPException)
    def http_error(exc):
        code = http_code(exc.code)
        return _render(int(code.removeprefix("http.")), code)

    @app.errorhandler(Exception)
    def unexpected_error(exc):
        app.logger.exception("unhandled error", exc_info=exc)
        # The failed statement may have aborted the transaction (PostgreSQL): the page itself
        # reads the signed-in user, which must not fail a second time.
        discard_session()
        return _render(500)
