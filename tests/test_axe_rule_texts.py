"""axe-core rule descriptions in the reader's language, translated by rule id when shown."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from flask_babel import force_locale

from accounts import sign_in
from cxaudit.extensions import db
from cxaudit.models import Scan
from cxaudit.scan.export import export_scan
from cxaudit.scan.export_csv import export_csv
from cxaudit.scorecard.data import build_scorecard
from cxaudit.scorecard.render import render_html
from cxaudit_axe.bundle import AXE_SCRIPT
from cxaudit_axe.selection import DEFAULT_TAGS
from cxaudit_axe.rule_texts import RULE_HELP
from scan_rows import add_scan, add_site, violation

PAGES = Path(__file__).parent / "pages" / "axe_rules"
# Best-practice rules (outside the WCAG tags the scan runs) that must have texts as well.
COMMON_BEST_PRACTICE = (
    "region", "landmark-one-main", "landmark-unique", "page-has-heading-one", "heading-order",
    "empty-heading", "image-redundant-alt", "skip-link", "tabindex", "aria-allowed-role",
    "aria-dialog-name", "label-title-only", "meta-viewport-large", "landmark-no-duplicate-banner",
    "landmark-no-duplicate-contentinfo", "landmark-complementary-is-top-level", "empty-table-header",
)
IMAGE_ALT_PL = "Każdy obraz musi mieć tekst alternatywny; obraz czysto dekoracyjny – pusty atrybut alt"
IMAGE_ALT_EN = "Give every image a text alternative, or an empty alt when it only decorates"


def bundled_rule_ids(browser, serve_directory, tags: list[str]) -> set[str]:
    """Ask the bundled axe-core, loaded in Chromium, for the ids of its rules with ``tags``."""
    browser.get(f"{serve_directory(PAGES)}/index.html")
    browser.execute_script(AXE_SCRIPT.read_text(encoding="utf-8"))
    return set(browser.execute_script("return axe.getRules(arguments[0]).map(rule => rule.ruleId);", tags))


def test_every_scanned_rule_has_a_polish_text(app, browser, serve_directory):
    rules = bundled_rule_ids(browser, serve_directory, list(DEFAULT_TAGS)) | set(COMMON_BEST_PRACTICE)
    assert len(rules) > 60

    missing = sorted(rules - set(RULE_HELP))
    with app.test_request_context():
        with force_locale("en"):
            english = {rule: str(text) for rule, text in RULE_HELP.items()}
        with force_locale("pl"):
            untranslated = sorted(rule for rule, text in RULE_HELP.items() if str(text) == english[rule])

    assert missing == []
    assert untranslated == []


def test_scorecard_shows_rule_text_in_its_language(app, scan_id):
    with app.test_request_context():
        institution = db.session.get(Scan, scan_id).site.institution
        polish = render_html(build_scorecard(institution, "pl"))
        data = build_scorecard(institution, "en").to_dict()

    assert IMAGE_ALT_PL in polish
    assert "Images must have alternative text" not in polish
    assert data["accessibility"]["top_rules"][0]["help"] == IMAGE_ALT_EN


@pytest.fixture
def scan_id(app):
    with app.app_context():
        site = add_site("http://127.0.0.1:9/", slug="planetarium")
        scan = add_scan(
            site,
            {
                "http://127.0.0.1:9/": [
                    violation("image-alt", ["#logo"], "critical", help="Images must have alternative text"),
                    violation("rule-from-the-future", ["#x"], "minor", help="A rule cxaudit does not know yet"),
                ]
            },
        )
        return scan.id


def test_scan_page_shows_polish_rule_text(app, client, scan_id):
    sign_in(app, client)

    polish = client.get(f"/scans/{scan_id}?lang=pl").get_data(as_text=True)
    english = client.get(f"/scans/{scan_id}?lang=en").get_data(as_text=True)

    assert IMAGE_ALT_PL in polish
    assert "Images must have alternative text" not in polish
    assert "A rule cxaudit does not know yet" in polish
    assert IMAGE_ALT_EN in english


def test_exports_use_the_request_language(app, scan_id):
    with app.test_request_context("/?lang=pl"):
        scan = db.session.get(Scan, scan_id)
        findings = export_scan(scan)["pages"][0]["findings"]
        rows = list(csv.DictReader(io.StringIO(export_csv(scan))))

    assert [finding["help"] for finding in findings] == [IMAGE_ALT_PL, "A rule cxaudit does not know yet"]
    assert rows[0]["help"] == IMAGE_ALT_PL
