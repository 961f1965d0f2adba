"""Plugins add sections to the scorecard; a plugin that fails is named, and a
plugin's own section takes its findings out of the accessibility summary."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask_babel import gettext

from cxaudit.audit import ScorecardSection, SectionTable
from cxaudit.extensions import db
from cxaudit.hookspecs import hookimpl
from cxaudit.models import Finding, Institution, Outcome, PageResult, PageStatus, Scan, ScanStatus, Site
from cxaudit.scorecard.data import build_scorecard
from cxaudit.scorecard.render import render_html
from cxaudit.scorecard.sections import plugin_findings


class FormsSection:
    """Reports how many of its findings the latest scans hold, in the scorecard's language."""

    @hookimpl
    def cxaudit_scorecard_sections(self, scans, language):
        findings = plugin_findings(scans, "forms-example")
        return [
            ScorecardSection(
                key="forms-example",
                title=f"Forms ({language}) <b>",
                summary=gettext("Scans used"),
                score=75.0,
                tables=[SectionTable(caption="Forms", headers=["Page", "Rule"], rows=[[url, finding.rule] for url, finding in findings])],
                method="Each form starts at 100.",
                data={"findings": len(findings)},
            )
        ]


class BrokenSection:
    @hookimpl
    def cxaudit_scorecard_sections(self, institution):
        raise RuntimeError(f"no data for {institution.slug}")


@pytest.fixture
def app(make_app):
    """The app with only the axe plugin installed, so the sections are the test's own."""
    return make_app(ENABLED_PLUGINS=["axe"])


@pytest.fixture
def institution_with_scan(app):
    with app.app_context():
        institution = Institution(slug="teatr", name="Teatr Miejski", default_language="pl")
        site = Site(institution=institution, base_url="http://127.0.0.1:9/")
        scan = Scan(site=site, url=site.base_url, status=ScanStatus.FINISHED, finished_at=datetime.now(UTC))
        page = PageResult(scan=scan, url="http://127.0.0.1:9/kontakt", status=PageStatus.AUDITED)
        page.findings = [
            Finding(plugin="axe", rule="image-alt", outcome=Outcome.VIOLATION, impact="critical"),
            Finding(plugin="forms-example", rule="field-label", outcome=Outcome.VIOLATION, impact="serious"),
        ]
        db.session.add_all([institution, site, scan, page])
        db.session.commit()
    return app


def scorecard_of(app, language="pl"):
    with app.test_request_context():
        institution = db.session.query(Institution).filter_by(slug="teatr").one()
        scorecard = build_scorecard(institution, language)
        return scorecard, render_html(scorecard)


def register(app, name, plugin):
    app.extensions["cxaudit_plugins"].register(name, plugin)


def test_section_in_json_and_html(institution_with_scan):
    register(institution_with_scan, "forms-example", FormsSection())
    scorecard, html = scorecard_of(institution_with_scan)

    sections = scorecard.to_dict()["sections"]
    assert [section["key"] for section in sections] == ["forms-example"]
    assert sections[0]["plugin"] == "forms-example"
    assert sections[0]["score"] == 75.0
    assert sections[0]["data"] == {"findings": 1}
    assert sections[0]["tables"][0]["rows"] == [["http://127.0.0.1:9/kontakt", "field-label"]]
    assert "Forms (pl) &lt;b&gt;" in html
    assert "field-label" in html
    assert "Each form starts at 100." in html


def test_section_built_in_scorecard_language(institution_with_scan):
    register(institution_with_scan, "forms-example", FormsSection())
    polish, _ = scorecard_of(institution_with_scan, "pl")
    english, _ = scorecard_of(institution_with_scan, "en")
    assert english.plugin_sections.sections[0][1].summary == "Scans used"
    assert polish.plugin_sections.sections[0][1].title == "Forms (pl) <b>"


def test_section_plugin_findings_leave_accessibility(institution_with_scan):
    register(institution_with_scan, "forms-example", FormsSection())
    scorecard, _ = scorecard_of(institution_with_scan)
    rules = [rule.rule for rule in scorecard.accessibility.top_rules]
    assert rules == ["image-alt"]
    assert scorecard.accessibility.violation_findings == 1


def test_without_section_findings_stay(institution_with_scan):
    scorecard, _ = scorecard_of(institution_with_scan)
    rules = sorted(rule.rule for rule in scorecard.accessibility.top_rules)
    assert rules == ["field-label", "image-alt"]


def test_failing_section_plugin_named(institution_with_scan):
    register(institution_with_scan, "broken-section", BrokenSection())
    register(institution_with_scan, "forms-example", FormsSection())
    scorecard, html = scorecard_of(institution_with_scan, "en")
    assert scorecard.to_dict()["errored_plugins"] == ["broken-section"]
    assert [key for key in (section["key"] for section in scorecard.to_dict()["sections"])] == ["forms-example"]
    assert "broken-section" in html


class LongSection:
    """A section whose table prints only its first row in HTML and PDF."""

    @hookimpl
    def cxaudit_scorecard_sections(self, scans):
        rows = [["strona-pierwsza", "1"], ["strona-druga", "2"], ["strona-trzecia", "3"]]
        table = SectionTable(caption="Long", headers=["Page", "Score"], rows=rows, printed_rows=rows[:1])
        return [ScorecardSection(key="long", title="Long", summary="", tables=[table])]


def test_printed_rows_shorten_html_but_not_json(institution_with_scan):
    register(institution_with_scan, "long", LongSection())
    scorecard, html = scorecard_of(institution_with_scan, "pl")

    table = scorecard.to_dict()["sections"][0]["tables"][0]
    assert "printed_rows" not in table
    assert len(table["rows"]) == 3
    assert "strona-pierwsza" in html
    assert "strona-druga" not in html
    assert "Pominięto tu jeszcze 2 wiersze" in html
