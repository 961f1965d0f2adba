"""The declaration plugin on a real public body's site from the corpus (zp-lubaczow).

The site's declaration is a saved copy of the gov.pl sample page. Its two
analytics scripts load from google.com, so the test serves a copy of the site
without them: tests send no request beyond 127.0.0.1. The page's other CSS and
scripts use gov.pl root paths that are absent here and fail to load, as they
would for any copy of the page.
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading

import pytest
from conftest import _QuietHandler  # the UTF-8 static handler behind the serve_directory fixture

from cxaudit.app import create_app
from cxaudit.database import upgrade_database
from cxaudit.extensions import db
from cxaudit.models import Scan, ScanStatus
from cxaudit.scan.runner import create_scan, run_stored_scan

pytestmark = [pytest.mark.browser, pytest.mark.corpus]

TODAY = "2026-12-04"
EXTERNAL_SCRIPT = re.compile(r'<script[^>]*\bsrc="https?://[^"]*"[^>]*>\s*</script>')
# Element rules that make a mandatory element count as absent or invalid.
ELEMENT_RULES = {
    "declaration-element-missing", "declaration-id-malformed", "declaration-element-empty", "declaration-date-invalid",
    "declaration-status-invalid", "declaration-email-invalid", "declaration-phone-invalid",
}


@pytest.fixture(scope="module")
def lubaczow(corpus, browser_config, tmp_path_factory):
    """Scan the home page and the declaration page of the copied site once each."""
    folder = tmp_path_factory.mktemp("lubaczow")
    site = folder / "site"
    shutil.copytree(corpus / "zp-lubaczow" / "site", site)
    declaration = site / "deklaracja-dostepnosci.html"
    declaration.chmod(0o644)
    declaration.write_text(EXTERNAL_SCRIPT.sub("", declaration.read_text(encoding="utf-8")), encoding="utf-8")

    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base_url = f"http://127.0.0.1:{server.server_port}"

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
    results = {}
    with app.app_context():
        upgrade_database()
        for name, path in (("home", "/"), ("declaration", "/deklaracja-dostepnosci.html")):
            scan_id = create_scan(f"{base_url}{path}", 1, {"declaration_today": TODAY}).id
            run_stored_scan(scan_id)
            scan = db.session.get(Scan, scan_id)
            assert scan.status == ScanStatus.FINISHED, scan.error
            results[name] = [finding for page in scan.pages for finding in page.findings if finding.plugin == "declaration"]
            db.session.expunge_all()

    yield base_url, results

    server.shutdown()
    server.server_close()
    with app.app_context():
        db.engine.dispose()


def by_rule(findings, rule):
    return [finding for finding in findings if finding.rule == rule]


def test_home_page_links_off_site(lubaczow):
    _base_url, results = lubaczow
    home = results["home"]

    # The home page links to the declaration on the school's other domain, under
    # the title "Deklaracja zgodnosci" and with no link text.
    assert {finding.rule for finding in home} == {"declaration-link-name", "declaration-meta-missing", "declaration-off-site"}
    link_name = by_rule(home, "declaration-link-name")[0]
    assert link_name.targets == ['a[href="https://sosw.zplubaczow.com/deklaracja-dostepnosci"]']
    assert '"Deklaracja zgodnosci"' in link_name.help
    assert by_rule(home, "declaration-off-site")[0].help_url == "https://sosw.zplubaczow.com/deklaracja-dostepnosci"


def test_sample_declaration_elements(lubaczow):
    _base_url, results = lubaczow
    findings = results["declaration"]
    invalid = {
        element_id
        for finding in findings
        if finding.rule in ELEMENT_RULES and finding.outcome == "violation"
        for target in finding.targets
        for element_id in re.findall(r"a11y-[a-z-]+", target)
    }
    unmarked = {finding.data["params"]["id"]: finding for finding in by_rule(findings, "declaration-element-unmarked")}

    # The saved sample lacks three ids of version 2.0 and writes one with typographic quotes,
    # yet its text gives all four elements: every mandatory check passes, with warnings.
    assert invalid == set()
    assert set(unmarked) == {"a11y-zakres", "a11y-telefon", "a11y-komunikacja"}
    assert {finding.outcome for finding in unmarked.values()} == {"needs-review"}
    assert [finding.targets for finding in by_rule(findings, "declaration-id-malformed")] == [['[id="”a11y-architektura”"]']]
    assert by_rule(findings, "declaration-id-malformed")[0].outcome == "needs-review"
    assert not by_rule(findings, "declaration-element-missing")


def test_sample_declaration_unmarked_places(lubaczow):
    _base_url, results = lubaczow
    unmarked = {finding.data["params"]["id"]: finding for finding in by_rule(results["declaration"], "declaration-element-unmarked")}

    # The scope is the second sentence of the opening paragraph.
    assert unmarked["a11y-zakres"].targets == ["#a11y-wstep"]
    assert unmarked["a11y-zakres"].data["params"]["excerpt"] == (
        "Oświadczenie w sprawie dostępności ma zastosowanie do strony internetowej Zespołu Placówek im. Jana Pawła II "
        "w Lubaczowie."
    )
    # The phone number is in the paragraph after the heading "Informacje zwrotne i dane kontaktowe".
    phone = unmarked["a11y-telefon"].data["params"]
    assert phone["heading"] == "Informacje zwrotne i dane kontaktowe"
    assert phone["excerpt"] == "Kontaktować można się także dzwoniąc pod numer telefonu: 16 632 10 88."
    # Induction loops are mentioned in the architecture section.
    assert "pętli indukcyjnych" in unmarked["a11y-komunikacja"].data["params"]["excerpt"]
    assert 'with id="a11y-komunikacja"' in unmarked["a11y-komunikacja"].help


def test_sample_declaration_content_checks(lubaczow):
    _base_url, results = lubaczow
    findings = results["declaration"]
    rules = {finding.rule for finding in findings}

    # Status, its list, the e-mail and the whole procedure (7 days, 2 months, Ombudsman) pass.
    assert "declaration-status-partial" in rules
    assert not rules & {
        "declaration-status-invalid", "declaration-inaccessible-content-missing", "declaration-email-invalid",
        "declaration-procedure-incomplete", "declaration-date-invalid",
    }
    # Dates are given as text such as "01.10.2008r.", so they are read but flagged.
    assert sorted(target for finding in by_rule(findings, "declaration-date-format") for target in finding.targets) == [
        "#a11y-data-aktualizacja", "#a11y-data-publikacja", "#a11y-data-sporzadzenie",
    ]
    summary = by_rule(findings, "declaration-status-partial")[0]
    assert '#a11y-data-publikacja time[datetime="2008-10-01"]' in summary.targets
    assert '#a11y-data-sporzadzenie time[datetime="2021-03-23"]' in summary.targets
    # Prepared in March 2021 and never reviewed since.
    assert "declaration-review-overdue" in rules
    assert [finding.targets for finding in by_rule(findings, "declaration-conditional-missing")] == [["#a11y-data-przeglad"]]
    assert [finding.targets for finding in by_rule(findings, "declaration-id-duplicate")] == [["#a11y-email"]]


def test_sample_declaration_axe(lubaczow):
    _base_url, results = lubaczow
    axe = by_rule(results["declaration"], "declaration-axe-violations")
    # <strong> elements wrap list items, so the lists are malformed.
    assert len(axe) == 1
    assert "list" in axe[0].help
    assert "listitem" in axe[0].help
