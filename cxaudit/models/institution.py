from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cxaudit.models.base import Base, utcnow

if TYPE_CHECKING:
    from cxaudit.models.funnel import Funnel
    from cxaudit.models.scan import Scan
    from cxaudit.models.survey import Survey


class Institution(Base):
    """A museum, theatre, library or culture centre whose service is measured."""

    __tablename__ = "institution"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    default_language: Mapped[str] = mapped_column(String(8), default="pl")
    # Months after which answers and funnel events are deleted; None uses
    # the deployment's CXAUDIT_RETENTION_MONTHS.
    retention_months: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    sites: Mapped[list[Site]] = relationship(back_populates="institution", order_by="Site.id")
    surveys: Mapped[list[Survey]] = relationship(back_populates="institution", order_by="Survey.id")
    funnels: Mapped[list[Funnel]] = relationship(back_populates="institution", order_by="Funnel.name")


class Site(Base):
    """A website of an institution, identified by its base URL."""

    __tablename__ = "site"

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"), index=True)
    base_url: Mapped[str] = mapped_column(String(2048))
    # Per-site options read by the scan and its plugins, such as whether
    # forms may be submitted ("allow_submit"); off unless set here.
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    institution: Mapped[Institution] = relationship(back_populates="sites")
    scans: Mapped[list[Scan]] = relationship(back_populates="site", order_by="Scan.id")
