"""Security headers on every response, and the client's address when behind reverse proxies.

The Content-Security-Policy allows no inline script or style: the two inline stylesheets (the
citizen page keeps its CSS inline to stay one request on 3G; a poster sheet's size depends on the
paper) are allowed by the SHA-256 of their exact text, which the `inline_style` filter records
as the template renders them. Their text comes from templates and a closed set of paper sizes,
never from users, so the set of hashes stays small.
"""
import base64
import hashlib

from flask import current_app, request
from markupsafe import Markup
from werkzeug.middleware.proxy_fix import ProxyFix

STATIC_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    # Same-origin only: citizen addresses carry response ids, and Flask-WTF's CSRF check over
    # HTTPS needs the Referer of our own pages.
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
POLICY = ("default-src 'self'", "script-src 'self'", "img-src 'self' data:", "object-src 'none'",
          "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'")


def _style_hashes() -> set:
    return current_app.extensions.setdefault("inline_style_hashes", set())


def inline_style(css: str) -> Markup:
    """Jinja filter around the text of a <style> element: allow exactly that text in the CSP."""
    digest = base64.b64encode(hashlib.sha256(str(css).encode()).digest()).decode()
    _style_hashes().add(f"'sha256-{digest}'")
    return Markup(css)


def content_security_policy() -> str:
    styles = " ".join(["style-src 'self'", *sorted(_style_hashes())])
    return "; ".join([*POLICY, styles])


def _add_headers(response):
    response.headers.update(STATIC_HEADERS)
    response.headers["Content-Security-Policy"] = content_security_policy()
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = (
            f"max-age={current_app.config['HSTS_SECONDS']}; includeSubDomains")
    return response


def init_app(app):
    hops = app.config["TRUSTED_PROXY_HOPS"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops,
                                x_prefix=hops)
    app.after_request(_add_headers)
    app.add_template_filter(inline_style)
