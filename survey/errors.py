"""Error pages in the user's language; never a bare 500 page or a stack trace."""
from flask import render_template, request
from flask_babel import get_locale
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from survey.db import discard_session
from survey.i18n_lazy import _l

MESSAGES = {
    400: _l("The request could not be understood. Please go back and try again."),
    403: _l("You do not have permission to open this page."),
    404: _l("This page does not exist. Check the address or go back to the home page."),
    405: _l("This page does not accept that kind of request."),
    413: _l("The file is too large."),
    429: _l("Too many requests. Please wait a moment and try again."),
    500: _l("Something went wrong on our side. Nothing was saved; please try again later."),
}


def _render(status: int, message=None):
    return render_template("errors/error.html", status=status,
                           message=message or MESSAGES.get(status, MESSAGES[500])), status


def init_app(app):
    @app.errorhandler(CSRFError)
    def csrf_error(_exc):
        message = _l("This form has expired or was sent from elsewhere. "
                     "Please reload the page and send it again.")
        if request.blueprint == "public":
            return render_template("public/problem.html", message=message, point=None,
                                   lang=str(get_locale()), code="csrf"), 400
        return _render(400, message)

    @app.errorhandler(HTTPException)
    def http_error(exc):
        return _render(exc.code if exc.code in MESSAGES else 500)

    @app.errorhandler(Exception)
    def unexpected_error(exc):
        app.logger.exception("unhandled error", exc_info=exc)
        # The failed statement may have aborted the transaction (PostgreSQL): the page itself
        # reads the signed-in user, which must not fail a second time.
        discard_session()
        return _render(500)
