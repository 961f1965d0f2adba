"""The scorecard's period option and the previous period it is compared with."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from cxaudit.forms import InvalidValue
from cxaudit.scorecard.periods import parse_period
from cxaudit.scorecard.satisfaction_report import trend_months

TODAY = date(2026, 12, 4)


def test_default_is_last_30_days(app):
    with app.test_request_context():
        period = parse_period(None, today=TODAY)

    assert period.first_day == date(2026, 11, 5)
    assert period.last_day == date(2026, 12, 4)
    assert period.days == 30
    # Midnights in Warsaw, an hour ahead of UTC in winter.
    assert period.start == datetime(2026, 11, 4, 23, tzinfo=UTC)
    assert period.end == datetime(2026, 12, 4, 23, tzinfo=UTC)


def test_previous_has_same_length(app):
    with app.test_request_context():
        previous = parse_period("30d", today=TODAY).previous()

    assert previous.first_day == date(2026, 10, 6)
    assert previous.last_day == date(2026, 11, 4)
    assert previous.days == 30


def test_month(app):
    with app.test_request_context():
        period = parse_period("2026-02", today=TODAY)

    assert (period.first_day, period.last_day) == (date(2026, 2, 1), date(2026, 2, 28))
    # The calendar month before, not the 28 days before.
    assert (period.previous().first_day, period.previous().last_day) == (date(2026, 1, 1), date(2026, 1, 31))


def test_month_covers_warsaw_midnights(app):
    with app.test_request_context():
        november = parse_period("2026-11", today=TODAY)
        march = parse_period("2026-03", today=TODAY)

    assert november.start == datetime(2026, 10, 31, 23, tzinfo=UTC)
    assert november.end == datetime(2026, 11, 30, 23, tzinfo=UTC)
    # Summer time starts on 29 March 2026, so March ends at 22:00 UTC.
    assert march.start == datetime(2026, 2, 28, 23, tzinfo=UTC)
    assert march.end == datetime(2026, 3, 31, 22, tzinfo=UTC)
    assert (march.previous().first_day, march.previous().last_day) == (date(2026, 2, 1), date(2026, 2, 28))


def test_leap_february(app):
    with app.test_request_context():
        period = parse_period("2028-02", today=TODAY)

    assert period.last_day == date(2028, 2, 29)


def test_date_range_includes_both_days(app):
    with app.test_request_context():
        period = parse_period("2026-11-01..2026-11-15", today=TODAY)

    assert period.days == 15
    assert period.end == datetime(2026, 11, 15, 23, tzinfo=UTC)
    assert (period.previous().first_day, period.previous().last_day) == (date(2026, 10, 17), date(2026, 10, 31))


def test_single_day(app):
    with app.test_request_context():
        period = parse_period("1d", today=TODAY)

    assert (period.first_day, period.last_day) == (TODAY, TODAY)


def test_to_dict(app):
    with app.test_request_context():
        values = parse_period("2026-11", today=TODAY).to_dict()

    assert values == {"first_day": "2026-11-01", "last_day": "2026-11-30", "days": 30}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("abc", "abc is not a valid period. Give a number of days such as 30d"),
        ("2026-13", "2026-13 is not a valid period."),
        ("2026-02-30..2026-03-01", "2026-02-30..2026-03-01 is not a valid period."),
        ("0d", "The period 0d is out of range. Give from 1d to 3660d."),
        ("9999d", "The period 9999d is out of range."),
        ("2026-11-15..2026-11-01", "The period 2026-11-15..2026-11-01 ends before it starts."),
        ("2000-01-01..2026-01-01", "The period 2000-01-01..2026-01-01 is longer than 3660 days."),
        ("0000-01", "The period 0000-01 is out of range. Give dates from 1970 to 9998."),
        ("1969-12", "The period 1969-12 is out of range."),
        ("9999-12-01..9999-12-31", "The period 9999-12-01..9999-12-31 is out of range."),
        ("0000-01-01..0000-01-02", "0000-01-01..0000-01-02 is not a valid period."),
    ],
)
def test_invalid_period_names_value(app, value, expected):
    with app.test_request_context(), pytest.raises(InvalidValue) as error:
        parse_period(value, today=TODAY)

    assert expected in str(error.value)


def test_invalid_period_in_polish(app):
    with app.test_request_context("/?lang=pl"), pytest.raises(InvalidValue) as error:
        parse_period("jutro", today=TODAY)

    assert "jutro" in str(error.value)
    assert "nie jest prawidłowym okresem" in str(error.value)


def test_first_day_of_1970_is_accepted(app):
    with app.test_request_context():
        period = parse_period("1970-01-01..1970-01-31", today=TODAY)

    assert period.previous().first_day == date(1969, 12, 1)


def test_trend_covers_twelve_months(app):
    with app.test_request_context():
        months = trend_months(parse_period("2026-11", today=TODAY))

    assert months[0] == "2025-12"
    assert months[-1] == "2026-11"
    assert len(months) == 12


def test_trend_covers_long_period(app):
    with app.test_request_context():
        months = trend_months(parse_period("2024-06-10..2026-11-15", today=TODAY))

    assert months[0] == "2024-06"
    assert months[-1] == "2026-11"
    assert len(months) == 30
