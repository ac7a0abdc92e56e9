"""The Flask app of the Lai Châu citizen-satisfaction platform."""
import logging
import os

from flask import Flask

log = logging.getLogger(__name__)


def create_app(config: dict | None = None, strict: bool | None = None) -> Flask:
    """Build the app: config → extensions → questionnaires → blueprints → problem texts → CLI.

    `strict` (default: not under the `flask` command) makes start-up fail on an un-migrated
    database or a broken questionnaire. Under the `flask` command the app still loads, so that
    `db upgrade` and `questionnaires check` can run; the problem is then served as a 503 page.
    """
    from survey import (
        auth,
        compression,
        db,
        errors,
        i18n,
        input_checks,
        log_privacy,
        problems,
        routing,
        startup,
        web_security,
    )
    from survey.config import load_config
    from survey.jobs import queue

    # The worker and the web server must share the instance folder (SQLite file, export files).
    instance_path = (config or {}).get("INSTANCE_PATH") or os.environ.get("SURVEY_INSTANCE_PATH")
    if instance_path:
        instance_path = os.path.abspath(instance_path)
    app = Flask(__name__, instance_path=instance_path)
    load_config(app, config)
    if strict is None:
        strict = os.environ.get("FLASK_RUN_FROM_CLI") != "true"

    web_security.init_app(app)
    routing.init_app(app)
    input_checks.init_app(app)
    log_privacy.init_app(app)
    db.init_app(app)
    queue.init_app(app)
    i18n.init_app(app)
    auth.init_app(app)
    errors.init_app(app)
    compression.init_app(app)
    startup.init_app(app, strict)

    from survey.api.pages import bp as api_tokens_bp
    from survey.api.views import bp as api_bp
    from survey.auth.views import bp as auth_bp
    from survey.entry.api import bp as entry_api_bp
    from survey.entry.keying import bp as entry_keying_bp
    from survey.entry.views import bp as entry_bp
    from survey.exports.views import bp as exports_bp
    from survey.home.views import bp as home_bp
    from survey.jobs.views import bp as jobs_bp
    from survey.posters.views import bp as posters_bp
    from survey.preview.views import bp as preview_bp
    from survey.public.views import bp as public_bp
    from survey.results.views import bp as results_bp
    from survey.service_points.views import bp as service_points_bp
    from survey.units.views import bp as units_bp
    from survey.waves.views import bp as waves_bp

    for blueprint in (auth_bp, home_bp, units_bp, service_points_bp, preview_bp, posters_bp,
                      public_bp, entry_bp, entry_keying_bp, entry_api_bp, waves_bp, results_bp,
                      exports_bp, api_bp, api_tokens_bp, jobs_bp):
        app.register_blueprint(blueprint)
    problems.check_catalogue(app, strict)  # after the blueprints: their features registered their codes

    from survey import cli

    cli.init_app(app)
    return app
