"""Time between two moments counted in business hours only.

The default week is Monday to Friday, 8:00 to 16:00 Europe/Warsaw, without
Polish public holidays (from the ``holidays`` library). The setting
INQUIRY_BUSINESS_HOURS changes it, for example
``{"weekdays": [0, 1, 2, 3, 4, 5], "start": "10:00", "end": "18:00"}``.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

DEFAULT_SCHEDULE = {
    "weekdays": [0, 1, 2, 3, 4],
    "start": "08:00",
    "end": "16:00",
    "time_zone": "Europe/Warsaw",
    "holiday_country": "PL",
}

SETTING_HELP = (
    'Give a JSON object such as {"weekdays": [0, 1, 2, 3, 4], "start": "08:00", "end": "16:00", '
    '"time_zone": "Europe/Warsaw", "holiday_country": "PL"}.'
)


@dataclass(frozen=True)
class BusinessHours:
    """Working days (0 is Monday), the working time of each day and the country whose holidays are days off."""

    weekdays: frozenset[int]
    start: time
    end: time
    time_zone: ZoneInfo
    holiday_country: str | None

    @classmethod
    def from_setting(cls, value: dict[str, Any] | str | None) -> BusinessHours:
        """Build the schedule from the INQUIRY_BUSINESS_HOURS setting (a dict, or JSON text from the environment)."""
        try:
            if isinstance(value, str):
                value = json.loads(value)
            merged = {**DEFAULT_SCHEDULE, **(value or {})}
            schedule = cls(
                weekdays=frozenset(int(day) for day in merged["weekdays"]),
                start=time.fromisoformat(merged["start"]),
                end=time.fromisoformat(merged["end"]),
                time_zone=ZoneInfo(merged["time_zone"]),
                holiday_country=merged["holiday_country"] or None,
            )
            if schedule.holiday_country:
                holiday_dates(schedule.holiday_country, 2026, 2026)
        except (TypeError, ValueError, KeyError, ZoneInfoNotFoundError, NotImplementedError) as error:
            raise ValueError(f"INQUIRY_BUSINESS_HOURS {value!r} is invalid ({error}). {SETTING_HELP}") from error

        if not schedule.weekdays <= set(range(7)) or schedule.start >= schedule.end:
            raise ValueError(
                f"INQUIRY_BUSINESS_HOURS {value!r} is invalid: weekdays must be 0-6 and start before end. {SETTING_HELP}"
            )
        return schedule

    @property
    def hours_per_day(self) -> float:
        return (datetime.combine(date.min, self.end) - datetime.combine(date.min, self.start)).total_seconds() / 3600

    def to_dict(self) -> dict[str, Any]:
        return {
            "weekdays": sorted(self.weekdays),
            "start": self.start.strftime("%H:%M"),
            "end": self.end.strftime("%H:%M"),
            "time_zone": self.time_zone.key,
            "holiday_country": self.holiday_country,
        }


@functools.lru_cache(maxsize=64)
def holiday_dates(country: str | None, first_year: int, last_year: int) -> frozenset[date]:
    """Return the public holidays of ``country`` in those years; cached, because building the calendar is slow."""
    if not country:
        return frozenset()
    return frozenset(holidays.country_holidays(country, years=range(first_year, last_year + 1)))


def business_seconds(start: datetime, end: datetime, schedule: BusinessHours) -> int:
    """Count the seconds between ``start`` and ``end`` that fall in the schedule's working time."""
    if end <= start:
        return 0
    local_start = start.astimezone(schedule.time_zone)
    local_end = end.astimezone(schedule.time_zone)
    days_off = holiday_dates(schedule.holiday_country, local_start.year, local_end.year)

    total = 0.0
    day = local_start.date()
    while day <= local_end.date():
        if day.weekday() in schedule.weekdays and day not in days_off:
            # Building each day's window in local time keeps it right across daylight-saving changes.
            opens = datetime.combine(day, schedule.start, tzinfo=schedule.time_zone)
            closes = datetime.combine(day, schedule.end, tzinfo=schedule.time_zone)
            overlap = min(closes, local_end) - max(opens, local_start)
            total += max(overlap.total_seconds(), 0.0)
        day += timedelta(days=1)
    return int(total)
