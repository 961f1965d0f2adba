"""Signing in and out: rate limits, cookie flags, password hashing and change."""

from __future__ import annotations

import os
import re

import pytest
import redis
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from accounts import PASSWORD, add_user
from cxaudit.extensions import db
from cxaudit.models import AuditEntry, User

# A Redis database the tests may empty of sign-in counters, such as redis://127.0.0.1:6379/2.
REDIS_URL = os.environ.get("CXAUDIT_TEST_REDIS_URL")
CSRF_PATTERN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def csrf_token(client, path: str) -> str:
    match = CSRF_PATTERN.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def sign_in(client, login: str = "anna", password: str = PASSWORD, **environ):
    token = csrf_token(client, "/login?lang=en")
    return client.post(
        "/login", data={"login": login, "password": password, "csrf_token": token}, environ_base=environ
    )


@pytest.fixture
def limited_app(make_app):
    return make_app(LOGIN_RATE_LIMIT_PER_LOGIN="3 per 15 minutes", LOGIN_RATE_LIMIT_PER_ADDRESS="5 per 15 minutes")


@pytest.fixture
def anna(any_db_app):
    add_user(any_db_app, "anna", deployment_admin=True)
    return any_db_app


def test_password_is_stored_as_scrypt_hash(anna):
    with anna.app_context():
        user = db.session.scalar(select(User).where(User.login == "anna"))
        assert user.password_hash.startswith("scrypt:")
        assert PASSWORD not in user.password_hash


def test_older_hash_is_replaced_at_sign_in(anna):
    with anna.app_context():
        user = db.session.scalar(select(User).where(User.login == "anna"))
        user.password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256")
        db.session.commit()

    assert sign_in(anna.test_client()).status_code == 302

    with anna.app_context():
        assert db.session.scalar(select(User.password_hash).where(User.login == "anna")).startswith("scrypt:")


def test_failed_sign_ins_of_one_login_are_limited(limited_app):
    add_user(limited_app, "anna", deployment_admin=True)
    client = limited_app.test_client()
    for attempt in range(3):
        assert sign_in(client, password=f"wrong {attempt}").status_code == 400

    blocked = sign_in(client)

    assert blocked.status_code == 429
    assert "Too many failed sign-ins. Wait a quarter of an hour and try again." in blocked.get_data(as_text=True)
    with limited_app.app_context():
        actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["sign_in_failed"] * 3 + ["sign_in_blocked"]


def test_successful_sign_ins_are_not_counted(limited_app):
    add_user(limited_app, "anna", deployment_admin=True)
    for _attempt in range(6):
        client = limited_app.test_client()
        assert sign_in(client).status_code == 302


def test_failed_sign_ins_limited_per_address(limited_app):
    client = limited_app.test_client()
    for number in range(5):
        assert sign_in(client, login=f"guess{number}", password="wrong password").status_code == 400

    assert sign_in(client, login="guess-other", password="wrong password").status_code == 429
    other_address = limited_app.test_client()
    assert sign_in(other_address, login="guess-other", password="wrong password", REMOTE_ADDR="127.0.0.2").status_code == 400


def test_session_cookie_is_httponly_and_samesite_lax(anna):
    response = sign_in(anna.test_client())

    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_session_cookie_is_secure_over_https(anna):
    client = anna.test_client()
    token = CSRF_PATTERN.search(client.get("https://localhost/login").get_data(as_text=True)).group(1)
    response = client.post(
        "https://localhost/login",
        data={"login": "anna", "password": PASSWORD, "csrf_token": token},
        headers={"Referer": "https://localhost/login"},
    )

    assert response.status_code == 302
    assert "Secure" in response.headers["Set-Cookie"]


def test_session_cookie_secure_setting(make_app):
    app = make_app(SESSION_COOKIE_SECURE=True)
    add_user(app, "anna", deployment_admin=True)

    assert "Secure" in sign_in(app.test_client()).headers["Set-Cookie"]


def test_logout_needs_post_with_csrf_token(anna):
    client = anna.test_client()
    sign_in(client)

    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200

    token = csrf_token(client, "/?lang=en")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/").status_code == 302


def change_password(client, current: str, new: str, repeat: str | None = None):
    token = csrf_token(client, "/account/password?lang=en")
    return client.post(
        "/account/password?lang=en",
        data={"current_password": current, "new_password": new, "repeat_password": repeat or new, "csrf_token": token},
    )


def test_password_change_needs_the_current_password(anna):
    client = anna.test_client()
    sign_in(client)

    response = change_password(client, "not my password", "a brand new password")

    assert response.status_code == 400
    assert "The current password is wrong." in response.get_data(as_text=True)
    with anna.app_context():
        assert db.session.scalar(select(User).where(User.login == "anna")).check_password(PASSWORD)


@pytest.mark.parametrize(
    ("new", "repeat", "message"),
    [
        ("short", "short", "The password is too short: use at least 8 characters."),
        ("a brand new password", "another new password", "The two new passwords differ."),
    ],
)
def test_password_change_rejects_bad_new_password(anna, new, repeat, message):
    client = anna.test_client()
    sign_in(client)

    response = change_password(client, PASSWORD, new, repeat)

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_password_change_signs_out_other_sessions(anna):
    this_device, other_device = anna.test_client(), anna.test_client()
    sign_in(this_device)
    sign_in(other_device)

    response = change_password(this_device, PASSWORD, "a brand new password")

    assert response.status_code == 302
    assert this_device.get("/").status_code == 200
    assert other_device.get("/").status_code == 302
    assert sign_in(anna.test_client(), password="a brand new password").status_code == 302
    with anna.app_context():
        assert "password_changed" in db.session.scalars(select(AuditEntry.action)).all()



@pytest.mark.skipif(not REDIS_URL, reason="CXAUDIT_TEST_REDIS_URL is not set, so limits in Redis are not tested")
def test_sign_in_limits_are_shared_through_redis(make_app):
    """Two apps stand for two server processes: with Redis, a limit reached in one applies in the other."""
    connection = redis.Redis.from_url(REDIS_URL)
    for key in connection.scan_iter("*cxaudit-login*"):
        connection.delete(key)
    settings = {"REDIS_URL": REDIS_URL, "LOGIN_RATE_LIMIT_PER_LOGIN": "3 per 15 minutes"}
    first, second = make_app(**settings), make_app(**settings)
    add_user(first, "anna", deployment_admin=True)

    for attempt in range(3):
        assert sign_in(first.test_client(), password=f"wrong {attempt}").status_code == 400

    assert sign_in(second.test_client()).status_code == 429
    assert any(connection.scan_iter("*cxaudit-login*"))


def test_address_limit_counts_clients_behind_a_proxy(make_app):
    app = make_app(LOGIN_RATE_LIMIT_PER_ADDRESS="2 per 15 minutes", PROXY_FIX_X_FOR=1)
    first_client = {"X-Forwarded-For": "198.51.100.7"}
    second_client = {"X-Forwarded-For": "198.51.100.8"}

    def attempt(headers):
        client = app.test_client()
        token = csrf_token(client, "/login?lang=en")
        return client.post("/login", data={"login": "guess", "password": "wrong", "csrf_token": token}, headers=headers)

    assert attempt(first_client).status_code == 400
    assert attempt(first_client).status_code == 400
    assert attempt(first_client).status_code == 429
    assert attempt(second_client).status_code == 400
