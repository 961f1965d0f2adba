"""The declaration plugin in real scans of small Polish and English sites.

Every fixture site under tests/pages/declaration is its own web root, so the
home page (``/``) is the site's ``index.html``. Each site is scanned once per
module, with "today" fixed so the 31 March review deadline does not move.
"""

from __future__ import annotations

import functools
import http.server
import json
import socket
import sys
import threading
from pathlib import Path

import pytest
from conftest import _QuietHandler  # the UTF-8 static handler behind the serve_directory fixture
from flask_babel import force_locale

from accounts import sign_in
from cxaudit.app import create_app
from cxaudit.database import upgrade_database
from cxaudit.extensions import db
from cxaudit.models import Institution, Scan, ScanStatus, Site
from cxaudit.scan.runner import create_scan, run_stored_scan
from cxaudit.scorecard.data import build_scorecard
from cxaudit.scorecard.render import render_html
from cxaudit_declaration.audit import audit_site_declaration
from cxaudit_declaration.browser import load

pytestmark = pytest.mark.browser

PAGES = Path(__file__).parent / "pages" / "declaration"
TODAY = "2026-12-04"
# Scanned in English unless named here.
POLISH_SCANS = {"pl-bad-in-polish": "pl-bad"}
SITES = (
    "pl-good", "en-good", "pl-bad", "en-bad", "pl-meta-only", "en-meta-only", "pl-none", "en-none",
    "pl-noids", "en-noids", "pl-broken", "en-broken", "off-site", "en-off-site", "pl-unmarked", "en-unmarked",
)
# Declarations of the older template, whose unmarked elements are found in the text.
UNMARKED = ("pl-unmarked", "en-unmarked")


def serve(directory: Path) -> http.server.ThreadingHTTPServer:
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def read_findings(scan: Scan) -> list[dict]:
    return [
        {
            "page": page.url,
            "rule": finding.rule,
            "outcome": str(finding.outcome),
            "impact": finding.impact,
            "count": finding.count,
            "targets": list(finding.targets or []),
            "help": finding.help,
            "help_url": finding.help_url,
            "data": dict(finding.data or {}),
        }
        for page in scan.pages
        for finding in page.findings
        if finding.plugin == "declaration"
    ]


@pytest.fixture(scope="module")
def scanned(browser_config, tmp_path_factory):
    """Scan every fixture site once; yield the app, the base URLs, scan ids and findings by site."""
    folder = tmp_path_factory.mktemp("declaration")
    servers = {name: serve(PAGES / name) for name in SITES}
    base_urls = {name: f"http://127.0.0.1:{server.server_port}" for name, server in servers.items()}
    base_urls.update({scan: base_urls[site] for scan, site in POLISH_SCANS.items()})

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": f"sqlite:///{folder / 'cxaudit.db'}",
            "HUEY_SQLITE_PATH": str(folder / "jobs.db"),
            "DEFAULT_LANGUAGE": "en",
            "ENABLED_PLUGINS": ["declaration"],
            **browser_config,
        }
    )
    scan_ids, findings = {}, {}
    with app.app_context():
        upgrade_database()
        institution = Institution(slug="muzeum", name="Muzeum Regionalne", default_language="en")
        db.session.add_all([institution, *(Site(institution=institution, base_url=f"{base_urls[name]}/") for name in ("pl-good", "pl-bad", "pl-none", "off-site"))])
        library = Institution(slug="biblioteka", name="Miejska Biblioteka Publiczna", default_language="en")
        db.session.add_all([library, *(Site(institution=library, base_url=f"{base_urls[name]}/") for name in UNMARKED)])
        db.session.commit()
        for name in (*SITES, *POLISH_SCANS):
            language = "pl" if name in POLISH_SCANS else "en"
            scan_id = create_scan(f"{base_urls[name]}/", 1, {"language": language, "declaration_today": TODAY}).id
            run_stored_scan(scan_id)
            scan = db.session.get(Scan, scan_id)
            assert scan.status == ScanStatus.FINISHED, scan.error
            scan_ids[name] = scan_id
            findings[name] = read_findings(scan)

    yield app, base_urls, scan_ids, findings

    for server in servers.values():
        server.shutdown()
        server.server_close()
    with app.app_context():
        db.engine.dispose()


def rules(findings: list[dict], outcome: str) -> set[str]:
    return {finding["rule"] for finding in findings if finding["outcome"] == outcome}


def targets(findings: list[dict], rule: str) -> list[str]:
    return sorted(target for finding in findings if finding["rule"] == rule for target in finding["targets"])


def only(findings: list[dict], rule: str) -> dict:
    matching = [finding for finding in findings if finding["rule"] == rule]
    assert len(matching) == 1, f"{rule}: {matching}"
    return matching[0]


@pytest.mark.parametrize("site", ["pl-good", "en-good"])
def test_good_declaration_has_no_violations(scanned, site):
    findings = scanned[3][site]
    assert rules(findings, "violation") == set()


def test_good_polish_declaration_records_status_and_dates(scanned):
    _app, base_urls, _ids, findings = scanned
    summary = only(findings["pl-good"], "declaration-status-partial")

    assert summary["outcome"] == "needs-review"
    assert summary["help_url"] == f"{base_urls['pl-good']}/deklaracja-dostepnosci.html"
    assert '#a11y-data-publikacja time[datetime="2019-09-23"]' in summary["targets"]
    assert '#a11y-data-przeglad time[datetime="2026-03-20"]' in summary["targets"]
    # The apps question cannot be decided from a site without app store links.
    assert rules(findings["pl-good"], "needs-review") == {"declaration-status-partial", "declaration-conditional-unknown"}
    assert targets(findings["pl-good"], "declaration-conditional-unknown") == ["#a11y-aplikacje"]


def test_good_english_declaration_is_compliant(scanned):
    findings = scanned[3]["en-good"]
    summary = only(findings, "declaration-status-compliant")
    assert summary["help_url"].endswith("/accessibility-statement.html")
    assert '#a11y-data-aktualizacja time[datetime="2025-09-01"]' in summary["targets"]


def test_findings_stored_on_start_page(scanned):
    _app, base_urls, _ids, findings = scanned
    assert {finding["page"] for finding in findings["pl-bad"]} == {f"{base_urls['pl-bad']}/"}


@pytest.mark.parametrize("site", ["pl-bad", "en-bad"])
def test_bad_declaration_violations(scanned, site):
    findings = scanned[3][site]
    assert rules(findings, "violation") == {
        "declaration-link-name",
        "declaration-element-missing",
        "declaration-element-empty",
        "declaration-date-invalid",
        "declaration-date-format",
        "declaration-review-overdue",
        "declaration-inaccessible-content-missing",
        "declaration-email-invalid",
        "declaration-phone-invalid",
        "declaration-procedure-incomplete",
        "declaration-conditional-missing",
        "declaration-axe-violations",
    }
    assert targets(findings, "declaration-element-missing") == ["#a11y-komunikacja", "#a11y-zakres"]
    assert targets(findings, "declaration-element-empty") == ["#a11y-kontakt"]
    assert targets(findings, "declaration-date-invalid") == ["#a11y-data-aktualizacja"]
    assert targets(findings, "declaration-date-format") == ["#a11y-data-sporzadzenie"]
    assert targets(findings, "declaration-conditional-missing") == ["#a11y-aplikacje", "#a11y-data-przeglad", "#a11y-ocena"]
    assert targets(findings, "declaration-id-duplicate") == ["#a11y-podmiot"]
    assert rules(findings, "needs-review") >= {"declaration-meta-missing", "declaration-id-duplicate", "declaration-legacy-elements"}
    # The misspelt architecture id has content after it, so it is accepted with a warning.
    assert only(findings, "declaration-id-malformed")["outcome"] == "needs-review"
    # Neither the scope nor communication accessibility is stated in the text, so they stay missing.
    assert targets(findings, "declaration-element-unmarked") == []


def test_bad_polish_declaration_details(scanned):
    findings = scanned[3]["pl-bad"]
    assert targets(findings, "declaration-id-malformed") == ["[id=\"'a11y-architektura'\"]"]
    assert targets(findings, "declaration-legacy-elements") == ["#a11y-osoba"]
    assert targets(findings, "declaration-link-name") == ['a[href="/deklaracja-dostepnosci.html"]']
    assert "Oświadczenie" in only(findings, "declaration-link-name")["help"]
    # Only "dwóch miesięcy" is stated: the 7 days and the Ombudsman are missing.
    assert only(findings, "declaration-procedure-incomplete")["count"] == 2
    assert "2026-03-31" in only(findings, "declaration-review-overdue")["help"]
    assert "niezgodna" in only(findings, "declaration-status-non-compliant")["help"]


def test_bad_english_declaration_details(scanned):
    findings = scanned[3]["en-bad"]
    assert targets(findings, "declaration-id-malformed") == ['[id="“a11y-architektura”"]']
    assert targets(findings, "declaration-legacy-elements") == ["#a11y-deklaracja"]
    assert only(findings, "declaration-procedure-incomplete")["count"] == 3
    assert only(findings, "declaration-status-partial")["outcome"] == "needs-review"


def test_declaration_page_axe_violations(scanned):
    axe = only(scanned[3]["pl-bad"], "declaration-axe-violations")
    assert axe["impact"] == "critical"
    assert axe["count"] == 1
    assert "image-alt" in axe["help"]
    assert axe["targets"] == ["img"]


@pytest.mark.parametrize("site", ["pl-meta-only", "en-meta-only"])
def test_meta_only_declaration(scanned, site):
    findings = scanned[3][site]
    assert rules(findings, "violation") == {
        "declaration-link-missing",
        "declaration-element-missing",
        "declaration-status-invalid",
        "declaration-procedure-incomplete",
        "declaration-conditional-missing",
    }
    assert targets(findings, "declaration-element-missing") == ["#a11y-telefon"]
    # The architectural section only links elsewhere, so the link needs its id.
    assert targets(findings, "declaration-conditional-missing") == ["#a11y-architektura-url"]
    assert targets(findings, "declaration-legacy-elements") == ["#a11y-audytor"]
    assert "declaration-meta-missing" not in rules(findings, "needs-review")


@pytest.mark.parametrize("site", ["pl-none", "en-none"])
def test_site_without_declaration(scanned, site):
    findings = scanned[3][site]
    assert [finding["rule"] for finding in findings] == ["declaration-not-found"]
    assert findings[0]["impact"] == "critical"
    assert "Deklaracja dostępności" in findings[0]["help"]


@pytest.mark.parametrize("site", ["pl-noids", "en-noids"])
def test_declaration_without_ids(scanned, site):
    findings = scanned[3][site]
    assert rules(findings, "violation") == {"declaration-ids-missing"}
    assert rules(findings, "needs-review") == {"declaration-meta-missing"}


@pytest.mark.parametrize("site", ["pl-broken", "en-broken"])
def test_broken_declaration_link(scanned, site):
    findings = scanned[3][site]
    broken = only(findings, "declaration-unreachable")
    assert broken["outcome"] == "violation"
    assert "HTTP status 404" in broken["help"]


@pytest.mark.parametrize("site", ["off-site", "en-off-site"])
def test_off_site_declaration_not_loaded(scanned, site):
    findings = scanned[3][site]
    off_site = only(findings, "declaration-off-site")
    assert off_site["outcome"] == "needs-review"
    assert off_site["help_url"].startswith("https://bip.example.org/")
    assert rules(findings, "violation") == set()


def test_findings_written_in_polish(scanned):
    findings = scanned[3]["pl-bad-in-polish"]
    assert rules(findings, "violation") == rules(scanned[3]["pl-bad"], "violation")
    missing = [finding["help"] for finding in findings if finding["rule"] == "declaration-element-missing"]
    assert any(help_text.startswith("Deklaracja nie zawiera elementu a11y-zakres") for help_text in missing)
    assert only(findings, "declaration-axe-violations")["help"].startswith("Strona deklaracji ma 1 błąd")


def test_findings_in_scan_json_and_page(scanned):
    app, _base_urls, scan_ids, _findings = scanned
    client = app.test_client()
    sign_in(app, client, login="audytor-deklaracji")

    exported = json.loads(client.get(f"/scans/{scan_ids['pl-bad']}.json").get_data(as_text=True))
    exported_rules = {finding["rule"] for page in exported["pages"] for finding in page["findings"]}
    page = client.get(f"/scans/{scan_ids['pl-bad']}?lang=en").get_data(as_text=True)

    assert "declaration-review-overdue" in exported_rules
    assert "declaration-element-missing" in exported_rules
    assert "declaration-review-overdue" in page


def test_scorecard_section(scanned):
    app, base_urls, _ids, _findings = scanned
    with app.app_context():
        institution = db.session.query(Institution).filter_by(slug="muzeum").one()
        scorecard = build_scorecard(institution, "en")
        html = render_html(scorecard)
        polish = build_scorecard(institution, "pl")

    sections = [section for plugin, section in scorecard.plugin_sections.sections if plugin == "declaration"]
    assert len(sections) == 1
    section = sections[0]
    sites = {site["site_url"]: site for site in section.data["sites"]}
    good = sites[f"{base_urls['pl-good']}/"]
    bad = sites[f"{base_urls['pl-bad']}/"]
    none = sites[f"{base_urls['pl-none']}/"]
    off_site = sites[f"{base_urls['off-site']}/"]

    assert good["score"] == 100.0
    assert good["status"] == "partial"
    assert good["dates"]["a11y-data-publikacja"] == "2019-09-23"
    assert good["declaration_url"] == f"{base_urls['pl-good']}/deklaracja-dostepnosci.html"
    assert bad["status"] == "non-compliant"
    assert bad["invalid_elements"] == [
        "a11y-data-aktualizacja", "a11y-email", "a11y-komunikacja", "a11y-kontakt", "a11y-telefon", "a11y-zakres",
    ]
    assert bad["score"] == 0.0
    assert none["status"] == "not-found"
    assert none["score"] == 0.0
    assert off_site["status"] == "not-checked"
    assert off_site["score"] is None
    assert section.score == round((100.0 + 0.0 + 0.0) / 3, 1)
    assert "Accessibility declaration" in html
    assert "partially compliant (częściowo zgodna)" in html
    polish_section = next(section for plugin, section in polish.plugin_sections.sections if plugin == "declaration")
    assert polish_section.title == "Deklaracja dostępności"

    # Every deduction is listed, so each site's score can be retraced from the section.
    main, deduction_table, review_table = section.tables
    assert deduction_table.headers == ["Site", "Reason", "Points"]
    bad_rows = [row for row in deduction_table.rows if row[0] == bad["site_url"]]
    assert ["The yearly review, due by 31 March, is overdue", "−20"] in [row[1:] for row in bad_rows]
    assert bad_rows[-1][1:] == ["Score (100 minus the deductions, not below 0)", "0"]
    assert [row[1:] for row in deduction_table.rows if row[0] == good["site_url"]] == [
        ["Score (100 minus the deductions, not below 0)", "100"]
    ]
    assert not [row for row in deduction_table.rows if row[0] == off_site["site_url"]]
    # The overdue review is marked next to its date; the reason a declaration was not checked is given.
    rows = {row[0]: row for row in main.rows}
    assert rows[bad["site_url"]][5].endswith("(review overdue)")
    assert "on another site" in rows[off_site["site_url"]][2]
    assert off_site["declaration_url"] in rows[off_site["site_url"]][2]
    # The items the auditor must confirm are in the section, including the stated status.
    assert review_table.headers == ["Site", "What to check"]
    assert any(row[0] == good["site_url"] for row in review_table.rows)
    assert any(row[0] == off_site["site_url"] for row in review_table.rows)

    polish_main, polish_deductions, polish_review = polish_section.tables
    assert polish_deductions.caption == "Odliczenia od 100 punktów"
    assert "(przegląd zaległy)" in {row[0]: row for row in polish_main.rows}[bad["site_url"]][5]
    assert "33,3" in polish_section.summary


@pytest.mark.parametrize("site", UNMARKED)
def test_unmarked_elements_pass_with_warning(scanned, site):
    findings = scanned[3][site]
    unmarked = {finding["data"]["params"]["id"]: finding for finding in findings if finding["rule"] == "declaration-element-unmarked"}

    assert rules(findings, "violation") == set()
    assert set(unmarked) == {"a11y-zakres", "a11y-telefon", "a11y-komunikacja"}
    assert all(finding["outcome"] == "needs-review" for finding in unmarked.values())
    assert all(finding["impact"] == "minor" for finding in unmarked.values())
    # Each warning points at the block of text that gives the element's content.
    assert unmarked["a11y-zakres"]["targets"] == ["#a11y-wstep"]
    assert unmarked["a11y-telefon"]["targets"] == ["body > main > p:nth-of-type(5)"]
    assert unmarked["a11y-komunikacja"]["targets"] == ["body > main > p:nth-of-type(8)"]
    assert only(findings, "declaration-id-malformed")["outcome"] == "needs-review"
    assert rules(findings, "needs-review") == {
        "declaration-element-unmarked", "declaration-id-malformed", "declaration-status-compliant",
        "declaration-conditional-unknown",
    }


def test_unmarked_polish_elements_named_with_place(scanned):
    findings = scanned[3]["pl-unmarked"]
    unmarked = {finding["data"]["params"]["id"]: finding for finding in findings if finding["rule"] == "declaration-element-unmarked"}
    phone = unmarked["a11y-telefon"]["help"]

    assert phone.startswith("No element has the id a11y-telefon, but the declaration's text contains the contact phone number")
    assert 'under the heading "Informacje zwrotne i dane kontaktowe"' in phone
    assert '"Można też zadzwonić pod numer telefonu 22 345 67 89."' in phone
    assert 'with id="a11y-telefon"' in phone
    assert "ma zastosowanie do strony internetowej" in unmarked["a11y-zakres"]["help"]
    assert "pętla indukcyjna" in unmarked["a11y-komunikacja"]["help"]
    assert targets(findings, "declaration-id-malformed") == ['[id="”a11y-architektura”"]']


def test_unmarked_english_elements_named_with_place(scanned):
    findings = scanned[3]["en-unmarked"]
    unmarked = {finding["data"]["params"]["id"]: finding for finding in findings if finding["rule"] == "declaration-element-unmarked"}

    assert 'under the heading "Feedback and contact information"' in unmarked["a11y-telefon"]["help"]
    assert '"You can also call us on phone number +48 22 345 67 89."' in unmarked["a11y-telefon"]["help"]
    assert "This accessibility statement applies to the website" in unmarked["a11y-zakres"]["help"]
    assert "Sign Language interpreter" in unmarked["a11y-komunikacja"]["help"]
    assert targets(findings, "declaration-id-malformed") == ['[id="“a11y-architektura”"]']


def test_scorecard_renders_review_texts_in_its_language(scanned):
    app, base_urls, _ids, _findings = scanned
    with app.app_context():
        library = db.session.query(Institution).filter_by(slug="biblioteka").one()
        polish = build_scorecard(library, "pl")
        english = build_scorecard(library, "en")

    polish_section = next(section for plugin, section in polish.plugin_sections.sections if plugin == "declaration")
    english_section = next(section for plugin, section in english.plugin_sections.sections if plugin == "declaration")
    sites = {site["site_url"]: site for site in polish_section.data["sites"]}
    site_url = f"{base_urls['pl-unmarked']}/"
    polish_review = [row[1] for row in polish_section.tables[-1].rows if row[0] == site_url]
    english_review = [row[1] for row in english_section.tables[-1].rows if row[0] == site_url]

    # Every mandatory element counts as present: the warnings cost nothing.
    assert sites[site_url]["invalid_elements"] == []
    assert sites[site_url]["score"] == 100.0
    assert polish_section.score == 100.0
    # The scans wrote English texts; the Polish scorecard renders them again in Polish.
    assert any(text.startswith("Żaden element nie ma id a11y-telefon, ale w tekście deklaracji") for text in polish_review)
    assert any(text.startswith("Element, który miał mieć id a11y-architektura") for text in polish_review)
    assert any(text.startswith("Deklaracja pod adresem") and "strona internetowa jest zgodna (" in text for text in polish_review)
    assert any(text.startswith("No element has the id a11y-telefon") for text in english_review)
    assert not any(text.startswith("No element has") for text in polish_review)


def test_axe_plugin_missing_reported(app, browser, serve_directory, monkeypatch):
    # A None entry in sys.modules makes ``import cxaudit_axe`` raise ImportError, as if it were not installed.
    monkeypatch.setitem(sys.modules, "cxaudit_axe", None)
    base_url = serve_directory(PAGES / "pl-good")

    with app.app_context(), force_locale("en"):
        findings = audit_site_declaration(browser, f"{base_url}/", {"declaration_today": TODAY})

    not_run = [finding for finding in findings if finding.rule == "declaration-axe-not-run"]
    assert len(not_run) == 1
    assert not_run[0].outcome == "needs-review"
    assert "axe plugin is not installed" in not_run[0].help
    assert not [finding for finding in findings if finding.outcome == "violation"]


@pytest.fixture
def closed_url() -> str:
    """The address of a port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


def test_failed_load_reported_not_raised(browser, closed_url):
    page = load(browser, f"{closed_url}deklaracja-dostepnosci.html")
    assert page.failed
    assert "ERR_CONNECTION_REFUSED" in page.error


def test_home_unreachable_not_counted_missing(app, browser, closed_url):
    with app.app_context(), force_locale("en"):
        findings = audit_site_declaration(browser, closed_url, {"declaration_today": TODAY})

    assert [finding.rule for finding in findings] == ["declaration-home-unreachable"]
    assert findings[0].outcome == "needs-review"
    assert closed_url in findings[0].help
