"""Visitor inquiries and how long the institution took to answer them.

An inquiry keeps only times, its channel and a key for de-duplication: no
message body, no subject and no address of the visitor, because the response
times need none of them and they are personal data.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cxaudit.models.base import Base, enum_column, utcnow
from cxaudit.models.institution import Institution
from cxaudit.timestamps import as_utc

# Months in reports are calendar months in the institutions' time zone.
REPORTING_TIME_ZONE = ZoneInfo("Europe/Warsaw")


class Channel(enum.StrEnum):
    EMAIL = "email"
    FORM = "form"
    FACEBOOK = "facebook"
    PHONE = "phone"
    OTHER = "other"


class InquirySource(enum.StrEnum):
    CSV = "csv"
    MBOX = "mbox"
    IMAP = "imap"
    API = "api"


def seconds_between(start: datetime, end: datetime | None) -> int | None:
    if end is None:
        return None
    return int((as_utc(end) - as_utc(start)).total_seconds())


class Inquiry(Base):
    """One question from a visitor: when it came, when it was first answered and when it was resolved."""

    __tablename__ = "inquiry"
    __table_args__ = (
        # Importing the same thread or row again updates it instead of adding a copy.
        UniqueConstraint("institution_id", "external_key", name="uq_inquiry_institution_key"),
        Index("ix_inquiry_institution_received", "institution_id", "received_at"),
        Index("ix_inquiry_institution_month", "institution_id", "received_month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"))
    # The helpdesk's ticket id, the CSV's id column, or the Message-ID of the thread's first message.
    external_key: Mapped[str] = mapped_column(String(255))
    channel: Mapped[Channel] = mapped_column(enum_column(Channel))
    source: Mapped[InquirySource] = mapped_column(enum_column(InquirySource))
    received_at: Mapped[datetime]
    first_response_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    # Derived from the times above by set_times(), so that counts, shares and
    # monthly groups are plain SQL on both SQLite and PostgreSQL.
    received_month: Mapped[str] = mapped_column(String(7))
    first_response_seconds: Mapped[int | None]
    resolution_seconds: Mapped[int | None]
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)

    institution: Mapped[Institution] = relationship()

    def set_times(
        self, received_at: datetime, first_response_at: datetime | None, resolved_at: datetime | None
    ) -> None:
        """Store the three times in UTC together with the values derived from them."""
        self.received_at = as_utc(received_at)
        self.first_response_at = as_utc(first_response_at)
        self.resolved_at = as_utc(resolved_at)
        self.received_month = self.received_at.astimezone(REPORTING_TIME_ZONE).strftime("%Y-%m")
        self.first_response_seconds = seconds_between(received_at, first_response_at)
        self.resolution_seconds = seconds_between(received_at, resolved_at)


class InquirySettings(Base):
    """An institution's settings for inquiries: its own mail addresses and the API token."""

    __tablename__ = "inquiry_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"), unique=True)
    # Lowercase addresses (kasa@muzeum.pl) or whole domains (@muzeum.pl) the
    # institution writes from; a mail from one of them is a reply.
    own_addresses: Mapped[list[str]] = mapped_column(JSON, default=list)
    # SHA-256 of the API token, in hex; the token itself is shown once and not stored.
    api_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    institution: Mapped[Institution] = relationship()

    def to_dict(self) -> dict[str, Any]:
        return {"own_addresses": list(self.own_addresses or []), "has_api_token": bool(self.api_token_hash)}
