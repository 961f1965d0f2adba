"""Accessibility summary built from scan rows written by hand."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cxaudit.extensions import db
from cxaudit.models import Finding, Institution, Outcome, PageResult, PageStatus, Scan, ScanStatus, Site
from cxaudit.scorecard.accessibility import summarise_accessibility
from cxaudit.scorecard.data import build_scorecard
from cxaudit.scan.history import previous_finished_scan


def _institution(slug: str) -> Institution:
    institution = Institution(slug=slug, name=slug.title())
    db.session.add(institution)
    db.session.flush()
    return institution


def _site(institution: Institution, base_url: str) -> Site:
    site = Site(institution_id=institution.id, base_url=base_url)
    db.session.add(site)
    db.session.flush()
    return site


def _scan(site: Site, status: ScanStatus = ScanStatus.FINISHED, finished_day: int = 1) -> Scan:
    scan = Scan(
        site_id=site.id,
        url=site.base_url,
        status=status,
        axe_core_version="4.10.0",
        finished_at=datetime(2026, 11, finished_day, 12, 0, tzinfo=UTC) if status == ScanStatus.FINISHED else None,
    )
    db.session.add(scan)
    db.session.flush()
    return scan


def _page(scan: Scan, path: str, status: PageStatus = PageStatus.AUDITED) -> PageResult:
    page = PageResult(scan_id=scan.id, url=f"{scan.url}{path}", status=status)
    db.session.add(page)
    db.session.flush()
    return page


def _finding(page: PageResult, rule: str, impact: str | None, count: int = 1, outcome: Outcome = Outcome.VIOLATION) -> Finding:
    finding = Finding(
        page_id=page.id,
        plugin="axe",
        rule=rule,
        outcome=outcome,
        impact=impact,
        count=count,
        help=f"Fix {rule}",
        help_url=f"https://dequeuniversity.com/rules/axe/4.10/{rule}",
    )
    db.session.add(finding)
    return finding


def _impact_counts(summary) -> dict[str, tuple[int, int]]:
    return {item.impact: (item.findings, item.instances) for item in summary.by_impact}


@pytest.fixture
def museum(any_db_app):
    """A museum with two sites: one scanned three times, one scanned once."""
    with any_db_app.app_context():
        museum = _institution("museum")
        main_site = _site(museum, "http://127.0.0.1:9/museum")
        shop_site = _site(museum, "http://127.0.0.1:9/shop")

        # An older finished scan of the main site, with findings that must not count.
        old = _scan(main_site, finished_day=1)
        old_page = _page(old, "/old")
        _finding(old_page, "image-alt", "critical", count=40)
        _finding(old_page, "old-rule", "minor")

        latest = _scan(main_site, finished_day=20)
        home = _page(latest, "/")
        about = _page(latest, "/about")
        tickets = _page(latest, "/tickets")
        _page(latest, "/broken", status=PageStatus.FAILED)
        _finding(home, "image-alt", "critical", count=3)
        _finding(about, "image-alt", "critical", count=2)
        _finding(home, "color-contrast", "serious", count=7)
        _finding(about, "color-contrast", "serious", count=1)
        _finding(tickets, "color-contrast", "serious", count=2)
        _finding(home, "region", "moderate", count=4)
        _finding(home, "color-contrast-enhanced", None, count=5, outcome=Outcome.NEEDS_REVIEW)
        _finding(about, "color-contrast-enhanced", None, count=1, outcome=Outcome.NEEDS_REVIEW)
        _finding(tickets, "video-caption", "critical", outcome=Outcome.NEEDS_REVIEW)

        # Newer scans that are not finished do not replace the finished one.
        running = _scan(main_site, status=ScanStatus.RUNNING)
        _finding(_page(running, "/"), "image-alt", "critical", count=99)
        failed = _scan(main_site, status=ScanStatus.FAILED)
        _finding(_page(failed, "/"), "label", "critical", count=99)

        shop_scan = _scan(shop_site, finished_day=10)
        basket = _page(shop_scan, "/basket")
        _finding(basket, "label", "critical", count=2)
        _finding(basket, "image-alt", "critical", count=1)

        # Another institution's scan must not leak into the museum's summary.
        theatre = _institution("theatre")
        theatre_scan = _scan(_site(theatre, "http://127.0.0.1:9/theatre"), finished_day=25)
        _finding(_page(theatre_scan, "/"), "image-alt", "critical", count=100)

        db.session.commit()
        yield museum.id


def test_pages_audited_and_failed(any_db_app, museum):
    with any_db_app.app_context():
        summary = summarise_accessibility(museum)

    assert summary.pages_audited == 4
    assert summary.pages_failed == 1


def test_violations_by_impact(any_db_app, museum):
    with any_db_app.app_context():
        summary = summarise_accessibility(museum)

    counts = _impact_counts(summary)
    assert counts["critical"] == (4, 8)
    assert counts["serious"] == (3, 10)
    assert counts["moderate"] == (1, 4)
    assert counts["minor"] == (0, 0)
    assert summary.violation_findings == 8
    assert summary.violation_instances == 22


def test_impact_levels_in_severity_order(any_db_app, museum):
    with any_db_app.app_context():
        summary = summarise_accessibility(museum)

    assert [item.impact for item in summary.by_impact] == ["critical", "serious", "moderate", "minor"]


def test_pages_affected(any_db_app, museum):
    with any_db_app.app_context():
        summary = summarise_accessibility(museum)

    # home, about, tickets on the main site and the basket of the shop.
    assert summary.pages_affected == 4


def test_top_rules_by_pages(any_db_app, museum):
    with any_db_app.app_context():
        summary = summarise_accessibility(museum)

    rules = [(rule.rule, rule.impact, rule.pages, rule.instances) for rule in summary.top_rules]
    assert rules == [
        ("image-alt", "critical", 3, 6),
        ("color-contrast", "serious", 3, 10),
        ("label", "critical", 1, 2),
        ("region", "moderate", 1, 4),
    ]
    # The axe plugin's own description of the rule replaces the stored help.
    assert summary.top_rules[0].help == "Give every image a text alternative, or an empty alt when it only decorates"
    assert summary.top_rules[0].help_url.endswith("/image-alt")


def test_needs_review_listed_apart(any_db_app, museum):
    with any_db_app.app_context():
        summary = summarise_accessibility(museum)

    review = [(rule.rule, rule.pages) for rule in summary.needs_review]
    assert review == [("color-contrast-enhanced", 2), ("video-caption", 1)]
    violating_rules = {rule.rule for rule in summary.top_rules}
    assert "color-contrast-enhanced" not in violating_rules
    assert "video-caption" not in violating_rules


def test_needs_review_not_counted(any_db_app):
    with any_db_app.app_context():
        institution = _institution("library")
        scan = _scan(_site(institution, "http://127.0.0.1:9/library"))
        page = _page(scan, "/")
        _finding(page, "video-caption", "critical", count=3, outcome=Outcome.NEEDS_REVIEW)
        db.session.commit()
        summary = summarise_accessibility(institution.id)

    assert summary.pages_affected == 0
    assert summary.violation_findings == 0
    assert _impact_counts(summary)["critical"] == (0, 0)
    assert summary.top_rules == []
    assert [rule.rule for rule in summary.needs_review] == ["video-caption"]


def test_only_latest_finished_scan_counts(any_db_app, museum):
    with any_db_app.app_context():
        summary = summarise_accessibility(museum)

    assert [site.base_url for site in summary.sites] == ["http://127.0.0.1:9/museum", "http://127.0.0.1:9/shop"]
    assert [site.finished_at.day for site in summary.sites] == [20, 10]
    assert "old-rule" not in {rule.rule for rule in summary.top_rules}


def test_latest_scan_is_started_last(any_db_app):
    # A scan resumed by another worker can finish after a scan started later.
    # The one started last is the site's latest, as on the site's history page.
    with any_db_app.app_context():
        library = _institution("library")
        site = _site(library, "http://127.0.0.1:9/library")
        resumed = _scan(site, finished_day=20)
        _finding(_page(resumed, "/"), "image-alt", "critical")
        started_last = _scan(site, finished_day=12)
        _finding(_page(started_last, "/"), "label", "critical")
        db.session.commit()

        summary = summarise_accessibility(library.id)
        assert previous_finished_scan(started_last).id == resumed.id

    assert [rule.rule for rule in summary.top_rules] == ["label"]
    assert [site.finished_at.day for site in summary.sites] == [12]


def test_top_rules_limited_to_ten(any_db_app):
    with any_db_app.app_context():
        institution = _institution("gallery")
        scan = _scan(_site(institution, "http://127.0.0.1:9/gallery"))
        pages = [_page(scan, f"/{number}") for number in range(12)]
        for number in range(12):
            # rule-00 fails on 12 pages, rule-01 on 11, and so on.
            for page in pages[: 12 - number]:
                _finding(page, f"rule-{number:02d}", "minor")
        db.session.commit()
        summary = summarise_accessibility(institution.id)

    assert len(summary.top_rules) == 10
    assert [rule.rule for rule in summary.top_rules] == [f"rule-{number:02d}" for number in range(10)]
    assert summary.top_rules[-1].pages == 3


def test_no_finished_scan_gives_none(any_db_app):
    with any_db_app.app_context():
        institution = _institution("archive")
        site = _site(institution, "http://127.0.0.1:9/archive")
        _scan(site, status=ScanStatus.RUNNING)
        db.session.commit()
        summary = summarise_accessibility(institution.id)
        scorecard = build_scorecard(institution, "en")

    assert summary is None
    assert scorecard.accessibility is None
    assert scorecard.to_dict()["accessibility"] is None


def test_score_weights_impact_and_share_of_pages(any_db_app, museum):
    with any_db_app.app_context():
        summary = summarise_accessibility(museum)

    # Points lost per audited page: home 10 + 7 + 3, about 10 + 7, tickets 7,
    # basket 10 + 10; 64 points over 4 pages.
    assert summary.score == pytest.approx(100 - 64 / 4)
    assert summary.to_dict()["score"] == pytest.approx(84.0)


def test_score_ignores_needs_review_and_counts_unknown_impact_as_moderate(any_db_app):
    with any_db_app.app_context():
        institution = _institution("library")
        scan = _scan(_site(institution, "http://127.0.0.1:9/library"))
        first, second = _page(scan, "/"), _page(scan, "/a")
        _finding(first, "video-caption", "critical", outcome=Outcome.NEEDS_REVIEW)
        _finding(second, "odd-rule", None)
        _finding(second, "list", "minor")
        db.session.commit()
        summary = summarise_accessibility(institution.id)

    # Only the second page loses points: 3 for the rule without impact and 1 for the minor one.
    assert summary.score == pytest.approx(100 - 4 / 2)


def test_page_loses_at_most_all_its_points(any_db_app):
    with any_db_app.app_context():
        institution = _institution("library")
        scan = _scan(_site(institution, "http://127.0.0.1:9/library"))
        broken = _page(scan, "/broken")
        _page(scan, "/clean")
        for number in range(12):
            _finding(broken, f"rule-{number}", "critical")
        db.session.commit()
        summary = summarise_accessibility(institution.id)

    # 120 points of violations, but the page cannot go below 0: (0 + 100) / 2.
    assert summary.score == pytest.approx(50.0)


def test_no_audited_page_means_no_score(any_db_app):
    with any_db_app.app_context():
        institution = _institution("library")
        scan = _scan(_site(institution, "http://127.0.0.1:9/library"))
        _page(scan, "/down", status=PageStatus.FAILED)
        db.session.commit()
        summary = summarise_accessibility(institution.id)

    assert summary.pages_audited == 0
    assert summary.score is None
