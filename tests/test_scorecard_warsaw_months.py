"""Trend months are calendar months in Warsaw time, on SQLite and PostgreSQL.

Warsaw is UTC+1 in winter and UTC+2 in summer. In 2026 summer time starts on
29 March at 01:00 UTC and ends on 25 October at 01:00 UTC, so a month starts
at 23:00 UTC the day before when its first day is in winter time (December
to March, November) and at 22:00 UTC when it is in summer time (April to
October). Every expected month below was worked out from those offsets.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cxaudit.extensions import db
from cxaudit.models import Institution, Response, Survey, SurveyKind
from cxaudit.scorecard.periods import parse_period
from cxaudit.scorecard.satisfaction_report import build_satisfaction, month_start

# (UTC time of the answer, its month in Warsaw time or None outside the trend of November 2026)
ANSWERS = [
    # 30 November 2025, 23:59 in Warsaw: before the first trend month.
    (datetime(2025, 11, 30, 22, 59, tzinfo=UTC), None),
    # 1 December 2025, 00:00 in Warsaw: the first instant of the trend.
    (datetime(2025, 11, 30, 23, 0, tzinfo=UTC), "2025-12"),
    # 28 February, 23:59:59 in Warsaw (UTC+1).
    (datetime(2026, 2, 28, 22, 59, 59, tzinfo=UTC), "2026-02"),
    # 1 March, 00:30 in Warsaw, though still February in UTC.
    (datetime(2026, 2, 28, 23, 30, tzinfo=UTC), "2026-03"),
    # 29 March, 01:59 winter time, then 03:00 summer time: the clock change.
    (datetime(2026, 3, 29, 0, 59, tzinfo=UTC), "2026-03"),
    (datetime(2026, 3, 29, 1, 0, tzinfo=UTC), "2026-03"),
    # 31 March, 23:59:59 in Warsaw (UTC+2).
    (datetime(2026, 3, 31, 21, 59, 59, tzinfo=UTC), "2026-03"),
    # 1 April, 00:30 in Warsaw, though still March in UTC.
    (datetime(2026, 3, 31, 22, 30, tzinfo=UTC), "2026-04"),
    # 30 September, 23:59:59, then 1 October, 00:00 in Warsaw (UTC+2).
    (datetime(2026, 9, 30, 21, 59, 59, tzinfo=UTC), "2026-09"),
    (datetime(2026, 9, 30, 22, 0, tzinfo=UTC), "2026-10"),
    # 31 October, 23:59 in Warsaw, after summer time ended (UTC+1).
    (datetime(2026, 10, 31, 22, 59, tzinfo=UTC), "2026-10"),
    # 1 November, 00:30 in Warsaw.
    (datetime(2026, 10, 31, 23, 30, tzinfo=UTC), "2026-11"),
    # 30 November, 23:59:59 in Warsaw: the last instant of the period.
    (datetime(2026, 11, 30, 22, 59, 59, tzinfo=UTC), "2026-11"),
    # 1 December 2026, 00:00 in Warsaw: after the period.
    (datetime(2026, 11, 30, 23, 0, tzinfo=UTC), None),
]

EXPECTED_MONTHS = {
    "2025-12": 1,
    "2026-02": 1,
    "2026-03": 4,
    "2026-04": 1,
    "2026-09": 1,
    "2026-10": 2,
    "2026-11": 2,
}


@pytest.fixture
def report(any_db_app):
    """Build the November 2026 report of one NPS survey with the answers of ANSWERS, all scored 10."""
    with any_db_app.app_context(), any_db_app.test_request_context():
        institution = Institution(slug="muzeum", name="Muzeum", default_language="pl")
        db.session.add(institution)
        db.session.flush()
        survey = Survey(institution_id=institution.id, kind=SurveyKind.NPS)
        db.session.add(survey)
        db.session.flush()
        db.session.add_all(
            Response(survey_id=survey.id, score=10, language="pl", received_at=at) for at, _month in ANSWERS
        )
        db.session.commit()
        return build_satisfaction(institution.id, parse_period("2026-11"))


def test_expected_months_match_answers():
    counted: dict[str, int] = {}
    for _at, month in ANSWERS:
        if month is not None:
            counted[month] = counted.get(month, 0) + 1

    assert counted == EXPECTED_MONTHS


def test_month_start_is_warsaw_midnight():
    assert month_start("2026-03") == datetime(2026, 2, 28, 23, 0, tzinfo=UTC)
    assert month_start("2026-04") == datetime(2026, 3, 31, 22, 0, tzinfo=UTC)
    assert month_start("2026-11") == datetime(2026, 10, 31, 23, 0, tzinfo=UTC)


def test_trend_counts_warsaw_months(report):
    by_month = report.for_kind(SurveyKind.NPS).by_month
    counted = {month.first_day.strftime("%Y-%m"): month.current.responses for month in by_month if month.current}

    assert counted == EXPECTED_MONTHS


def test_trend_months_named_by_first_day(report):
    by_month = report.for_kind(SurveyKind.NPS).by_month

    assert by_month[0].first_day.isoformat() == "2025-12-01"
    assert by_month[-1].first_day.isoformat() == "2026-11-01"
    assert len(by_month) == 12


def test_period_and_previous_match_months(report):
    figures = report.for_kind(SurveyKind.NPS)

    # The period is November and the previous period October, in Warsaw time too.
    assert figures.current.responses == EXPECTED_MONTHS["2026-11"]
    assert figures.previous.responses == EXPECTED_MONTHS["2026-10"]
