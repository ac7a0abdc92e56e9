"""Who is calling the API: a bearer token, or a signed-in staff member (with CSRF on POST).

Errors are JSON in the one shape of survey.problems.json_error: 401 without valid credentials,
403 for a role not allowed.
"""
from functools import wraps

from flask import g, request
from flask_login import current_user

from survey.api.tokens import authenticate
from survey.auth import csrf
from survey.auth import messages as _auth_texts  # noqa: F401  (registers the texts)
from survey.problems import json_error


def api_requires(*roles):
    """Let callers with one of `roles` in, by token or by session; mark the view for the access test."""

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            header = request.headers.get("Authorization", "")
            if header:
                scheme, _, secret = header.partition(" ")
                if scheme.lower() != "bearer" or not secret.strip():
                    return json_error(401, "auth.required")
                user, problem = authenticate(secret.strip())
                if user is None:
                    return json_error(401, problem)
            elif current_user.is_authenticated:
                user = current_user
                if request.method not in ("GET", "HEAD", "OPTIONS"):
                    csrf.protect()  # a browser session can be ridden by another site; a token cannot
            else:
                return json_error(401, "auth.required")
            if user.role not in roles:
                return json_error(403, "auth.forbidden")
            g.api_user = user
            return view(*args, **kwargs)

        wrapped.access = tuple(roles)
        wrapped.token_auth = True
        return wrapped

    return decorate
