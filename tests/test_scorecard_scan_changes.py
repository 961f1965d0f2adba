"""A comparison with a previous scan that ran with other settings is flagged, not shown as a change."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cxaudit.extensions import db
from cxaudit.models import Finding, Institution, Outcome, PageResult, PageStatus, Response, Scan, ScanStatus, Site, Survey, SurveyKind
from cxaudit.scorecard.data import build_scorecard
from cxaudit.scorecard.periods import parse_period
from cxaudit.scorecard.render import render_html
from cxaudit.scorecard.scan_changes import scan_setting_changes

NOVEMBER = parse_period("2026-11")
SITE = "http://127.0.0.1:9/muzeum"
SETTINGS = {"scope": "host", "include": [], "exclude": ["/en/"], "max_depth": None, "max_pages": 50,
            "axe_tags": ["wcag2a", "wcag2aa"], "axe_rules": {}}


def _scan(site: Site, day: int, pages: dict[str, list[tuple[str, str]]], settings: dict, url: str = SITE) -> None:
    scan = Scan(site_id=site.id, url=url, status=ScanStatus.FINISHED, settings=settings,
                finished_at=datetime(2026, 11, day, tzinfo=UTC))
    db.session.add(scan)
    db.session.flush()
    for path, violations in pages.items():
        page = PageResult(scan_id=scan.id, url=SITE + path, status=PageStatus.AUDITED)
        db.session.add(page)
        db.session.flush()
        for rule, impact in violations:
            db.session.add(Finding(page_id=page.id, plugin="axe", rule=rule, outcome=Outcome.VIOLATION, impact=impact))


def _museum(latest_settings: dict, latest_url: str = SITE) -> int:
    """NPS 30 and CSAT 50 % in November, NPS 0 in October; accessibility 90 at the first scan, 96.5 at the second."""
    museum = Institution(slug="muzeum", name="Muzeum")
    db.session.add(museum)
    db.session.flush()
    nps = Survey(institution_id=museum.id, kind=SurveyKind.NPS)
    csat = Survey(institution_id=museum.id, kind=SurveyKind.CSAT)
    site = Site(institution_id=museum.id, base_url=SITE)
    db.session.add_all([nps, csat, site])
    db.session.flush()

    november, october = datetime(2026, 11, 10, tzinfo=UTC), datetime(2026, 10, 20, tzinfo=UTC)
    db.session.add_all(Response(survey_id=nps.id, score=score, language="pl", received_at=november) for score in [10] * 5 + [8] * 3 + [3] * 2)
    db.session.add_all(Response(survey_id=csat.id, score=score, language="pl", received_at=november) for score in [5, 4, 2, 1])
    db.session.add_all(Response(survey_id=nps.id, score=score, language="pl", received_at=october) for score in [9, 9, 0, 0])
    _scan(site, 1, {"/": [("image-alt", "critical")]}, SETTINGS)
    _scan(site, 20, {"/": [("color-contrast", "serious")], "/bilety": []}, latest_settings, latest_url)
    db.session.commit()
    return museum.id


def _scorecard(language: str = "en"):
    museum = db.session.execute(db.select(Institution).filter_by(slug="muzeum")).scalar_one()
    return build_scorecard(museum, language, NOVEMBER)


def _dimension(scorecard, key: str):
    return next(dimension for dimension in scorecard.dimensions if dimension.key == key)


def test_same_settings_compare_like_for_like(any_db_app):
    with any_db_app.app_context():
        _museum({**SETTINGS, "axe_tags": ["wcag2aa", "wcag2a"]})
        scorecard = _scorecard()

    # Tags in another order are the same selection. Accessibility: 96.5 − 90.
    assert scorecard.scan_changes == []
    assert _dimension(scorecard, "accessibility").change == pytest.approx(6.5)
    assert scorecard.overall.comparable == ["satisfaction", "accessibility"]


def test_page_limit_change_is_named(any_db_app):
    with any_db_app.app_context():
        _museum({**SETTINGS, "max_pages": 200})
        scorecard = _scorecard()

    assert [(change.setting, change.label, change.before, change.after) for change in scorecard.scan_changes] == [
        ("max_pages", "page limit", "50", "200")
    ]
    assert scorecard.scan_changes[0].site == SITE


def test_changed_scan_dimension_has_no_change(any_db_app):
    with any_db_app.app_context():
        _museum({**SETTINGS, "max_pages": 200})
        scorecard = _scorecard()

    accessibility = _dimension(scorecard, "accessibility")
    assert accessibility.previous == pytest.approx(90)
    assert accessibility.change is None
    assert accessibility.like_for_like is False
    assert _dimension(scorecard, "satisfaction").like_for_like is True
    # Overall change over satisfaction only: (65 + 50) / 2 − 50 (NPS 0 in October) = 7.5.
    assert scorecard.overall.comparable == ["satisfaction"]
    assert scorecard.overall.change == pytest.approx(7.5)


def test_start_address_and_rules_changes(any_db_app):
    with any_db_app.app_context():
        _museum({**SETTINGS, "exclude": [], "axe_rules": {"region": False}}, latest_url=SITE + "/pl/")
        changes = scan_setting_changes(db.session.execute(db.select(Institution)).scalar_one())

    assert [(change.setting, change.before, change.after) for change in changes] == [
        ("url", SITE, SITE + "/pl/"),
        ("exclude", "/en/", "none"),
        ("axe_rules", "none", "region=off"),
    ]


def test_setting_missing_from_old_scan_not_compared(any_db_app):
    with any_db_app.app_context():
        museum_id = _museum({**SETTINGS, "scope": "domain"})
        old_scan = db.session.execute(db.select(Scan).order_by(Scan.id)).scalars().first()
        old_scan.settings = {"max_pages": 50}
        db.session.commit()
        changes = scan_setting_changes(db.session.get(Institution, museum_id))

    assert changes == []


def test_html_says_not_like_for_like_in_polish(any_db_app):
    with any_db_app.test_request_context():
        _museum({**SETTINGS, "max_pages": 200})
        html = render_html(_scorecard("pl"))

    assert "nieporównywalne z poprzednim skanowaniem" in html
    assert "limit stron" in html
    assert "50 → 200" in html
