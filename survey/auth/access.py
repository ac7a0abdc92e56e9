"""Who may open which page: every view declares its roles (or that it is public).

A test walks the URL map and fails on any view without a declaration.
"""
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

ADMIN = ("admin",)
MANAGERS = ("admin", "supervisor")
ALL_STAFF = ("admin", "supervisor", "clerk", "statistician", "viewer")


def public(view):
    view.access = "public"
    return view


def requires(*roles):
    """Let signed-in users with one of `roles` in; others get 403, anonymous users the login page."""

    def decorate(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.access = tuple(roles)
        return wrapped

    return decorate


def can(role_set) -> bool:
    """For templates: may the current user use a feature open to `role_set`?"""
    return current_user.is_authenticated and current_user.role in role_set
