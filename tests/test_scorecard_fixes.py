"""The ten fixes that matter most and the anonymised benchmark, against figures worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask_babel import force_locale

from cxaudit.extensions import db
from cxaudit.models import Finding, Institution, Outcome, PageResult, PageStatus, Response, Scan, ScanStatus, Site, Survey, SurveyKind
from cxaudit.scorecard.benchmark import build_benchmark, quartiles
from cxaudit.scorecard.data import build_scorecard
from cxaudit.scorecard.fixes import top_fixes
from cxaudit.scorecard.periods import parse_period

NOVEMBER = parse_period("2026-11")


def _institution(slug: str) -> tuple[Institution, Site]:
    institution = Institution(slug=slug, name=slug.title())
    db.session.add(institution)
    db.session.flush()
    site = Site(institution_id=institution.id, base_url=f"http://127.0.0.1:9/{slug}")
    db.session.add(site)
    db.session.flush()
    return institution, site


def _scan(site: Site, day: int) -> Scan:
    scan = Scan(site_id=site.id, url=site.base_url, status=ScanStatus.FINISHED, finished_at=datetime(2026, 11, day, tzinfo=UTC))
    db.session.add(scan)
    db.session.flush()
    return scan


def _page(scan: Scan, path: str) -> PageResult:
    page = PageResult(scan_id=scan.id, url=scan.url + path, status=PageStatus.AUDITED)
    db.session.add(page)
    db.session.flush()
    return page


def _finding(page, rule, impact, plugin="axe", outcome=Outcome.VIOLATION, help_text=None, count=2):
    db.session.add(Finding(page_id=page.id, plugin=plugin, rule=rule, outcome=outcome, impact=impact, count=count,
                           help=help_text or f"Stored help for {rule}", help_url=f"https://dequeuniversity.com/rules/axe/4.10/{rule}"))


@pytest.fixture
def theatre(any_db_app):
    with any_db_app.app_context():
        institution, site = _institution("teatr")
        old = _page(_scan(site, 1), "/")
        _finding(old, "bypass", "serious")
        scan = _scan(site, 20)
        home, tickets, contact = _page(scan, "/"), _page(scan, "/bilety"), _page(scan, "/kontakt")
        for page in (home, tickets, contact):
            _finding(page, "color-contrast", "serious")
        for page in (tickets, contact):
            _finding(page, "label", "critical")
            _finding(page, "region", "moderate")
        _finding(home, "image-alt", "critical")
        _finding(contact, "form-field-without-label", "serious", plugin="forms", help_text="Formularz 1 (kontakt): pole bez etykiety")
        _finding(home, "video-caption", "critical", outcome=Outcome.NEEDS_REVIEW)
        db.session.commit()
        yield institution.id


def test_fixes_ranked_by_impact_times_pages(any_db_app, theatre):
    with any_db_app.app_context():
        fixes = top_fixes(theatre)

    ranked = [(fix.plugin, fix.rule, fix.impact, fix.pages, fix.instances, fix.priority) for fix in fixes]
    assert ranked == [
        ("axe", "color-contrast", "serious", 3, 6, 21),
        ("axe", "label", "critical", 2, 4, 20),
        ("axe", "image-alt", "critical", 1, 2, 10),
        ("forms", "form-field-without-label", "serious", 1, 2, 7),
        ("axe", "region", "moderate", 2, 4, 6),
    ]


def test_fixes_say_how_to_fix(any_db_app, theatre):
    with any_db_app.app_context(), force_locale("en"):
        fixes = {fix.rule: fix for fix in top_fixes(theatre)}

    assert "4.5:1" in fixes["color-contrast"].how_to_fix
    # Plugin findings keep the help text the plugin stored, in the scan's language.
    assert fixes["form-field-without-label"].how_to_fix == "Formularz 1 (kontakt): pole bez etykiety"
    assert fixes["image-alt"].help_url.endswith("/image-alt")


def test_fixes_in_polish(any_db_app, theatre):
    with any_db_app.app_context(), force_locale("pl"):
        fixes = {fix.rule: fix for fix in top_fixes(theatre)}

    assert "kontrast" in fixes["color-contrast"].how_to_fix


def test_at_most_ten_fixes(any_db_app):
    with any_db_app.app_context():
        institution, site = _institution("biblioteka")
        page = _page(_scan(site, 2), "/")
        for number in range(12):
            _finding(page, f"rule-{number:02d}", "minor")
        db.session.commit()
        fixes = top_fixes(institution.id)

    assert [fix.rule for fix in fixes] == [f"rule-{number:02d}" for number in range(10)]


def test_scorecard_carries_fixes(any_db_app, theatre):
    with any_db_app.app_context():
        scorecard = build_scorecard(db.session.get(Institution, theatre), "en", NOVEMBER)

    assert scorecard.to_dict()["fixes"][0]["rule"] == "color-contrast"


@pytest.fixture
def library_forms(any_db_app):
    """axe-core and the forms plugin report the same unnamed fields on a library's pages.

    /kontakt: axe label (2 fields), forms-field-no-name (3 fields)
    /bilety: axe label (2 fields) and axe select-name (1 list, serious)
    /newsletter: forms-field-no-name (1 field)
    /katalog: axe tabindex (serious, 1), forms-positive-tabindex (moderate, 1)
    """
    with any_db_app.app_context():
        institution, site = _institution("biblioteka-form")
        scan = _scan(site, 20)
        contact, tickets, newsletter, catalogue = (_page(scan, path) for path in ("/kontakt", "/bilety", "/newsletter", "/katalog"))
        _finding(contact, "label", "critical", count=2)
        _finding(contact, "forms-field-no-name", "critical", plugin="forms", count=3, help_text="Formularz 1 (kontakt): brak nazwy")
        _finding(tickets, "label", "critical", count=2)
        _finding(tickets, "select-name", "serious", count=1)
        _finding(newsletter, "forms-field-no-name", "critical", plugin="forms", count=1, help_text="Formularz 1 (newsletter): brak nazwy")
        _finding(catalogue, "tabindex", "serious", count=1)
        _finding(catalogue, "forms-positive-tabindex", "moderate", plugin="forms", count=1)
        db.session.commit()
        yield institution.id


def test_equivalent_rules_make_one_fix(any_db_app, library_forms):
    with any_db_app.app_context(), force_locale("en"):
        fixes = top_fixes(library_forms)

    # Pages: the union of /kontakt, /bilety and /newsletter. Elements per page: the plugin
    # that reports the most, max(2, 3) + (2 + 1) + 1 = 7. Priority: critical 10 × 3 pages.
    label = fixes[0]
    assert (label.plugin, label.rule, label.impact, label.pages, label.instances, label.priority) == ("axe", "label", "critical", 3, 7, 30)
    assert [(check.plugin, check.rule) for check in label.found_by] == [
        ("axe", "label"),
        ("axe", "select-name"),
        ("forms", "forms-field-no-name"),
    ]
    assert "<label for>" in label.how_to_fix


def test_equivalent_rules_keep_highest_impact(any_db_app, library_forms):
    with any_db_app.app_context():
        fixes = top_fixes(library_forms)

    # axe's tabindex is serious, the forms plugin's is moderate: serious 7 × 1 page.
    tabindex = fixes[1]
    assert (tabindex.rule, tabindex.impact, tabindex.pages, tabindex.instances, tabindex.priority) == ("tabindex", "serious", 1, 1, 7)
    assert [check.plugin for check in tabindex.found_by] == ["axe", "forms"]
    assert len(fixes) == 2


def test_forms_rule_alone_named_as_found(any_db_app):
    with any_db_app.app_context(), force_locale("en"):
        institution, site = _institution("dom-kultury")
        page = _page(_scan(site, 20), "/zapisy")
        _finding(page, "forms-field-no-name", "critical", plugin="forms", count=2, help_text="Formularz 1 (inne): brak nazwy")
        db.session.commit()
        fixes = top_fixes(institution.id)

    assert [(fix.plugin, fix.rule, fix.pages, fix.instances) for fix in fixes] == [("forms", "forms-field-no-name", 1, 2)]
    # cxaudit's one-sentence instruction replaces the forms plugin's long help text.
    assert "aria-labelledby" in fixes[0].how_to_fix


def test_merged_fix_in_json(any_db_app, library_forms):
    with any_db_app.app_context():
        scorecard = build_scorecard(db.session.get(Institution, library_forms), "en", NOVEMBER)

    found_by = scorecard.to_dict()["fixes"][0]["found_by"]
    assert found_by[2] == {"plugin": "forms", "rule": "forms-field-no-name"}


def _institutions_with_scores(count: int) -> list[int]:
    """Institutions whose accessibility scores are 100, 90, 80 … (one critical rule more each)."""
    ids = []
    for number in range(count):
        institution, site = _institution(f"instytucja-{number}")
        page = _page(_scan(site, 3), "/")
        for rule in range(number):
            _finding(page, f"rule-{rule}", "critical")
        ids.append(institution.id)
    return ids


def test_benchmark_quartiles_with_five_institutions(any_db_app):
    with any_db_app.app_context():
        ids = _institutions_with_scores(5)
        survey = Survey(institution_id=ids[0], kind=SurveyKind.CSAT)
        db.session.add(survey)
        db.session.flush()
        db.session.add(Response(survey_id=survey.id, score=5, language="pl", received_at=datetime(2026, 11, 5, tzinfo=UTC)))
        db.session.commit()
        benchmark = build_benchmark("en", NOVEMBER)
        scorecard = build_scorecard(db.session.get(Institution, ids[0]), "en", NOVEMBER)

    # Scores 60, 70, 80, 90, 100: the inclusive quartiles are 70, 80 and 90.
    assert [(item.key, item.institutions, item.lower_quartile, item.median, item.upper_quartile) for item in benchmark] == [
        ("accessibility", 5, 70.0, 80.0, 90.0)
    ]
    # Satisfaction has one contributor, so it is not shown.
    assert scorecard.to_dict()["benchmark"] == [
        {"key": "accessibility", "label": "Accessibility", "institutions": 5, "lower_quartile": 70.0, "median": 80.0, "upper_quartile": 90.0}
    ]


def test_no_benchmark_below_five_institutions(any_db_app):
    with any_db_app.app_context():
        _institutions_with_scores(4)
        db.session.commit()
        assert build_benchmark("en", NOVEMBER) == []


def test_quartiles_by_hand():
    # Inclusive method: positions 1 + (n − 1) · q over the sorted values.
    assert quartiles([1.0, 2.0, 3.0, 4.0, 5.0, 6.0]) == pytest.approx((2.25, 3.5, 4.75))
