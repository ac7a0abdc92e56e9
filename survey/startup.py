"""Fail fast at start-up: the database must be migrated and every questionnaire must load."""
import logging

import click
from flask import current_app, render_template

from survey.db import get_engine
from survey.forms.fields import check_field_builders
from survey.migrate import SchemaNotCurrent, check_schema
from survey.questionnaires import QuestionnaireLoadError, Registry, load_registry

log = logging.getLogger(__name__)


def init_app(app, strict: bool):
    check_field_builders()
    problems = []
    try:
        app.extensions["questionnaires"] = load_registry(
            app.config["QUESTIONNAIRES_DIR"], app.config["LANGUAGES"]
        )
    except QuestionnaireLoadError as exc:
        app.extensions["questionnaires"] = Registry([])
        problems.append("Questionnaires are invalid (run: flask --app wsgi questionnaires check):\n"
                        + str(exc))
    with app.app_context():
        try:
            check_schema(get_engine())
        except SchemaNotCurrent as exc:
            problems.append(str(exc))
    # No pooled connection outlives start-up: a server that loads the app once and forks its
    # workers (gunicorn --preload) must not hand one database connection to several processes.
    app.extensions["db_engine"].dispose()
    if problems and strict:
        raise RuntimeError("\n".join(problems))
    app.extensions["startup_problems"] = problems
    # Loaded by a `flask` command, the app may be about to migrate (demo, db upgrade): an error
    # logged now would read as that command's failure. Served pages still answer 503 with them.
    if click.get_current_context(silent=True) is None:
        for problem in problems:
            log.error("%s", problem)
    if problems:
        app.before_request(_refuse_while_broken)


def _refuse_while_broken():
    """Answer every request with 503 until the problems found at start-up are fixed."""
    problems = current_app.extensions["startup_problems"]
    if problems:
        return render_template("errors/unavailable.html", problems=problems), 503
    return None


def registry() -> Registry:
    return current_app.extensions["questionnaires"]


