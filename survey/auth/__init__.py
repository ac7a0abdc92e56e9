"""Staff sign-in (citizens never log in), roles, CSRF on every form."""
from flask import Blueprint
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from survey.i18n_lazy import _l

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
csrf = CSRFProtect()


def init_app(app):
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    csrf.init_app(app)

    from survey.auth import queries

    login_manager.user_loader(queries.query_active_user)


from survey.auth import views  # noqa: E402,F401  (registers the routes on bp)
