"""Funnel events that host pages report with ``cxaudit('track', STEP)``, and
the funnels an admin defines from those steps."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cxaudit.models.base import Base, utcnow

if TYPE_CHECKING:
    from cxaudit.models.institution import Institution


class FunnelEvent(Base):
    """One step a visitor's tab reached, such as ``booking_started``.

    ``session_id`` is random per browser tab and kept only in that tab's
    sessionStorage, so it links the steps of one visit and nothing else:
    no IP address, no cookie, no user agent is stored.
    """

    __tablename__ = "funnel_event"
    __table_args__ = (
        Index("ix_funnel_event_survey_step", "survey_id", "step", "occurred_at"),
        # The funnel query looks up, for each session that reached one step,
        # when it reached the next one.
        Index("ix_funnel_event_session_step", "session_id", "step", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"))
    session_id: Mapped[str] = mapped_column(String(64))
    step: Mapped[str] = mapped_column(String(64))
    page_path: Mapped[str | None] = mapped_column(String(2048))
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)


class Funnel(Base):
    """A named, ordered list of steps, such as booking_started, payment, booking_completed.

    The scorecard counts the sessions that reached each step after the
    steps before it, from the events of the institution's surveys.
    """

    __tablename__ = "funnel"
    __table_args__ = (UniqueConstraint("institution_id", "name", name="uq_funnel_institution_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    steps: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    institution: Mapped[Institution] = relationship(back_populates="funnels")
