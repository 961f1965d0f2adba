"""The overall score, its dimensions, bands and comparison, against figures worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from cxaudit.extensions import db
from cxaudit.forms import InvalidValue
from cxaudit.models import Finding, Institution, Outcome, PageResult, PageStatus, Response, Scan, ScanStatus, Site, Survey, SurveyKind
from cxaudit.scorecard.data import build_scorecard
from cxaudit.scorecard.overall import (
    DIMENSIONS,
    DimensionScore,
    band_of,
    configured_bands,
    configured_weights,
    overall_score,
    weighted_mean,
)
from cxaudit.scorecard.periods import parse_period
from cxaudit.scorecard.render import render_html

NOVEMBER = parse_period("2026-11")


def _answers(survey: Survey, scores: list[int], day: datetime) -> None:
    db.session.add_all(Response(survey_id=survey.id, score=score, language="pl", received_at=day) for score in scores)


def _scan(site: Site, day: int, pages: dict[str, list[tuple[str, str]]]) -> None:
    scan = Scan(site_id=site.id, url=site.base_url, status=ScanStatus.FINISHED, finished_at=datetime(2026, 11, day, tzinfo=UTC))
    db.session.add(scan)
    db.session.flush()
    for path, violations in pages.items():
        page = PageResult(scan_id=scan.id, url=site.base_url + path, status=PageStatus.AUDITED)
        db.session.add(page)
        db.session.flush()
        for rule, impact in violations:
            db.session.add(Finding(page_id=page.id, plugin="axe", rule=rule, outcome=Outcome.VIOLATION, impact=impact))


def _museum() -> Institution:
    """NPS 30 and CSAT 50 % in November, NPS 0 in October; accessibility 96.5 now, 90 at the scan before."""
    museum = Institution(slug="muzeum", name="Muzeum")
    db.session.add(museum)
    db.session.flush()
    nps = Survey(institution_id=museum.id, kind=SurveyKind.NPS)
    csat = Survey(institution_id=museum.id, kind=SurveyKind.CSAT)
    site = Site(institution_id=museum.id, base_url="http://127.0.0.1:9/muzeum")
    db.session.add_all([nps, csat, site])
    db.session.flush()

    _answers(nps, [10] * 5 + [8] * 3 + [3] * 2, datetime(2026, 11, 10, tzinfo=UTC))
    _answers(csat, [5, 4, 2, 1], datetime(2026, 11, 12, tzinfo=UTC))
    _answers(nps, [9, 9, 0, 0], datetime(2026, 10, 20, tzinfo=UTC))
    _scan(site, 1, {"/": [("image-alt", "critical")]})
    _scan(site, 20, {"/": [("color-contrast", "serious")], "/bilety": []})
    db.session.commit()
    return museum


def _dimensions(scorecard) -> dict[str, DimensionScore]:
    return {dimension.key: dimension for dimension in scorecard.dimensions}


def test_dimension_scores_and_previous_values(any_db_app):
    with any_db_app.app_context():
        scorecard = build_scorecard(_museum(), "en", NOVEMBER)

    dimensions = _dimensions(scorecard)
    # Satisfaction: NPS 30 is (30 + 100) / 2 = 65 points, CSAT 50 %; their mean is 57.5.
    # Before: only NPS, so a previous value over other survey kinds is not given.
    assert dimensions["satisfaction"].score == pytest.approx(57.5)
    assert dimensions["satisfaction"].previous is None
    assert dimensions["satisfaction"].change is None
    # Accessibility: 100 − 7 / 2 now, 100 − 10 / 1 at the scan before.
    assert dimensions["accessibility"].score == pytest.approx(96.5)
    assert dimensions["accessibility"].previous == pytest.approx(90.0)
    assert dimensions["accessibility"].compared_with == "previous_scan"
    assert dimensions["satisfaction"].compared_with == "previous_period"


def test_satisfaction_compared_over_same_kinds(any_db_app):
    with any_db_app.app_context():
        museum = _museum()
        csat = db.session.scalars(select(Survey).where(Survey.kind == SurveyKind.CSAT)).one()
        _answers(csat, [5, 1, 1, 1], datetime(2026, 10, 22, tzinfo=UTC))
        db.session.commit()
        scorecard = build_scorecard(museum, "en", NOVEMBER)

    satisfaction = _dimensions(scorecard)["satisfaction"]
    # Before: NPS 0 is 50 points and CSAT 1 of 4 is 25 %; their mean is 37.5.
    assert satisfaction.previous == pytest.approx(37.5)
    assert satisfaction.change == pytest.approx(20.0)


def test_dimension_without_data_is_none_not_zero(any_db_app):
    with any_db_app.app_context():
        scorecard = build_scorecard(_museum(), "en", NOVEMBER)

    dimensions = _dimensions(scorecard)
    for key in ("forms", "declaration", "funnels", "response_times"):
        assert dimensions[key].score is None
        assert dimensions[key].band is None
    data = scorecard.to_dict()
    assert {item["key"]: item["score"] for item in data["dimensions"]}["forms"] is None


def test_overall_score_covers_dimensions_with_data(any_db_app):
    with any_db_app.app_context():
        scorecard = build_scorecard(_museum(), "en", NOVEMBER)

    overall = scorecard.overall
    # Weights 30 and 30: (57.5 · 30 + 96.5 · 30) / 60.
    assert overall.score == pytest.approx(77.0)
    assert overall.band == "good"
    assert overall.covered == ["satisfaction", "accessibility"]
    assert overall.not_covered == ["forms", "declaration", "funnels", "response_times"]
    # Only accessibility is compared: 90 before, 96.5 now.
    assert overall.previous == pytest.approx(90.0)
    assert overall.change == pytest.approx(6.5)
    assert scorecard.to_dict()["overall"]["score"] == 77.0


def test_no_overall_score_without_data(any_db_app):
    with any_db_app.app_context():
        empty = Institution(slug="pusta", name="Pusta")
        db.session.add(empty)
        db.session.commit()
        scorecard = build_scorecard(empty, "en", NOVEMBER)

    assert scorecard.overall is None
    assert all(dimension.score is None for dimension in scorecard.dimensions)
    assert scorecard.to_dict()["overall"] is None


def test_configured_weights_change_the_overall_score(make_app):
    app = make_app(SCORECARD_WEIGHTS='{"accessibility": 65}')
    with app.app_context():
        scorecard = build_scorecard(_museum(), "en", NOVEMBER)

    # (57.5 · 30 + 96.5 · 65) / 95.
    assert scorecard.overall.score == pytest.approx((57.5 * 30 + 96.5 * 65) / 95)


def test_weight_zero_leaves_a_dimension_out(make_app):
    app = make_app(SCORECARD_WEIGHTS={"satisfaction": 0})
    with app.app_context():
        scorecard = build_scorecard(_museum(), "en", NOVEMBER)

    assert scorecard.overall.score == pytest.approx(96.5)
    assert scorecard.overall.covered == ["accessibility"]
    assert "satisfaction" in scorecard.overall.not_covered


def test_overall_change_uses_dimensions_with_both_values():
    dimensions = [
        DimensionScore("a", "A", 1, "previous_period", 80.0, 60.0, "good"),
        DimensionScore("b", "B", 3, "previous_scan", 40.0, None, "poor"),
    ]
    from flask import Flask

    app = Flask(__name__)
    app.config["SCORECARD_BANDS"] = None
    with app.app_context():
        overall = overall_score(dimensions)

    # (80 · 1 + 40 · 3) / 4 = 50 now; only "a" has a previous value, so the change is 80 − 60.
    assert overall.score == pytest.approx(50.0)
    assert overall.band == "fair"
    assert overall.comparable == ["a"]
    assert overall.previous == pytest.approx(60.0)
    assert overall.change == pytest.approx(20.0)


def test_weighted_mean_skips_zero_weights():
    assert weighted_mean({"a": 10.0, "b": 50.0}, {"a": 1, "b": 3}) == pytest.approx(40.0)
    assert weighted_mean({"a": 10.0}, {"a": 0}) is None
    assert weighted_mean({}, {}) is None


@pytest.mark.parametrize(
    ("score", "band"), [(0, "poor"), (49.9, "poor"), (50, "fair"), (74.99, "fair"), (75, "good"), (89.9, "good"), (90, "very_good"), (100, "very_good")]
)
def test_default_bands(score, band):
    assert band_of(score, configured_bands(None)) == band


def test_configured_bands():
    bands = configured_bands('{"good": 70, "very_good": 95}')
    assert band_of(72, bands) == "good"
    assert band_of(92, bands) == "good"


@pytest.mark.parametrize(
    ("setting", "named"),
    [
        ('{"speed": 10}', "speed"),
        ('{"forms": -1}', "-1"),
        ('{"forms": "a lot"}', "a lot"),
        ("[1, 2]", "JSON object"),
        ("{not json", "JSON object"),
    ],
)
def test_bad_weights_are_named(app, setting, named):
    with app.test_request_context(), pytest.raises(InvalidValue) as error:
        configured_weights(setting)
    assert named in str(error.value)
    assert "CXAUDIT_SCORECARD_WEIGHTS" in str(error.value)


def test_bands_must_rise(app):
    with app.test_request_context(), pytest.raises(InvalidValue) as error:
        configured_bands('{"good": 40}')
    assert "rise" in str(error.value)


def test_registry_has_the_documented_dimensions():
    assert list(DIMENSIONS) == ["satisfaction", "accessibility", "forms", "declaration", "funnels", "response_times"]
    assert sum(dimension.default_weight for dimension in DIMENSIONS.values()) == 100


def test_html_shows_overall_score_in_polish(app):
    with app.test_request_context():
        museum = _museum()
        empty = Institution(slug="pusta", name="Pusta")
        db.session.add(empty)
        db.session.commit()
        html = render_html(build_scorecard(museum, "pl", NOVEMBER))
        empty_html = render_html(build_scorecard(empty, "pl", NOVEMBER))

    assert "Ocena ogólna" in html
    assert "77 na 100, poziom dobry" in html
    assert "Zmiana od poprzedniego pomiaru: +6,5 pkt" in html
    assert "Obejmuje: Zadowolenie odwiedzających, Dostępność." in html
    assert "Brak danych: żaden wymiar nie ma jeszcze danych, więc nie ma oceny ogólnej." in empty_html
    assert "na 100:" not in empty_html


def _form_record(page: PageResult, selector: str, kind: str, fields: int) -> None:
    form = {"form": {"position": 1, "kind": kind, "selector": selector, "fields": fields}}
    db.session.add(Finding(page_id=page.id, plugin="forms", rule="forms-form", outcome=Outcome.INVENTORY,
                           targets=[selector], help=f"Form 1 ({kind})", data=form))


def _form_problem(page: PageResult, selector: str, kind: str) -> None:
    form = {"form": {"position": 1, "kind": kind, "selector": selector, "fields": 4}}
    db.session.add(Finding(page_id=page.id, plugin="forms", rule="forms-field-no-name", outcome=Outcome.VIOLATION,
                           impact="critical", targets=[selector, "#kod"], help=f"Form 1 ({kind}): a field has no name", data=form))


def test_forms_dimension_from_plugin_section(make_app):
    app = make_app(ENABLED_PLUGINS=["axe", "forms"])
    with app.app_context():
        museum = _museum()
        site = db.session.scalars(select(Site).where(Site.institution_id == museum.id)).one()
        older, latest = db.session.scalars(select(Scan).where(Scan.site_id == site.id).order_by(Scan.finished_at)).all()
        # Before: one contact form with a critical problem, 100 − 25 = 75.
        old_page = db.session.scalars(select(PageResult).where(PageResult.scan_id == older.id)).first()
        _form_record(old_page, "#kontakt", "contact", 4)
        _form_problem(old_page, "#kontakt", "contact")
        # Now: the same contact form and a clean search form, (75 + 100) / 2.
        pages = db.session.scalars(select(PageResult).where(PageResult.scan_id == latest.id).order_by(PageResult.id)).all()
        _form_record(pages[0], "#kontakt", "contact", 4)
        _form_problem(pages[0], "#kontakt", "contact")
        _form_record(pages[1], "#szukaj", "search", 1)
        db.session.commit()
        scorecard = build_scorecard(museum, "en", NOVEMBER)

    forms = _dimensions(scorecard)["forms"]
    assert forms.score == pytest.approx(87.5)
    assert forms.previous == pytest.approx(75.0)
    # The forms plugin's rules stay out of the accessibility score, which keeps its axe-only 96.5.
    assert _dimensions(scorecard)["accessibility"].score == pytest.approx(96.5)
    # (57.5 · 30 + 96.5 · 30 + 87.5 · 10) / 70.
    assert scorecard.overall.score == pytest.approx((57.5 * 30 + 96.5 * 30 + 87.5 * 10) / 70)


def test_response_times_dimension(app):
    from inquiries_helpers import CSV_FILE, add_museum

    from cxaudit.inquiries.imports import import_csv

    with app.app_context(), app.test_request_context():
        museum = add_museum()
        import_csv(museum, CSV_FILE.read_bytes())
        scorecard = build_scorecard(db.session.get(Institution, museum.id), "en", parse_period("2026-11-01..2026-12-31"))

    overall = scorecard.to_dict()["response_times"]["overall"]
    dimension = _dimensions(scorecard)["response_times"]
    assert dimension.score == pytest.approx(100 * overall["answered_within_business_day"] / overall["inquiries"])
    # The 61 days before hold no inquiry of the test file.
    assert dimension.previous is None
    assert scorecard.overall.covered == ["response_times"]
