"""The period a scorecard covers, and the previous period it is compared with.

A period is a run of whole days in Warsaw time (the zone the institutions
work in, and the one inquiries' months are counted in), from ``first_day`` to
``last_day`` inclusive. Queries use the half-open range [start, end) of its
midnights, so an answer at exactly midnight belongs to one period only. The
previous period of a calendar month is the calendar month before it; of any
other period, the same number of days ending the day before it starts.

Accepted spellings of the ``period`` option:

- ``30d`` (any number of days from 1 to 3660): the days up to and including today;
- ``2026-11``: one calendar month;
- ``2026-11-01..2026-11-15``: the days from the first date to the second, both included.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask_babel import gettext as _

from cxaudit.forms import InvalidValue
from cxaudit.models.inquiry import REPORTING_TIME_ZONE

DEFAULT_PERIOD = "30d"
MAX_DAYS = 3660
# Years a period may cover. They keep the previous period and the midnight after
# the last day inside the years Python's date can hold (1 to 9999).
MIN_YEAR = 1970
MAX_YEAR = 9998

LAST_DAYS = re.compile(r"(\d{1,4})d")
MONTH = re.compile(r"(\d{4})-(\d{2})")
DATE_RANGE = re.compile(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})")


@dataclass(frozen=True)
class Period:
    """Whole days in Warsaw time, ``first_day`` to ``last_day`` inclusive."""

    first_day: date
    last_day: date

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first_day, time.min, tzinfo=REPORTING_TIME_ZONE).astimezone(UTC)

    @property
    def end(self) -> datetime:
        """The midnight after the last day, the first instant outside the period."""
        return datetime.combine(self.last_day + timedelta(days=1), time.min, tzinfo=REPORTING_TIME_ZONE).astimezone(UTC)

    def previous(self) -> Period:
        """Return the calendar month before a month, else the period of the same length just before this one."""
        last_day = self.first_day - timedelta(days=1)
        if self.is_month:
            return Period(first_day=last_day.replace(day=1), last_day=last_day)
        return Period(first_day=last_day - timedelta(days=self.days - 1), last_day=last_day)

    @property
    def is_month(self) -> bool:
        """True when the period is one whole calendar month."""
        month_days = calendar.monthrange(self.first_day.year, self.first_day.month)[1]
        return self.first_day.day == 1 and self.last_day == self.first_day.replace(day=month_days)

    @property
    def slug(self) -> str:
        """Name the period for a file name: 2026-11 for a month, 2026-11-01_2026-11-15 otherwise."""
        if self.is_month:
            return self.first_day.strftime("%Y-%m")
        return f"{self.first_day.isoformat()}_{self.last_day.isoformat()}"

    def to_dict(self) -> dict[str, Any]:
        return {"first_day": self.first_day.isoformat(), "last_day": self.last_day.isoformat(), "days": self.days}


def last_days(days: int, today: date) -> Period:
    """Return the ``days`` days up to and including ``today``."""
    return Period(first_day=today - timedelta(days=days - 1), last_day=today)


def parse_period(value: str | None, today: date | None = None) -> Period:
    """Return the period that ``value`` names, or the default (the last 30 days) when it is empty.

    :raises InvalidValue: with a translated message naming the value, when it is not a period.
    """
    text = (value or DEFAULT_PERIOD).strip()
    period = _read_period(text, today or datetime.now(REPORTING_TIME_ZONE).date())
    if period.first_day.year < MIN_YEAR or period.last_day.year > MAX_YEAR:
        raise _years_out_of_range(text)
    return period


def _read_period(text: str, today: date) -> Period:
    """Return the period of one of the three spellings. The caller checks its years."""
    match = LAST_DAYS.fullmatch(text)
    if match:
        days = int(match.group(1))
        if not 1 <= days <= MAX_DAYS:
            raise InvalidValue(
                _("The period %(value)s is out of range. Give from 1d to %(maximum)dd.", value=text, maximum=MAX_DAYS)
            )
        return last_days(days, today)

    match = MONTH.fullmatch(text)
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise _invalid_period(text)
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise _years_out_of_range(text)
        return Period(first_day=date(year, month, 1), last_day=date(year, month, calendar.monthrange(year, month)[1]))

    match = DATE_RANGE.fullmatch(text)
    if match:
        try:
            first_day, last_day = date.fromisoformat(match.group(1)), date.fromisoformat(match.group(2))
        except ValueError:
            raise _invalid_period(text) from None
        if last_day < first_day:
            raise InvalidValue(
                _("The period %(value)s ends before it starts. Give the earlier date first.", value=text)
            )
        if (last_day - first_day).days + 1 > MAX_DAYS:
            raise InvalidValue(
                _("The period %(value)s is longer than %(maximum)d days. Give a shorter one.", value=text, maximum=MAX_DAYS)
            )
        return Period(first_day=first_day, last_day=last_day)

    raise _invalid_period(text)


def _years_out_of_range(text: str) -> InvalidValue:
    return InvalidValue(
        _(
            "The period %(value)s is out of range. Give dates from %(first)d to %(last)d.",
            value=text,
            first=MIN_YEAR,
            last=MAX_YEAR,
        )
    )


def _invalid_period(text: str) -> InvalidValue:
    return InvalidValue(
        _(
            "%(value)s is not a valid period. Give a number of days such as 30d, a month such as 2026-11, "
            "or two dates such as 2026-11-01..2026-11-15.",
            value=text,
        )
    )
