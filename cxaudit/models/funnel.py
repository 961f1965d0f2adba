"""Funnel events that host pages report with ``cxaudit('track', STEP)``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from cxaudit.models.base import Base, utcnow


class FunnelEvent(Base):
    """One step a visitor's tab reached, such as ``booking_started``.

    ``session_id`` is random per browser tab and kept only in that tab's
    sessionStorage, so it links the steps of one visit and nothing else:
    no IP address, no cookie, no user agent is stored.
    """

    __tablename__ = "funnel_event"
    __table_args__ = (Index("ix_funnel_event_survey_step", "survey_id", "step", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"))
    session_id: Mapped[str] = mapped_column(String(64))
    step: Mapped[str] = mapped_column(String(64))
    page_path: Mapped[str | None] = mapped_column(String(2048))
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
