"""Deleting visitors' answers, inquiries and funnel events after a retention period.

The period is ``CXAUDIT_RETENTION_MONTHS`` for the whole deployment, and an
institution's own ``retention_months`` replaces it. Without either, nothing
is deleted. ``cxaudit retention run`` applies it on demand, and the Huey
worker runs it once a day.

Only rows about visitors are deleted: scans, surveys and funnels stay, so
the scorecard of a recent period is unchanged.
"""

from __future__ import annotations

import calendar
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Flask, current_app
from huey import crontab
from sqlalchemy import delete, select

from cxaudit.extensions import db
from cxaudit.models import FunnelEvent, Inquiry, Institution, Response, Survey

logger = logging.getLogger(__name__)

# When the daily run starts, in UTC: a quiet hour for Polish institutions.
DAILY_RUN_HOUR = 3
DAILY_RUN_MINUTE = 17


@dataclass(frozen=True)
class RetentionResult:
    """The counts of rows one retention run deleted for one institution."""

    slug: str
    months: int
    cutoff: datetime
    answers: int
    events: int
    inquiries: int


def months_before(moment: datetime, months: int) -> datetime:
    """Return ``moment`` moved back by whole calendar months, keeping the day
    when the earlier month has it and taking that month's last day when not."""
    month_index = moment.year * 12 + (moment.month - 1) - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def retention_months(institution: Institution) -> int | None:
    """Return the months an institution's visitor data is kept, or None to keep it all."""
    if institution.retention_months:
        return institution.retention_months
    configured = current_app.config.get("RETENTION_MONTHS")
    return int(configured) if configured else None


def apply_retention(institution: Institution, now: datetime, dry_run: bool = False) -> RetentionResult | None:
    """Delete the institution's answers, inquiries and funnel events older than its period."""
    months = retention_months(institution)
    if months is None:
        return None

    cutoff = months_before(now, months)
    survey_ids = select(Survey.id).where(Survey.institution_id == institution.id).scalar_subquery()
    old_answers = (Response.survey_id.in_(survey_ids), Response.received_at < cutoff)
    old_events = (FunnelEvent.survey_id.in_(survey_ids), FunnelEvent.occurred_at < cutoff)
    old_inquiries = (Inquiry.institution_id == institution.id, Inquiry.received_at < cutoff)

    if dry_run:
        answers = db.session.query(Response).filter(*old_answers).count()
        events = db.session.query(FunnelEvent).filter(*old_events).count()
        inquiries = db.session.query(Inquiry).filter(*old_inquiries).count()
    else:
        answers = db.session.execute(delete(Response).where(*old_answers)).rowcount
        events = db.session.execute(delete(FunnelEvent).where(*old_events)).rowcount
        inquiries = db.session.execute(delete(Inquiry).where(*old_inquiries)).rowcount
    return RetentionResult(institution.slug, months, cutoff, answers, events, inquiries)


def run_retention(now: datetime | None = None, dry_run: bool = False) -> list[RetentionResult]:
    """Apply every institution's retention period in one transaction and return what was deleted."""
    now = now or datetime.now(UTC)
    results = []
    for institution in db.session.scalars(select(Institution).order_by(Institution.slug)):
        result = apply_retention(institution, now, dry_run)
        if result is not None:
            results.append(result)

    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    for result in results:
        logger.info(
            "Retention for %s (%d months, before %s): %d answers, %d inquiries and %d funnel events %s",
            result.slug, result.months, result.cutoff.isoformat(), result.answers, result.inquiries, result.events,
            "would be deleted" if dry_run else "deleted",
        )
    return results


def init_app(app: Flask) -> None:
    """Register the daily retention run with the app's Huey worker."""
    huey = app.extensions["cxaudit_jobs"].huey

    @huey.periodic_task(crontab(hour=str(DAILY_RUN_HOUR), minute=str(DAILY_RUN_MINUTE)), name="cxaudit.retention")
    def daily_retention() -> None:
        with app.app_context():
            run_retention()

    app.extensions["cxaudit_retention_task"] = daily_retention
