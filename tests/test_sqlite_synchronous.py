"""The SQLITE_SYNCHRONOUS setting reaches every connection of the app's SQLite engine."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from sqlalchemy import text

from cxaudit.app import create_app
from cxaudit.extensions import db
from cxaudit.sqlite import synchronous_mode

# SQLite reports PRAGMA synchronous as a number.
SQLITE_LEVELS = {"NORMAL": 1, "FULL": 2}


def synchronous_level(app) -> int:
    with app.app_context():
        return db.session.scalar(text("PRAGMA synchronous"))


def journal_mode(app) -> str:
    with app.app_context():
        return db.session.scalar(text("PRAGMA journal_mode"))


def test_default_is_normal_in_wal(app):
    assert synchronous_level(app) == SQLITE_LEVELS["NORMAL"]
    assert journal_mode(app) == "wal"


@pytest.mark.parametrize("value", ["FULL", "full", " Normal "])
def test_setting_applied_any_case(make_app, value):
    app = make_app(SQLITE_SYNCHRONOUS=value)

    assert synchronous_level(app) == SQLITE_LEVELS[value.strip().upper()]


def test_setting_survives_new_connections(make_app):
    app = make_app(SQLITE_SYNCHRONOUS="FULL")
    with app.app_context():
        db.engine.dispose()

    assert synchronous_level(app) == SQLITE_LEVELS["FULL"]


def test_invalid_value_names_value_and_fix(tmp_path):
    with pytest.raises(ValueError) as raised:
        create_app({"TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "SQLITE_SYNCHRONOUS": "OFF"})

    message = str(raised.value.args[0])
    assert "'OFF'" in message
    assert "NORMAL" in message
    assert "FULL" in message


def test_invalid_value_message_in_polish(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})

    with app.test_request_context(), force_locale("pl"):
        with pytest.raises(ValueError) as raised:
            synchronous_mode("OFF")
        message = str(raised.value.args[0])

    assert "ma wartość 'OFF'" in message
