"""SQLite settings applied to every new connection.

In its default rollback-journal mode SQLite syncs the disk several times per
commit and blocks readers while a writer commits, which made storing an
answer take about 30 ms on a busy machine. Write-ahead logging (WAL) syncs
once per commit and lets readers go on while an answer is written. With
``synchronous=FULL`` a committed answer survives a power loss as well.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine

# How long a writer waits for another writer's lock before failing.
BUSY_TIMEOUT_MS = 15_000


@event.listens_for(Engine, "connect")
def configure_sqlite_connection(dbapi_connection, connection_record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()
