"""Texts of the sign-in and API-credential problem codes."""
from survey.i18n_lazy import _l
from survey.problems import register

register({
    "login.invalid": _l("The username or password is wrong."),
    "login.throttled": _l("Too many failed sign-in attempts. Please wait %(num)d seconds and try again."),
    "auth.required": _l("Send an API token: Authorization: Bearer <token>."),
    "auth.session_expired": _l("Your session has expired. Sign in again; the forms stay on this "
                               "device."),
    "auth.forbidden": _l("You do not have permission to open this page."),
    "token.unknown": _l("This API token is not known."),
    "token.revoked": _l("This API token has been revoked."),
    "token.expired": _l("This API token has expired."),
    "token.user_inactive": _l("The account of this API token is disabled."),
})
