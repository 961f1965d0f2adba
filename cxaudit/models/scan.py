from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cxaudit.models.base import Base, enum_column, utcnow
from cxaudit.models.institution import Site



class ScanStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"
    CANCELLED = "cancelled"


class PageStatus(enum.StrEnum):
    AUDITED = "audited"
    # The server answered with HTTP 400 or above: a broken link, recorded but not audited.
    HTTP_ERROR = "http-error"
    FAILED = "failed"


class Outcome(enum.StrEnum):
    VIOLATION = "violation"
    NEEDS_REVIEW = "needs-review"
    # A record of something a plugin checked, such as one form; never a problem and never counted as one.
    INVENTORY = "inventory"


class Scan(Base):
    """One crawl of a site (or of an ad hoc URL) with every page audit applied."""

    __tablename__ = "scan"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"), index=True)
    url: Mapped[str] = mapped_column(String(2048))
    status: Mapped[ScanStatus] = mapped_column(enum_column(ScanStatus), default=ScanStatus.QUEUED)
    # Settings the scan ran with (max_pages, plugins, axe rule tags), kept for reproducibility.
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    pages_done: Mapped[int] = mapped_column(default=0)
    pages_queued: Mapped[int] = mapped_column(default=0)
    axe_core_version: Mapped[str | None] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # The lease of the worker running the scan: its id and the last time it
    # proved alive. A running scan whose heartbeat is older than
    # SCAN_LEASE_SECONDS belongs to a dead worker and is queued again.
    worker_id: Mapped[str | None] = mapped_column(String(128))
    heartbeat_at: Mapped[datetime | None]
    cancel_requested_at: Mapped[datetime | None]
    # Checkpoint of the crawl, committed with every stored page: the frontier's
    # state and the pages being visited, so a resumed scan visits each page once.
    crawl_state: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    site: Mapped[Site | None] = relationship(back_populates="scans")
    pages: Mapped[list[PageResult]] = relationship(
        back_populates="scan", order_by="PageResult.id", cascade="all, delete-orphan"
    )


class PageResult(Base):
    """What happened to one URL of a scan."""

    __tablename__ = "page_result"

    id: Mapped[int] = mapped_column(primary_key=True)
    scan_id: Mapped[int] = mapped_column(ForeignKey("scan.id"), index=True)
    url: Mapped[str] = mapped_column(String(2048))
    status: Mapped[PageStatus] = mapped_column(enum_column(PageStatus))
    error: Mapped[str | None] = mapped_column(Text)
    # Plugins that raised on this page: [{"plugin": name, "error": message}].
    audit_errors: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    # Page loads tried: 0 when the URL was refused before loading, 2 when the
    # first navigation failed and was retried.
    attempts: Mapped[int] = mapped_column(default=1, server_default="1")
    audited_at: Mapped[datetime] = mapped_column(default=utcnow)

    scan: Mapped[Scan] = relationship(back_populates="pages")
    findings: Mapped[list[Finding]] = relationship(
        back_populates="page", order_by="Finding.id", cascade="all, delete-orphan"
    )


class Finding(Base):
    """One rule result of one plugin on one page."""

    __tablename__ = "finding"
    __table_args__ = (Index("ix_finding_page_outcome", "page_id", "outcome"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("page_result.id"))
    plugin: Mapped[str] = mapped_column(String(64))
    rule: Mapped[str] = mapped_column(String(128))
    outcome: Mapped[Outcome] = mapped_column(enum_column(Outcome))
    impact: Mapped[str | None] = mapped_column(String(16))
    # WCAG success criteria such as "1.1.1".
    wcag: Mapped[list[str]] = mapped_column(JSON, default=list)
    count: Mapped[int] = mapped_column(default=1)
    # CSS selectors of the affected elements.
    targets: Mapped[list[str]] = mapped_column(JSON, default=list)
    help: Mapped[str | None] = mapped_column(Text)
    help_url: Mapped[str | None] = mapped_column(String(2048))
    # Structured values the plugin stores for its scorecard section (JSON object).
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=dict)

    page: Mapped[PageResult] = relationship(back_populates="findings")
