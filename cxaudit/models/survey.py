from __future__ import annotations

import enum
import secrets
from datetime import UTC, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cxaudit.models.base import Base, enum_column, utcnow
from cxaudit.models.institution import Institution


class SurveyKind(enum.StrEnum):
    NPS = "nps"  # 0-10: how likely to recommend
    CSAT = "csat"  # 1-5: how satisfied, each point named in words
    CES = "ces"  # 1-7: how easy
    HELPFUL = "helpful"  # was this page helpful: 1 yes, 0 no


# The lowest and highest score each kind accepts.
SCORE_RANGES: dict[SurveyKind, tuple[int, int]] = {
    SurveyKind.NPS: (0, 10),
    SurveyKind.CSAT: (1, 5),
    SurveyKind.CES: (1, 7),
    SurveyKind.HELPFUL: (0, 1),
}


def new_public_id() -> str:
    """Return an unguessable id for the snippet; it is public but not enumerable.

    The id starts with a letter or digit: one starting with "-" would be read
    as an option when typed after a CLI command.
    """
    while True:
        public_id = secrets.token_urlsafe(9)
        if public_id[0].isalnum():
            return public_id


class Survey(Base):
    """A question put to visitors through the widget."""

    __tablename__ = "survey"

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"), index=True)
    kind: Mapped[SurveyKind] = mapped_column(enum_column(SurveyKind))
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    # Origins (scheme://host[:port]) whose pages may post answers; empty means none.
    allowed_origins: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)
    # Texts per language, triggers, URL rules, sampling and the pause after an
    # answer; cxaudit.api.settings documents and checks the structure.
    settings: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    institution: Mapped[Institution] = relationship(back_populates="surveys")
    responses: Mapped[list[Response]] = relationship(back_populates="survey", lazy="dynamic")


class Response(Base):
    """One visitor's answer. Stores nothing that identifies the visitor:
    no IP address, no cookie, no user agent."""

    __tablename__ = "response"
    __table_args__ = (
        Index("ix_response_survey_received", "survey_id", "received_at"),
        # Covers the scorecard's counts per score in a period, so they read no table rows.
        Index("ix_response_survey_received_score", "survey_id", "received_at", "score"),
        # A replayed answer carries the same key and is stored once.
        UniqueConstraint("survey_id", "idempotency_key", name="uq_response_survey_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"))
    score: Mapped[int]
    comment: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8))
    page_url: Mapped[str | None] = mapped_column(String(2048))
    # Made by the widget for each answer; None for answers stored before keys existed.
    idempotency_key: Mapped[str | None] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)

    survey: Mapped[Survey] = relationship(back_populates="responses")


# UTC hours at which a bucket of ResponseCount starts besides midnight. Every
# Warsaw midnight from 1970 to 2099 in the zoneinfo database falls on one of
# them (23:00 UTC in winter time, 22:00 UTC in summer time); a range that does
# not is counted from the answers (is_bucket_start).
BUCKET_HOURS = (22, 23)


class ResponseCount(Base):
    """The number of answers per survey, score and time bucket, kept by database triggers.

    Each UTC day has three buckets, starting at 00:00, 22:00 and 23:00 UTC, so
    a range of answer times between two Warsaw midnights is a whole number of
    buckets, and the scorecard's trend months read a few thousand counts
    instead of every answer. Migration 0010 creates the table with the
    triggers that add and subtract each inserted, deleted or updated answer,
    whichever statement or program writes it. A bucket without answers has no row.

    NOTE: on SQLite, a migration that rebuilds the response table
    (``batch_alter_table`` in its copy mode) drops these triggers, and must
    create them again.
    """

    __tablename__ = "response_count"
    __table_args__ = {"sqlite_with_rowid": False}

    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"), primary_key=True)
    bucket_start: Mapped[datetime] = mapped_column(primary_key=True)
    score: Mapped[int] = mapped_column(primary_key=True)
    answers: Mapped[int]


def bucket_start(moment: datetime) -> datetime:
    """Return the start of the ResponseCount bucket of an aware ``moment``, in UTC."""
    utc = moment.astimezone(UTC)
    hour = utc.hour if utc.hour in BUCKET_HOURS else 0
    return utc.replace(hour=hour, minute=0, second=0, microsecond=0)


def is_bucket_start(moment: datetime) -> bool:
    """Tell whether an aware ``moment`` starts a ResponseCount bucket, so a range bounded by it reads whole buckets."""
    return moment.astimezone(UTC) == bucket_start(moment)
