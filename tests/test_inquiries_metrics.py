"""Response-time figures from the test CSV and mbox, computed by hand in the comments."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from cxaudit.inquiries.business_hours import BusinessHours, business_seconds
from cxaudit.inquiries.imports import import_csv, import_mbox
from cxaudit.inquiries.metrics import Durations
from cxaudit.scorecard.response_times import institution_response_times
from inquiries_helpers import CSV_FILE, MBOX_FILE, add_museum

WARSAW = ZoneInfo("Europe/Warsaw")
HOUR = 3600
DEFAULT_HOURS = BusinessHours.from_setting(None)


def warsaw(*parts) -> datetime:
    return datetime(*parts, tzinfo=WARSAW)


def test_business_hours_skip_weekend():
    # Fri 6 Nov 2026 15:00 to Mon 9 Nov 09:00: Friday 15–16 and Monday 8–9.
    assert business_seconds(warsaw(2026, 11, 6, 15), warsaw(2026, 11, 9, 9), DEFAULT_HOURS) == 2 * HOUR


def test_business_hours_skip_independence_day():
    # Tue 10 Nov 15:00 to Thu 12 Nov 09:00: Tuesday 15–16, Wednesday 11 Nov is a public holiday, Thursday 8–9.
    assert business_seconds(warsaw(2026, 11, 10, 15), warsaw(2026, 11, 12, 9), DEFAULT_HOURS) == 2 * HOUR


def test_business_hours_outside_working_time():
    # Sat 7 Nov 10:00 to Sun 8 Nov 18:00: no working time at all.
    assert business_seconds(warsaw(2026, 11, 7, 10), warsaw(2026, 11, 8, 18), DEFAULT_HOURS) == 0
    # Mon 9 Nov 17:00 to Tue 10 Nov 07:00: after closing and before opening.
    assert business_seconds(warsaw(2026, 11, 9, 17), warsaw(2026, 11, 10, 7), DEFAULT_HOURS) == 0


def test_business_hours_across_daylight_saving_change():
    # Fri 23 Oct 2026 15:00 (+02:00) to Mon 26 Oct 09:00 (+01:00, clocks went back on Sunday).
    assert business_seconds(warsaw(2026, 10, 23, 15), warsaw(2026, 10, 26, 9), DEFAULT_HOURS) == 2 * HOUR


def test_business_hours_configured():
    # Saturdays open 10–18, no holidays: Wed 11 Nov counts, 10:00 to 12:00 on that day.
    schedule = BusinessHours.from_setting(
        '{"weekdays": [0, 1, 2, 3, 4, 5], "start": "10:00", "end": "18:00", "holiday_country": null}'
    )
    assert business_seconds(warsaw(2026, 11, 11, 9), warsaw(2026, 11, 11, 12), schedule) == 2 * HOUR
    # Sat 14 Nov 17:00 to Mon 16 Nov 11:00: Saturday 17–18 and Monday 10–11.
    assert business_seconds(warsaw(2026, 11, 14, 17), warsaw(2026, 11, 16, 11), schedule) == 2 * HOUR


def test_durations_interpolate_between_values():
    # Sorted [1, 2, 3, 4]: median (2 + 3) / 2; 90th percentile at position 0.9 · 3 = 2.7, so 3 + 0.7 · (4 − 3).
    durations = Durations.of([4, 1, 3, 2])
    assert durations.median == pytest.approx(2.5)
    assert durations.p90 == pytest.approx(3.7)


def test_durations_of_one_and_none():
    assert Durations.of([7]) == Durations(1, 7.0, 7.0)
    assert Durations.of([]) == Durations(0, None, None)


def test_no_inquiries_no_data(any_db_app):
    with any_db_app.app_context():
        museum = add_museum()
        assert institution_response_times(museum.id) is None


def test_csv_figures(any_db_app):
    with any_db_app.app_context():
        museum = add_museum()
        import_csv(museum, CSV_FILE.read_bytes())
        times = institution_response_times(museum.id)

    overall = times.overall
    # T-1 2 h, T-2 42 h, T-3 66 h, T-4 0.5 h; T-5 never answered.
    assert overall.inquiries == 5
    assert overall.answered == 4
    assert overall.never_answered == 1
    assert overall.share_never_answered == pytest.approx(0.2)
    # Within 24 hours: T-1 and T-4, 2 of 5.
    assert overall.answered_within_24h == 2
    assert overall.share_within_24h == pytest.approx(0.4)
    # Sorted [1800, 7200, 151200, 237600] s: median (7200 + 151200) / 2 = 79200;
    # 90th percentile at 0.9 · 3 = 2.7: 151200 + 0.7 · (237600 − 151200) = 211680.
    assert overall.first_response.median == pytest.approx(79200)
    assert overall.first_response.p90 == pytest.approx(211680)
    # Business hours: T-1 2 h, T-2 2 h (11 Nov is a holiday), T-3 2 h (weekend), T-4 0.5 h.
    assert overall.first_response_business.median == pytest.approx(2 * HOUR)
    assert overall.first_response_business.p90 == pytest.approx(2 * HOUR)
    # All four are within one business day of 8 hours.
    assert overall.answered_within_business_day == 4
    # Resolution: T-4 1800, T-1 86400, T-2 43 h = 154800; median 86400;
    # 90th percentile at 0.9 · 2 = 1.8: 86400 + 0.8 · (154800 − 86400) = 141120.
    assert overall.resolved == 3
    assert overall.resolution.median == pytest.approx(86400)
    assert overall.resolution.p90 == pytest.approx(141120)

    channels = {group.group: group for group in times.by_channel}
    assert sorted(channels) == ["email", "facebook", "form", "phone"]
    assert channels["email"].inquiries == 2
    assert channels["email"].answered == 1
    assert channels["email"].first_response.median == pytest.approx(7200)
    assert channels["facebook"].first_response_business.median == pytest.approx(2 * HOUR)

    months = {group.group: group for group in times.by_month}
    assert [group.group for group in times.by_month] == ["2026-11", "2026-12"]
    # November: T-1, T-2, T-3, all answered, only T-1 within 24 hours.
    assert months["2026-11"].inquiries == 3
    assert months["2026-11"].answered_within_24h == 1
    # December: T-4 answered after 30 minutes, T-5 never.
    assert months["2026-12"].inquiries == 2
    assert months["2026-12"].never_answered == 1
    assert months["2026-12"].first_response.median == pytest.approx(1800)


def test_mbox_figures(any_db_app):
    with any_db_app.app_context():
        museum = add_museum()
        import_mbox(museum, [MBOX_FILE])
        overall = institution_response_times(museum.id).overall

    # A: 4 h; C: 65 h; B: never answered.
    assert overall.inquiries == 3
    assert overall.never_answered == 1
    # Sorted [14400, 234000]: median 124200; 90th percentile 14400 + 0.9 · 219600 = 212040.
    assert overall.first_response.median == pytest.approx(124200)
    assert overall.first_response.p90 == pytest.approx(212040)
    # Business hours: A Monday 9–13 = 4 h; C Friday 15:30–16 and Monday 8–8:30 = 1 h; median 2.5 h.
    assert overall.first_response_business.median == pytest.approx(2.5 * HOUR)
    # Only thread A is resolved, after 73 hours.
    assert overall.resolution.median == pytest.approx(73 * HOUR)


@pytest.mark.parametrize(
    "setting",
    [
        "{not json",
        {"start": "8 o'clock"},
        {"start": "16:00", "end": "08:00"},
        {"weekdays": [7]},
        {"time_zone": "Europe/Atlantis"},
        {"holiday_country": "XX"},
    ],
)
def test_invalid_business_hours_named(setting):
    with pytest.raises(ValueError, match="INQUIRY_BUSINESS_HOURS .* is invalid"):
        BusinessHours.from_setting(setting)
