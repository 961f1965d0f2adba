"""The period picker of the scorecard page: its fields to a ``period`` value, and back.

The form offers the last 30 days, a calendar month or a range of dates. Its
fields become one of the spellings ``parse_period`` reads (``30d``,
``2026-11``, ``2026-11-01..2026-11-15``), so the page and every download
link carry the same ``?period=`` value as the command line's ``--period``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import gettext as _

from cxaudit.forms import InvalidValue
from cxaudit.scorecard.periods import DEFAULT_PERIOD, MONTH, Period, parse_period

LAST_30_DAYS = "last_30_days"
CALENDAR_MONTH = "month"
DATE_RANGE = "range"
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class PeriodFields:
    """The values the picker shows: which kind is chosen and the month or dates typed."""

    kind: str = LAST_30_DAYS
    month: str = ""
    first_day: str = ""
    last_day: str = ""


def fields_of(period: Period, requested: str | None) -> PeriodFields:
    """Return the picker's values for the period the page shows, so the form starts where the page is."""
    if not requested or requested.strip() == DEFAULT_PERIOD:
        return PeriodFields(kind=LAST_30_DAYS)
    if period.is_month:
        return PeriodFields(kind=CALENDAR_MONTH, month=period.slug)
    return PeriodFields(kind=DATE_RANGE, first_day=period.first_day.isoformat(), last_day=period.last_day.isoformat())


def submitted_fields(form: Mapping[str, str]) -> PeriodFields:
    """Read the picker's fields from a submitted form, as typed."""
    return PeriodFields(
        kind=form.get("period_kind", "").strip(),
        month=form.get("month", "").strip(),
        first_day=form.get("from", "").strip(),
        last_day=form.get("to", "").strip(),
    )


def period_value(fields: PeriodFields) -> str:
    """Return the ``period`` value the fields choose.

    :raises InvalidValue: with a translated message naming the value and the fix.
    """
    if fields.kind == LAST_30_DAYS:
        return DEFAULT_PERIOD
    if fields.kind == CALENDAR_MONTH:
        return _checked(_month_value(fields.month))
    if fields.kind == DATE_RANGE:
        if not fields.first_day:
            raise InvalidValue(_("No first day given. Give the first day of the range, such as 2026-11-01."))
        if not fields.last_day:
            raise InvalidValue(_("No last day given. Give the last day of the range, such as 2026-11-30."))
        first_day, last_day = _date_value(fields.first_day), _date_value(fields.last_day)
        return _checked(f"{first_day}..{last_day}")
    raise InvalidValue(
        _(
            "Unknown kind of period “%(value)s”. Choose the last 30 days, a calendar month or a date range.",
            value=fields.kind,
        )
    )


def _month_value(month: str) -> str:
    if not month:
        raise InvalidValue(_("No month given. Choose a month, such as 2026-11."))
    if not MONTH.fullmatch(month):
        raise InvalidValue(_("“%(value)s” is not a month. Give the year and the month, such as 2026-11.", value=month))
    return month


def _date_value(value: str) -> str:
    if not ISO_DATE.fullmatch(value):
        raise InvalidValue(_("“%(value)s” is not a date. Give a date such as 2026-11-01.", value=value))
    return value


def _checked(value: str) -> str:
    """Return ``value`` once ``parse_period`` accepts it; its error names the value and the fix."""
    parse_period(value)
    return value
