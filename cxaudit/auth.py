"""Signing in to the admin UI, and the user accounts behind it."""

from __future__ import annotations

import functools
import secrets
from urllib.parse import urlsplit

from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from cxaudit.extensions import db, login_manager
from cxaudit.models import Role, User

MIN_PASSWORD_LENGTH = 8


class AccountError(ValueError):
    """A user account cannot be created as requested; the message is translated."""


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "admin.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))


def find_user(login: str) -> User | None:
    """Return the user with this login, or None."""
    return db.session.scalar(select(User).where(User.login == login))


def authenticate(login: str, password: str) -> User | None:
    """Return the user when the login exists and the password matches, else None.

    A missing login and a wrong password give the same result, so callers
    cannot reveal which of the two was wrong.
    """
    user = find_user(login.strip())
    if user is None:
        # Hash anyway, so the response time does not tell a missing login
        # from a wrong password either.
        check_password_hash(_unknown_user_hash(), password)
        return None
    return user if user.check_password(password) else None


@functools.cache
def _unknown_user_hash() -> str:
    return generate_password_hash(secrets.token_urlsafe(12))


def create_user(login: str, role: Role | str, password: str) -> User:
    """Store a new user with a hashed password and return it.

    Raises AccountError when the login is taken or the password is shorter
    than MIN_PASSWORD_LENGTH; nothing is stored then.
    """
    login = login.strip()
    if not login:
        raise AccountError(_("The login is empty. Give a login such as anna.kowalska."))
    if find_user(login) is not None:
        raise AccountError(_("A user with the login %(login)s already exists. Choose another login.", login=login))
    check_password_strength(password)

    user = User(login=login, role=Role(role))
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def check_password_strength(password: str) -> None:
    """Raise AccountError when the password is shorter than MIN_PASSWORD_LENGTH."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            _("The password is too short: use at least %(minimum)d characters.", minimum=MIN_PASSWORD_LENGTH)
        )


def generate_password() -> str:
    """Return a random password of 16 URL-safe characters."""
    return secrets.token_urlsafe(12)


def any_user_exists() -> bool:
    return db.session.scalar(select(User.id).limit(1)) is not None


def is_same_site_path(target: str | None) -> bool:
    """Tell whether ``target`` is a path on this site, safe to redirect to after sign-in.

    Only absolute paths qualify: no scheme, no host, no leading ``//`` or
    backslash, and no control characters, because browsers drop tabs and
    newlines and would then read ``/<TAB>/host`` as another host.
    """
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    if any(ord(character) < 0x20 or character == "\x7f" for character in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc
