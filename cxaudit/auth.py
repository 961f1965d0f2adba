"""Signing in to the admin UI."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from cxaudit.extensions import db, login_manager
from cxaudit.models import User


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "admin.login"
    login_manager.login_message = _l("Please sign in to see this page.")


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))
