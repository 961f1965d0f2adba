"""Response and resolution times of an institution's inquiries, overall, per channel and per month.

Counts and shares come from SQL over the stored durations. Medians and 90th
percentiles are computed in Python over the durations of the group's rows,
with linear interpolation between the two nearest values (the "inclusive"
method, as in spreadsheets' PERCENTILE.INC), because SQLite has no
percentile function. Business-hour durations are also computed in Python,
because they depend on the calendar.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select

from cxaudit.extensions import db
from cxaudit.inquiries.business_hours import BusinessHours, business_seconds
from cxaudit.models import Inquiry
from cxaudit.timestamps import as_utc

DAY_SECONDS = 24 * 3600
# Below this many inquiries a median and a 90th percentile move a lot with a
# single reply, so the scorecard warns, as it does for NPS.
SMALL_SAMPLE_THRESHOLD = 30


@dataclass(frozen=True)
class Durations:
    """The median and 90th percentile of some durations, in seconds; None when there are none."""

    count: int
    median: float | None
    p90: float | None

    @classmethod
    def of(cls, values: Iterable[float]) -> Durations:
        ordered = sorted(values)
        if not ordered:
            return cls(0, None, None)
        if len(ordered) == 1:
            return cls(1, float(ordered[0]), float(ordered[0]))
        p90 = statistics.quantiles(ordered, n=10, method="inclusive")[8]
        return cls(len(ordered), float(statistics.median(ordered)), float(p90))


@dataclass(frozen=True)
class GroupTimes:
    """The times of one group of inquiries: all of them, one channel or one month."""

    group: str
    inquiries: int
    answered: int
    answered_within_24h: int
    answered_within_business_day: int
    resolved: int
    first_response: Durations
    first_response_business: Durations
    resolution: Durations

    @property
    def never_answered(self) -> int:
        return self.inquiries - self.answered

    @property
    def share_within_24h(self) -> float:
        return self.answered_within_24h / self.inquiries

    @property
    def share_within_business_day(self) -> float:
        return self.answered_within_business_day / self.inquiries

    @property
    def share_never_answered(self) -> float:
        return self.never_answered / self.inquiries

    @property
    def small_sample(self) -> bool:
        return self.inquiries < SMALL_SAMPLE_THRESHOLD

    @property
    def small_sample_threshold(self) -> int:
        return SMALL_SAMPLE_THRESHOLD

    def to_dict(self) -> dict[str, Any]:
        values = asdict(self)
        values["never_answered"] = self.never_answered
        values["share_within_24h"] = round(self.share_within_24h, 4)
        values["share_within_business_day"] = round(self.share_within_business_day, 4)
        values["share_never_answered"] = round(self.share_never_answered, 4)
        values["small_sample"] = self.small_sample
        values["small_sample_threshold"] = SMALL_SAMPLE_THRESHOLD
        return values


@dataclass(frozen=True)
class GroupCounts:
    inquiries: int
    answered: int
    answered_within_24h: int
    resolved: int


def inquiry_filter(institution_id: int, start: datetime | None, end: datetime | None) -> list:
    """Return the WHERE conditions for the institution's inquiries received in [start, end)."""
    conditions = [Inquiry.institution_id == institution_id]
    if start is not None:
        conditions.append(Inquiry.received_at >= start)
    if end is not None:
        conditions.append(Inquiry.received_at < end)
    return conditions


def count_by(conditions: list, group_column=None) -> dict[str, GroupCounts]:
    """Count inquiries, answered ones, ones answered within 24 hours and resolved ones in SQL, per group."""
    columns = [
        func.count(Inquiry.id),
        func.count(Inquiry.first_response_at),
        # CASE without ELSE yields NULL, which COUNT skips.
        func.count(case((Inquiry.first_response_seconds <= DAY_SECONDS, 1))),
        func.count(Inquiry.resolved_at),
    ]
    query = select(*columns).where(*conditions)
    if group_column is not None:
        query = query.add_columns(group_column).group_by(group_column)

    counts = {}
    for row in db.session.execute(query):
        group = "all" if group_column is None else str(getattr(row[4], "value", row[4]))
        counts[group] = GroupCounts(int(row[0]), int(row[1]), int(row[2]), int(row[3]))
    return counts


@dataclass(frozen=True)
class InquiryTimes:
    channel: str
    month: str
    first_response_seconds: int | None
    resolution_seconds: int | None
    first_response_business_seconds: int | None


def load_times(conditions: list, schedule: BusinessHours) -> list[InquiryTimes]:
    """Load the durations of the inquiries that match ``conditions``, adding the business-hour one."""
    rows = db.session.execute(
        select(
            Inquiry.channel,
            Inquiry.received_month,
            Inquiry.received_at,
            Inquiry.first_response_at,
            Inquiry.first_response_seconds,
            Inquiry.resolution_seconds,
        ).where(*conditions)
    )
    times = []
    for channel, month, received_at, first_response_at, first_seconds, resolution_seconds in rows:
        business = None
        if first_response_at is not None:
            business = business_seconds(as_utc(received_at), as_utc(first_response_at), schedule)
        times.append(InquiryTimes(channel.value, month, first_seconds, resolution_seconds, business))
    return times


def group_times(group: str, counts: GroupCounts, rows: list[InquiryTimes], schedule: BusinessHours) -> GroupTimes:
    business_day = schedule.hours_per_day * 3600
    business = [row.first_response_business_seconds for row in rows if row.first_response_business_seconds is not None]
    return GroupTimes(
        group=group,
        inquiries=counts.inquiries,
        answered=counts.answered,
        answered_within_24h=counts.answered_within_24h,
        answered_within_business_day=sum(1 for seconds in business if seconds <= business_day),
        resolved=counts.resolved,
        first_response=Durations.of(row.first_response_seconds for row in rows if row.first_response_seconds is not None),
        first_response_business=Durations.of(business),
        resolution=Durations.of(row.resolution_seconds for row in rows if row.resolution_seconds is not None),
    )


@dataclass(frozen=True)
class ResponseTimes:
    """An institution's response times; build_response_times returns None instead of an empty one."""

    overall: GroupTimes
    by_channel: list[GroupTimes]
    by_month: list[GroupTimes]
    schedule: BusinessHours

    def to_dict(self) -> dict[str, Any]:
        return {
            "overall": self.overall.to_dict(),
            "by_channel": [group.to_dict() for group in self.by_channel],
            "by_month": [group.to_dict() for group in self.by_month],
            "business_hours": self.schedule.to_dict(),
            "durations_unit": "seconds",
        }


def build_response_times(
    institution_id: int, schedule: BusinessHours, start: datetime | None = None, end: datetime | None = None
) -> ResponseTimes | None:
    """Compute the response times of the inquiries received in [start, end), or of all of them
    without bounds; return None when there are none."""
    conditions = inquiry_filter(institution_id, start, end)
    overall_counts = count_by(conditions).get("all")
    if overall_counts is None or overall_counts.inquiries == 0:
        return None

    rows = load_times(conditions, schedule)
    channel_counts = count_by(conditions, Inquiry.channel)
    month_counts = count_by(conditions, Inquiry.received_month)
    return ResponseTimes(
        overall=group_times("all", overall_counts, rows, schedule),
        by_channel=[
            group_times(channel, counts, [row for row in rows if row.channel == channel], schedule)
            for channel, counts in sorted(channel_counts.items())
        ],
        by_month=[
            group_times(month, counts, [row for row in rows if row.month == month], schedule)
            for month, counts in sorted(month_counts.items())
        ],
        schedule=schedule,
    )
