"""Staff sign-in: hashed passwords, clear errors in Vietnamese, throttling, CSRF, safe redirects."""
from bs4 import BeautifulSoup
from sqlmodel import select

from survey.db import get_session
from survey.models import LoginAttempt, User
from tests.survey.conftest import PASSWORD, post_form


def _error_summary(response):
    summary = BeautifulSoup(response.get_data(as_text=True), "html.parser").select_one(".error-summary")
    return summary.get_text(" ", strip=True) if summary else ""


def test_passwords_are_stored_hashed(app, make_user):
    make_user("clerk")
    with app.app_context():
        user = get_session().exec(select(User)).one()
    assert PASSWORD not in user.password_hash
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))


def test_sign_in_and_out(client, make_user):
    make_user("viewer")
    response = post_form(client, "/login?next=/units/", {"username": "Viewer ", "password": PASSWORD})
    assert response.status_code == 302 and response.location == "/units/"
    response = post_form(client, "/logout", {}, form_url="/")
    assert response.status_code == 302
    assert client.get("/units/").status_code == 302


def test_a_wrong_password_gets_a_clear_message_in_vietnamese(client, make_user):
    make_user("viewer")
    response = post_form(client, "/login", {"username": "viewer", "password": "wrong password"})
    assert response.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in _error_summary(response)


def test_a_wrong_password_in_english(client, make_user):
    make_user("viewer")
    client.get("/?lang=en")
    response = post_form(client, "/login", {"username": "viewer", "password": "wrong password"})
    assert "The username or password is wrong." in _error_summary(response)


def test_repeated_failures_are_throttled_even_with_the_right_password(app, client, make_user):
    make_user("viewer")
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_USER"]):
        assert post_form(client, "/login", {"username": "viewer", "password": "nope"}).status_code == 401
    response = post_form(client, "/login", {"username": "viewer", "password": PASSWORD})
    assert response.status_code == 429
    with app.app_context():
        attempts = get_session().exec(select(LoginAttempt)).all()
    # Attempts are keyed by a hash, never the raw address.
    assert all("127.0.0.1" not in a.client_key and len(a.client_key) == 64 for a in attempts)


def test_an_unknown_user_gets_the_same_answer(client):
    response = post_form(client, "/login", {"username": "nobody", "password": "whatever"})
    assert response.status_code == 401


def test_a_form_without_csrf_token_is_refused(client, make_user):
    make_user("viewer")
    response = client.post("/login", data={"username": "viewer", "password": PASSWORD})
    assert response.status_code == 400
    assert "biểu mẫu" in response.get_data(as_text=True).lower()


def test_next_may_not_leave_the_site(client, make_user):
    make_user("viewer")
    response = post_form(client, "/login?next=//evil.example/", {"username": "viewer", "password": PASSWORD})
    assert response.location == "/"


def test_inactive_users_cannot_sign_in(app, client, make_user):
    user = make_user("viewer")
    with app.app_context():
        session = get_session()
        user = session.get(User, user.id)
        user.active = False
        session.add(user)
        session.commit()
    assert post_form(client, "/login", {"username": "viewer", "password": PASSWORD}).status_code == 401


def test_users_create_command(runner, app):
    result = runner.invoke(args=["users", "create", "thu.ha", "--role", "statistician",
                                 "--password", "mot-mat-khau-dai"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["users", "create", "thu.ha", "--role", "viewer",
                                 "--password", "mot-mat-khau-dai"])
    assert result.exit_code == 1 and "already exists" in result.output
    result = runner.invoke(args=["users", "create", "x", "--role", "viewer", "--password", "short"])
    assert result.exit_code == 1 and "at least 10" in result.output
    result = runner.invoke(args=["users", "create", "y", "--role", "boss", "--password", "long-enough-1"])
    assert result.exit_code == 2
