"""Funnel step counts, drop-off and completion rate, checked against counts worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cxaudit.extensions import db
from cxaudit.models import Funnel, FunnelEvent, Institution, Survey, SurveyKind
from cxaudit.scorecard.funnels import build_funnels
from cxaudit.scorecard.periods import parse_period

NOVEMBER = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)
OCTOBER = datetime(2026, 10, 15, 12, 0, tzinfo=UTC)
STEPS = ["booking_started", "payment", "booking_completed"]


def events(survey: Survey, session: str, steps: list[str], start: datetime) -> list[FunnelEvent]:
    """One event a minute from ``start``, in the order given."""
    return [
        FunnelEvent(survey_id=survey.id, session_id=session, step=step, occurred_at=start + timedelta(minutes=index))
        for index, step in enumerate(steps)
    ]


@pytest.fixture
def booking(any_db_app):
    with any_db_app.app_context():
        institution = Institution(slug="teatr", name="Teatr", default_language="pl")
        other = Institution(slug="opera", name="Opera", default_language="pl")
        db.session.add_all([institution, other])
        db.session.flush()
        survey = Survey(institution_id=institution.id, kind=SurveyKind.CSAT)
        other_survey = Survey(institution_id=other.id, kind=SurveyKind.NPS)
        db.session.add_all([survey, other_survey])
        db.session.flush()
        db.session.add_all(
            [
                Funnel(institution_id=institution.id, name="Rezerwacja", steps=STEPS),
                Funnel(institution_id=institution.id, name="Newsletter", steps=["signup_started", "signup_done"]),
            ]
        )
        db.session.add_all(
            [
                # Completes every step.
                *events(survey, "session-one", STEPS, NOVEMBER),
                # Skips the payment: reached the first step only.
                *events(survey, "session-two", ["booking_started", "booking_completed"], NOVEMBER),
                # Pays before starting: the payment does not count, so the first step only.
                *events(survey, "session-three", ["payment", "booking_started", "booking_completed"], NOVEMBER),
                # Starts twice, then pays: counted once per step, up to the payment.
                *events(survey, "session-four", ["booking_started", "booking_started", "payment"], NOVEMBER),
                # Completes every step again.
                *events(survey, "session-five", STEPS, NOVEMBER),
                # Starts at 23:59 on 30 November in Warsaw (22:59 UTC); its payment and completion
                # on 1 December fall outside the period.
                *events(survey, "session-six", STEPS, datetime(2026, 11, 30, 22, 59, tzinfo=UTC)),
                # Another institution's session with the same id as a completed one adds nothing.
                *events(other_survey, "session-two", STEPS, NOVEMBER),
                # Previous period: one complete, one started only.
                *events(survey, "session-seven", STEPS, OCTOBER),
                *events(survey, "session-eight", ["booking_started"], OCTOBER),
            ]
        )
        db.session.commit()
        ids = {"institution": institution.id, "other": other.id}
    return any_db_app, ids


def funnels_for(app, institution_id: int, period: str = "2026-11"):
    with app.app_context(), app.test_request_context():
        return {funnel.name: funnel for funnel in build_funnels(institution_id, parse_period(period))}


def test_sessions_per_step(booking):
    app, ids = booking
    current = funnels_for(app, ids["institution"])["Rezerwacja"].current

    # Started: one, two, three, four, five, six. Paid: one, four, five. Completed: one, five.
    assert [step.step for step in current.steps] == STEPS
    assert [step.sessions for step in current.steps] == [6, 3, 2]


def test_drop_off(booking):
    app, ids = booking
    current = funnels_for(app, ids["institution"])["Rezerwacja"].current

    assert current.steps[0].drop_off is None
    assert current.steps[0].drop_off_share is None
    assert current.steps[1].drop_off == 3
    assert current.steps[1].drop_off_share == pytest.approx(50.0)
    assert current.steps[2].drop_off == 1
    assert current.steps[2].drop_off_share == pytest.approx(100 / 3)


def test_completion_rate_and_interval(booking):
    app, ids = booking
    current = funnels_for(app, ids["institution"])["Rezerwacja"].current

    assert (current.started, current.completed) == (6, 2)
    assert current.completion_rate == pytest.approx(100 / 3)
    # Wilson for 2 of 6: (1/3 + 0.3201 ± 1.96·sqrt(2/9/6 + 3.8416/144)) / 1.6403.
    assert current.low == pytest.approx(9.68, abs=0.01)
    assert current.high == pytest.approx(70.00, abs=0.01)
    assert current.small_sample is True


def test_previous_period_and_change(booking):
    app, ids = booking
    funnel = funnels_for(app, ids["institution"])["Rezerwacja"]

    assert [step.sessions for step in funnel.previous.steps] == [2, 1, 1]
    assert funnel.previous.completion_rate == pytest.approx(50.0)
    assert funnel.change == pytest.approx(100 / 3 - 50)


def test_funnel_without_sessions_is_no_data(booking):
    app, ids = booking
    newsletter = funnels_for(app, ids["institution"])["Newsletter"]

    assert newsletter.current is None
    assert newsletter.previous is None
    assert newsletter.change is None
    assert newsletter.to_dict()["current"] is None


def test_funnels_sorted_by_name(booking):
    app, ids = booking
    with app.app_context(), app.test_request_context():
        names = [funnel.name for funnel in build_funnels(ids["institution"], parse_period("2026-11"))]

    assert names == ["Newsletter", "Rezerwacja"]


def test_institution_without_funnels(booking):
    app, ids = booking

    assert funnels_for(app, ids["other"]) == {}


def test_to_dict(booking):
    app, ids = booking
    values = funnels_for(app, ids["institution"])["Rezerwacja"].to_dict()

    assert values["name"] == "Rezerwacja"
    assert values["steps"] == STEPS
    assert values["current"]["completion_rate"] == 33.33
    assert values["current"]["steps"][1] == {
        "step": "payment",
        "sessions": 3,
        "drop_off": 3,
        "drop_off_share": 50.0,
    }
    assert values["change"] == -16.67
