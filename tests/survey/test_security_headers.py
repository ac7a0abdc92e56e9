"""Security headers on every kind of response (issue 14, item 13): a strict CSP without
'unsafe-inline' whose hashes match the inline styles, no framing, nosniff, a referrer policy, and
HSTS only over HTTPS."""
import base64
import hashlib
import re

from bs4 import BeautifulSoup

from tests.survey.conftest import PASSWORD, post_form


def _directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def _assert_strict(response):
    policy = _directives(response)
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]
    assert policy["default-src"] == ["'self'"] and policy["script-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def _inline_styles_allowed(response):
    """Every <style> of the page has its SHA-256 in style-src (so the browser applies it)."""
    allowed = _directives(response)["style-src"]
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    for style in soup.find_all("style"):
        digest = base64.b64encode(hashlib.sha256(style.string.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in allowed
    assert not soup.select("[style]"), "a style attribute would be blocked by the CSP"
    assert not [s for s in soup.find_all("script") if s.get("type") != "application/json"
                and not s.get("src")], "an inline script would be blocked by the CSP"


def test_every_page_kind_carries_the_headers(app, login, make_user, desk):
    client = login("admin")
    pages = {
        "citizen": client.get("/q/MC-03595"),
        "staff": client.get("/service-points/"),
        "poster print": client.get(f"/posters/unit/{desk.unit_id}/print"),
        "api": client.get("/api/openapi.json"),
        "api error": client.get("/api/v1/waves/99"),
        "static": client.get("/static/style.css"),
        "not found": client.get("/no-such-page"),
        "bad request": client.get("/units/?on=%00"),
    }
    viewer = app.test_client()
    pages["login"] = viewer.get("/login")
    make_user("viewer")
    post_form(viewer, "/login", {"username": "viewer", "password": PASSWORD})
    pages["forbidden"] = viewer.get("/service-points/new")
    for kind, response in pages.items():
        response.close()
        assert response.status_code < 500, kind
        _assert_strict(response)
        assert "Strict-Transport-Security" not in response.headers, kind  # plain HTTP
    for kind in ("citizen", "staff", "poster print", "login"):
        _inline_styles_allowed(pages[kind])


def test_the_citizen_page_still_fits_the_budget_with_its_style_hash(client, desk):
    response = client.get("/q/MC-03595", headers={"Accept-Encoding": "gzip"})
    assert len(response.get_data()) <= 4096
    page = client.get("/q/MC-03595")
    assert not re.search(r'<link[^>]+stylesheet|<script[^>]+src', page.get_data(as_text=True))
    _inline_styles_allowed(page)


def test_the_500_page_carries_the_headers(app, client):
    def broken():
        raise RuntimeError("boom")

    app.add_url_rule("/boom-for-test", "boom_for_test", broken)
    app.testing = False
    response = client.get("/boom-for-test")
    assert response.status_code == 500
    _assert_strict(response)


def test_hsts_only_over_https(app, client, desk):
    secure = app.test_client()
    response = secure.get("/q/MC-03595", base_url="https://khaosat.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Strict-Transport-Security" not in client.get("/q/MC-03595").headers
