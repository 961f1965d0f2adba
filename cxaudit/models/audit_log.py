"""The audit log: who did what, when, in which institution."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from cxaudit.models.base import Base, utcnow


class AuditEntry(Base):
    """One administrative action or sign-in attempt.

    The actor's login is copied into the entry, so the entry still reads
    right for a failed sign-in (no user) and after the account changes.
    """

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_institution_time", "institution_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    actor_login: Mapped[str | None] = mapped_column(String(64))
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institution.id"))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str | None] = mapped_column(String(255))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    address: Mapped[str | None] = mapped_column(String(64))
