"""Staff sign-in: hashed passwords, clear errors in Vietnamese, throttling, CSRF, safe redirects."""
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from bs4 import BeautifulSoup
from sqlmodel import select

from survey.auth.operations import change_password, change_role
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


def _fail(client, address="198.51.100.7", agent="test", username="viewer"):
    return post_form(client, "/login", {"username": username, "password": "nope"},
                     environ_base={"REMOTE_ADDR": address}, headers={"User-Agent": agent})


def _backdate_attempts(app, seconds):
    with app.app_context():
        session = get_session()
        for attempt in session.exec(select(LoginAttempt)).all():
            attempt.attempted_at -= timedelta(seconds=seconds)
            session.add(attempt)
        session.commit()


def test_repeated_failures_make_this_client_wait_longer_each_time(app, client, make_user):
    make_user("viewer")
    for _ in range(app.config["LOGIN_FREE_FAILURES"]):
        assert _fail(client).status_code == 401
    response = post_form(client, "/login", {"username": "viewer", "password": PASSWORD},
                         environ_base={"REMOTE_ADDR": "198.51.100.7"}, headers={"User-Agent": "test"})
    assert response.status_code == 429  # even with the right password
    first_delay = app.config["LOGIN_FIRST_DELAY_SECONDS"]
    assert 1 <= int(response.headers["Retry-After"]) <= first_delay
    assert "Quá nhiều lần đăng nhập sai" in _error_summary(response)
    _backdate_attempts(app, first_delay + 1)
    assert _fail(client).status_code == 401  # the wait is over: one more try
    waited = _fail(client)
    assert waited.status_code == 429
    assert first_delay < int(waited.headers["Retry-After"]) <= 2 * first_delay
    with app.app_context():
        attempts = get_session().exec(select(LoginAttempt)).all()
    # Attempts are keyed by a hash, never the raw address.
    assert all("198.51.100.7" not in a.client_key and len(a.client_key) == 64 for a in attempts)


def test_a_new_user_agent_is_not_a_new_client(app, client, make_user):
    make_user("viewer")
    for n in range(app.config["LOGIN_FREE_FAILURES"]):
        assert _fail(client, agent=f"browser {n}").status_code == 401
    assert _fail(client, agent="yet another browser").status_code == 429


def test_strangers_failing_cannot_lock_a_staff_member_out(app, make_user):
    make_user("viewer")
    own = app.test_client()
    assert post_form(own, "/login", {"username": "viewer", "password": PASSWORD},
                     environ_base={"REMOTE_ADDR": "203.0.113.5"}).status_code == 302
    post_form(own, "/logout", {}, form_url="/", environ_base={"REMOTE_ADDR": "203.0.113.5"})
    stranger = app.test_client()
    attackers = [f"192.0.2.{n}" for n in range(1, 11)]
    for address in attackers * 3:  # 30 failures from 10 addresses: the per-account limit
        _fail(stranger, address=address)
    assert _fail(stranger, address=attackers[0]).status_code == 429
    assert post_form(app.test_client(), "/login", {"username": "viewer", "password": PASSWORD},
                     environ_base={"REMOTE_ADDR": "192.0.2.200"}).status_code == 429  # new client
    # The staff member's own browser (it signed in before) is not held back.
    response = post_form(own, "/login", {"username": "viewer", "password": PASSWORD},
                         environ_base={"REMOTE_ADDR": "203.0.113.5"})
    assert response.status_code == 302


def test_another_clients_failures_do_not_slow_a_first_sign_in(app, make_user):
    make_user("viewer")
    stranger = app.test_client()
    for _ in range(app.config["LOGIN_FREE_FAILURES"] + 3):
        _fail(stranger, address="192.0.2.1")
    response = post_form(app.test_client(), "/login", {"username": "viewer", "password": PASSWORD},
                         environ_base={"REMOTE_ADDR": "192.0.2.2"})
    assert response.status_code == 302


def _signed_in_copy(app, client):
    """A second browser holding a copy of `client`'s session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    assert thief.get("/units/").status_code == 200
    return thief


def test_a_copied_session_cookie_is_dead_after_sign_out(app, login):
    client = login("viewer")
    thief = _signed_in_copy(app, client)
    assert post_form(client, "/logout", {}, form_url="/").status_code == 302
    assert thief.get("/units/").status_code == 302


@pytest.mark.parametrize("change", ["password", "role"])
def test_a_new_password_or_role_ends_existing_sessions(app, login, change):
    client = login("supervisor")
    thief = _signed_in_copy(app, client)
    with app.app_context():
        user = get_session().exec(select(User).where(User.username == "supervisor")).one()
        if change == "password":
            change_password(user, "a brand new password")
        else:
            change_role(user, "viewer")
    assert thief.get("/units/").status_code == 302
    assert client.get("/units/").status_code == 302


def test_users_password_and_role_commands(runner, app, make_user):
    make_user("clerk")
    result = runner.invoke(args=["users", "password", "clerk", "--password", "mot-mat-khau-moi"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["users", "role", "clerk", "supervisor"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = get_session().exec(select(User).where(User.username == "clerk")).one()
        assert user.role == "supervisor" and user.session_version == 2
    assert runner.invoke(args=["users", "role", "nobody", "viewer"]).exit_code != 0


def test_an_unknown_user_gets_the_same_answer(client):
    response = post_form(client, "/login", {"username": "nobody", "password": "whatever"})
    assert response.status_code == 401


def test_a_form_without_csrf_token_is_refused(client, make_user):
    make_user("viewer")
    response = client.post("/login", data={"username": "viewer", "password": PASSWORD})
    assert response.status_code == 400
    assert "biểu mẫu" in response.get_data(as_text=True).lower()


@pytest.mark.parametrize("target", ["//evil.example/", "/\\evil.example/",
                                    "/units/\r\nSet-Cookie: x=1", "https://evil.example/"])
def test_next_may_not_leave_the_site_or_break_the_header(client, make_user, target):
    make_user("viewer")
    response = post_form(client, "/login?" + urlencode({"next": target}),
                         {"username": "viewer", "password": PASSWORD})
    assert response.status_code == 302 and response.location == "/"


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
