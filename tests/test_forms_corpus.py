"""The forms audit on the real pages of the Niebo Kopernika corpus site.

The expected findings come from reading the pages. Every page but the home
page has a search form with no label in its header. The contact form
(kontakt.html) has four labels, one of them pointing at a missing id, and a
CAPTCHA image. The newsletter form and two event registration forms say
"all fields are required" only in text. Run with CXAUDIT_CORPUS set.
"""

from __future__ import annotations

import functools
import http.server
import threading

import pytest

from accounts import sign_in
from cxaudit.app import create_app
from cxaudit.database import upgrade_database
from cxaudit.extensions import db
from cxaudit.models import Institution, Scan, ScanStatus, Site
from cxaudit.scan.runner import create_scan, run_stored_scan
from cxaudit.scorecard.data import build_scorecard
from cxaudit.scorecard.render import render_html
from cxaudit_forms.kinds import parse_form_label

pytestmark = pytest.mark.browser

SEARCH = "#top > form"
MAIN = "#content > div > div > div:nth-of-type(1) > form"
SEARCH_RULES = {"forms-field-no-name", "forms-label-not-visible", "forms-not-https", "forms-focus-not-visible"}
# What every sign-up form of the site shares: text inputs with no
# autocomplete, an e-mail field of type text, "Wszystkie pola są wymagane"
# with no required attribute, no privacy notice, plain HTTP, outline: 0.
SIGN_UP_RULES = {"forms-autocomplete-missing", "forms-email-type", "forms-required-not-programmatic",
                 "forms-privacy-notice-missing", "forms-not-https", "forms-focus-not-visible",
                 "forms-errors-not-tested"}
OTHER_RULES = {"forms-field-no-name", "forms-label-not-visible", "forms-autocomplete-missing",
               "forms-privacy-notice-missing", "forms-not-https", "forms-focus-not-visible", "forms-errors-not-tested"}
ROUTE = MAIN
COMMENT = MAIN
EXPECTED = {
    "kontakt.html": {
        SEARCH: SEARCH_RULES,
        # "Kod z obrazka" is <label for="surname">, a missing id, so the CAPTCHA field has no label.
        MAIN: SIGN_UP_RULES | {"forms-field-no-name", "forms-label-wrong-target", "forms-captcha-no-alternative",
                               "forms-contact-no-email-link", "forms-contact-no-phone-link",
                               "forms-contact-no-hours", "forms-contact-no-reply-time"},
    },
    "newsletter.html": {SEARCH: SEARCH_RULES, MAIN: SIGN_UP_RULES},
    # The date radios sit in the form's one fieldset, which has no legend.
    "event-koncert.html": {SEARCH: SEARCH_RULES, MAIN: SIGN_UP_RULES | {"forms-group-unnamed"}},
    # "Województwo" and "Miejscowość" are <label for="email">: the select and the city field have no name.
    "event-policz.html": {SEARCH: SEARCH_RULES, MAIN: SIGN_UP_RULES | {"forms-group-unnamed", "forms-field-no-name",
                                                                      "forms-label-wrong-target"}},
    "index.html": {},
    # A route planner and a comment form: "other", with the visitor's street or name but no label.
    "jak-trafic-01.html": {SEARCH: SEARCH_RULES, ROUTE: OTHER_RULES},
    "repertuar-show.html": {SEARCH: SEARCH_RULES, COMMENT: OTHER_RULES},
}
KINDS = {("kontakt.html", MAIN): "contact", ("newsletter.html", MAIN): "newsletter",
         ("event-koncert.html", MAIN): "booking", ("event-policz.html", MAIN): "booking",
         ("kontakt.html", SEARCH): "search", ("jak-trafic-01.html", ROUTE): "other",
         ("repertuar-show.html", COMMENT): "other"}


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".html": "text/html; charset=utf-8"}

    def log_message(self, format, *args):  # noqa: A002 - signature fixed by http.server
        pass


@pytest.fixture(scope="module")
def corpus_site(corpus):
    site = corpus / "niebo-kopernika" / "site"
    if not site.is_dir():
        pytest.skip(f"{site} is missing from the corpus")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def scanned(tmp_path_factory, browser_config, corpus_site):
    """One scan of the whole corpus site, registered to an institution; returns the app and the scan id."""
    tmp_path = tmp_path_factory.mktemp("forms-corpus")
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cxaudit.db'}",
        "HUEY_SQLITE_PATH": str(tmp_path / "jobs.db"),
        "DEFAULT_LANGUAGE": "en",
        "ENABLED_PLUGINS": ["forms"],
        **browser_config,
    })
    with app.app_context():
        upgrade_database()
        institution = Institution(slug="niebo", name="Niebo Kopernika", default_language="en")
        db.session.add(institution)
        db.session.add(Site(institution=institution, base_url=f"{corpus_site}/"))
        db.session.commit()
        scan_id = create_scan(f"{corpus_site}/index.html", 30).id
        run_stored_scan(scan_id)
    yield app, scan_id
    with app.app_context():
        db.engine.dispose()


def forms_by_page(app, scan_id) -> dict[str, dict[str, set[str]]]:
    with app.app_context():
        scan = db.session.get(Scan, scan_id)
        assert scan.status == ScanStatus.FINISHED
        pages = {}
        for page in scan.pages:
            assert page.audit_errors == [], page.audit_errors
            forms: dict[str, set[str]] = {}
            for finding in page.findings:
                if finding.outcome != "inventory":
                    forms.setdefault(finding.targets[0], set()).add(finding.rule)
            pages[page.url.rsplit("/", 1)[1]] = forms
        return pages


def test_every_page_was_scanned(scanned):
    pages = forms_by_page(*scanned)
    assert len(pages) == 19


@pytest.mark.parametrize("page", sorted(EXPECTED))
def test_forms_pages(scanned, page):
    assert forms_by_page(*scanned)[page] == EXPECTED[page]


def test_search_form_on_every_other_page(scanned):
    pages = forms_by_page(*scanned)
    others = {name: forms for name, forms in pages.items() if name not in EXPECTED}
    assert len(others) == 12
    assert all(forms == {SEARCH: SEARCH_RULES} for forms in others.values())


def test_fields_named_in_findings(scanned):
    app, scan_id = scanned
    with app.app_context():
        scan = db.session.get(Scan, scan_id)
        found = {(page.url.rsplit("/", 1)[1], finding.targets[0], finding.rule): finding
                 for page in scan.pages for finding in page.findings}
        captcha = found[("kontakt.html", MAIN, "forms-captcha-no-alternative")]
        assert captcha.targets == [MAIN, "#captcha-img"]
        assert found[("kontakt.html", MAIN, "forms-field-no-name")].targets == [MAIN, "#captcha"]
        assert found[("kontakt.html", SEARCH, "forms-field-no-name")].targets == [SEARCH, "#search"]
        no_name = found[("event-policz.html", MAIN, "forms-field-no-name")]
        assert no_name.targets[-1] == "#city"
        assert no_name.targets[1].endswith("> select")
        assert found[("event-policz.html", MAIN, "forms-autocomplete-missing")].count == 5
        assert found[("event-koncert.html", MAIN, "forms-required-not-programmatic")].count == 9
        assert found[("event-koncert.html", MAIN, "forms-group-unnamed")].targets == [MAIN, "#t1", "#t2", "#t3", "#t4"]
        wrong = found[("kontakt.html", MAIN, "forms-label-wrong-target")]
        assert wrong.targets == [MAIN, "#captcha"]
        assert 'The label "Kod z obrazka" points to #surname, which does not exist' in wrong.help
        assert '"Kod z obrazka"' in found[("kontakt.html", MAIN, "forms-field-no-name")].help
        assert '"Wybierz termin pokazu"' in found[("event-koncert.html", MAIN, "forms-group-unnamed")].help
        for (page, form, _rule), finding in found.items():
            if (page, form) in KINDS:
                assert parse_form_label(finding.help)[1] == KINDS[(page, form)]
                assert finding.data["form"]["kind"] == KINDS[(page, form)]


def test_scorecard_lists_each_form_with_its_score(scanned):
    app, _scan_id = scanned
    with app.app_context():
        institution = db.session.query(Institution).filter_by(slug="niebo").one()
        scorecard = build_scorecard(institution, "en")
        html = render_html(scorecard)
    section = next(item for item in scorecard.to_dict()["sections"] if item["key"] == "forms")
    rows = {(row[0].rsplit("/", 1)[1], row[2]): row for row in section["tables"][0]["rows"]}
    # The search form loses 25 (no name) + 15 (no label) + 15 (focus) + 3 (HTTP for a search) = 58.
    assert rows[("kontakt.html", "search")][3] == "42"
    # 15 + 8 + 15 + 8 + 15 + 15 for the shared problems, 8 more for the ungrouped dates.
    assert rows[("newsletter.html", "newsletter")][3] == "24"
    assert rows[("event-koncert.html", "booking or ticket")][3] == "16"
    assert rows[("kontakt.html", "contact")][3] == "0"
    assert rows[("kontakt.html", "contact")][4].startswith("fields without a name, CAPTCHA without alternative")
    # Distinct forms: search 42 (counted once for its 18 pages), contact 0, newsletter 24,
    # concert 16, counting stars 0, route planner 7, comments 7: 96 / 7.
    assert section["score"] == pytest.approx(13.7)
    assert section["tables"][1]["rows"][0][1:] == ["24", "14"]
    assert "Forms by page" in html


def test_polish_scorecard_names_the_website(scanned):
    app, _scan_id = scanned
    with app.app_context():
        institution = db.session.query(Institution).filter_by(slug="niebo").one()
        site_url = institution.sites[0].base_url
        scorecard = build_scorecard(institution, "pl")
    section = next(item for item in scorecard.to_dict()["sections"] if item["key"] == "forms")
    assert section["tables"][0]["headers"][0] == "Strona"
    assert section["tables"][1]["headers"][0] == "Witryna"
    assert section["tables"][1]["rows"][0] == [site_url, "24", "14"]


def test_results_page_and_json_show_the_help(scanned):
    app, scan_id = scanned
    client = app.test_client()
    sign_in(app, client, login="forms-auditor")

    page = client.get(f"/scans/{scan_id}?lang=en").get_data(as_text=True)
    assert "forms-captcha-no-alternative" in page
    assert "The contact page has no e-mail link (mailto:)." in page
    exported = client.get(f"/scans/{scan_id}.json").get_json()
    assert "forms-contact-no-hours" in str(exported)
