"""SQLite settings applied to every new connection.

In its default rollback-journal mode SQLite syncs the disk several times per
commit and blocks readers while a writer commits, which made storing an
answer take about 30 ms on a busy machine. Write-ahead logging (WAL) lets
readers go on while an answer is written.

How often a commit waits for the disk is the setting SQLITE_SYNCHRONOUS.
With ``NORMAL`` (the default) a commit is written to the log without waiting
for the disk, and the log is synced at each checkpoint: a committed answer
survives a crash of cxaudit or of the machine's programs, and a power loss
or kernel crash can undo the commits since the last checkpoint, while the
database itself stays intact. With ``FULL`` every commit waits for the disk
(about 6 ms on the development machine), so it survives a power loss too.
docs/deployment.md explains the choice to administrators.
"""

from __future__ import annotations

import functools
import sqlite3

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.engine import Engine

from cxaudit.extensions import db

# How long a writer waits for another writer's lock before failing.
BUSY_TIMEOUT_MS = 15_000

SYNCHRONOUS_MODES = ("NORMAL", "FULL")


@event.listens_for(Engine, "connect")
def configure_sqlite_connection(dbapi_connection, connection_record) -> None:
    """Use WAL and wait for locks on every SQLite connection, the app's or a script's."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


def synchronous_mode(value: object) -> str:
    """Return the SQLITE_SYNCHRONOUS setting as SQLite spells it, or raise ValueError."""
    mode = value.strip().upper() if isinstance(value, str) else value
    if mode not in SYNCHRONOUS_MODES:
        raise ValueError(
            _l(
                "CXAUDIT_SQLITE_SYNCHRONOUS is %(value)r. Set it to NORMAL, so that stored answers survive a crash "
                "of cxaudit, or to FULL, so that they also survive a power loss and each answer waits for the disk.",
                value=value,
            )
        )
    return mode


def init_app(app: Flask) -> None:
    """Apply SQLITE_SYNCHRONOUS to the connections of the app's SQLite engines."""
    mode = synchronous_mode(app.config["SQLITE_SYNCHRONOUS"])
    with app.app_context():
        engines = list(db.engines.values())
    for engine in engines:
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", functools.partial(set_synchronous, mode=mode))


def set_synchronous(dbapi_connection, connection_record, mode: str) -> None:
    dbapi_connection.execute(f"PRAGMA synchronous={mode}")
