"""The benchmark scores institutions from the figures its dimensions read, and they equal the full scorecard's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cxaudit.extensions import db
from cxaudit.models import (
    Finding,
    Funnel,
    FunnelEvent,
    Institution,
    Outcome,
    PageResult,
    PageStatus,
    Response,
    Scan,
    ScanStatus,
    Site,
    Survey,
    SurveyKind,
)
from cxaudit.scorecard.benchmark import benchmark_dimensions, build_benchmark
from cxaudit.scorecard.data import build_scorecard
from cxaudit.scorecard.periods import parse_period

NOVEMBER = parse_period("2026-11")
IN_NOVEMBER = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)
IN_OCTOBER = datetime(2026, 10, 10, 12, 0, tzinfo=UTC)
STEPS = ["start", "end"]


def _answers(survey: Survey, scores: list[int], at: datetime) -> None:
    db.session.add_all(Response(survey_id=survey.id, score=score, language="pl", received_at=at) for score in scores)


def _scan_with_criticals(institution: Institution, criticals: int) -> None:
    """One site scanned once, with one audited page failing ``criticals`` critical rules."""
    site = Site(institution_id=institution.id, base_url=f"https://{institution.slug}.example/")
    db.session.add(site)
    db.session.flush()
    scan = Scan(site_id=site.id, url=site.base_url, status=ScanStatus.FINISHED, finished_at=IN_NOVEMBER)
    db.session.add(scan)
    db.session.flush()
    page = PageResult(scan_id=scan.id, url=site.base_url, status=PageStatus.AUDITED)
    db.session.add(page)
    db.session.flush()
    db.session.add_all(
        Finding(page_id=page.id, plugin="axe", rule=f"rule-{number}", outcome=Outcome.VIOLATION, impact="critical", count=1)
        for number in range(criticals)
    )


def _funnel(institution: Institution, survey: Survey, completed: int, started: int) -> None:
    """A two-step funnel: ``started`` sessions in November, ``completed`` of them reaching the end."""
    db.session.add(Funnel(institution_id=institution.id, name="Bilety", steps=STEPS))
    for number in range(started):
        session = f"{institution.slug}-{number}"
        steps = STEPS if number < completed else STEPS[:1]
        for minute, step in enumerate(steps):
            db.session.add(
                FunnelEvent(survey_id=survey.id, session_id=session, step=step, page_path="/bilety/",
                            occurred_at=IN_NOVEMBER + timedelta(minutes=minute))
            )


@pytest.fixture
def institutions(any_db_app):
    """Five institutions whose CSAT shares in November are 0, 25, 50, 75 and 100 percent.

    Institution n also has 4 CSAT answers of 5 in October (outside the
    period), n critical rules on its only page (accessibility 100 − 10·n), and
    a funnel that n of 4 sessions complete.
    """
    with any_db_app.app_context():
        ids = []
        for number in range(5):
            institution = Institution(slug=f"instytucja-{number}", name=f"Instytucja {number}")
            db.session.add(institution)
            db.session.flush()
            csat = Survey(institution_id=institution.id, kind=SurveyKind.CSAT)
            nps = Survey(institution_id=institution.id, kind=SurveyKind.NPS)
            db.session.add_all([csat, nps])
            db.session.flush()
            _answers(csat, [5] * number + [1] * (4 - number), IN_NOVEMBER)
            _answers(csat, [5, 5, 5, 5], IN_OCTOBER)
            _scan_with_criticals(institution, number)
            _funnel(institution, nps, completed=number, started=4)
            ids.append(institution.id)
        db.session.commit()
    return any_db_app, ids


def test_benchmark_scores_equal_full_scorecard(institutions):
    app, ids = institutions
    with app.app_context(), app.test_request_context():
        for institution_id in ids:
            institution = db.session.get(Institution, institution_id)
            full = build_scorecard(institution, "en", NOVEMBER, with_benchmark=False, with_previous=False)
            light = benchmark_dimensions(institution, "en", NOVEMBER)

            assert [(item.key, item.label, item.score) for item in light] == [
                (item.key, item.label, item.score) for item in full.dimensions
            ]


def test_benchmark_quartiles_by_hand(institutions):
    app, ids = institutions
    with app.app_context(), app.test_request_context():
        benchmark = {item.key: item for item in build_benchmark("en", NOVEMBER)}

    # CSAT shares 0, 25, 50, 75, 100: inclusive quartiles 25, 50, 75; October's answers are not counted.
    satisfaction = benchmark["satisfaction"]
    assert (satisfaction.lower_quartile, satisfaction.median, satisfaction.upper_quartile) == (25.0, 50.0, 75.0)
    # Accessibility 100, 90, 80, 70, 60: quartiles 70, 80, 90.
    accessibility = benchmark["accessibility"]
    assert (accessibility.lower_quartile, accessibility.median, accessibility.upper_quartile) == (70.0, 80.0, 90.0)
    # Funnel completion 0, 25, 50, 75, 100 percent.
    funnels = benchmark["funnels"]
    assert (funnels.lower_quartile, funnels.median, funnels.upper_quartile) == (25.0, 50.0, 75.0)
    assert benchmark["satisfaction"].institutions == 5
