"""Stored times in UTC, whichever database returned them.

cxaudit stores every time in UTC. PostgreSQL returns them with their zone,
SQLite without one, so code that shows or exports a stored time goes
through these helpers to give the same value on both.
"""

from __future__ import annotations

from datetime import UTC, datetime


def as_utc(moment: datetime | None) -> datetime | None:
    """Return ``moment`` in UTC, taking a time without a zone (from SQLite) as UTC."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def utc_isoformat(moment: datetime | None) -> str | None:
    """Return ``moment`` as ISO 8601 with its UTC offset, such as ``2026-12-04T20:02:14+00:00``."""
    aware = as_utc(moment)
    return aware.isoformat() if aware else None
