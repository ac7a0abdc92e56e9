"""Staff sign-in (citizens never log in), roles, CSRF on every form."""
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from survey.auth import queries
from survey.i18n_lazy import _l

login_manager = LoginManager()
csrf = CSRFProtect()


def init_app(app):
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    csrf.init_app(app)

    login_manager.user_loader(queries.query_active_user)

