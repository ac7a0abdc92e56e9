"""Logs never hold citizen answers or the links of their ratings.

- SQL parameters (a comment, a dossier code) are not rendered into database errors at all
  (`hide_parameters` on the engine, survey.db); the DETAIL line a database adds to a failed
  constraint ("Key (…)=(…) already exists") is cut from logged tracebacks here.
- The development server's access log shows a citizen's rating link without its response id
  and without the dossier code a link may carry (`?hs=`).
"""
import logging
import re

from flask import Flask

_DETAIL = re.compile(r"^(DETAIL|\[parameters):.*$\n?", re.MULTILINE)
_RESPONSE_ID = re.compile(r"(/q/[^/\s?\"]+/)[0-9a-fA-F-]{36}")
_DOSSIER = re.compile(r"([?&]hs=)[^&\s\"]*")


class TracebackWithoutValues(logging.Filter):
    """Format a record's traceback now, without the lines that carry values."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and not record.exc_text:
            record.exc_text = _DETAIL.sub("", logging.Formatter().formatException(record.exc_info))
        return True


class CitizenLinks(logging.Filter):
    """Cut response ids and dossier codes out of access-log lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        hidden = _DOSSIER.sub(r"\1…", _RESPONSE_ID.sub(r"\1…", message))
        if hidden != message:
            record.msg, record.args = hidden, ()
        return True


def init_app(app: Flask) -> None:
    app.logger.addFilter(TracebackWithoutValues())
    werkzeug = logging.getLogger("werkzeug")
    if not any(isinstance(f, CitizenLinks) for f in werkzeug.filters):
        werkzeug.addFilter(CitizenLinks())
