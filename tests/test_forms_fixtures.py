"""The forms audit over its own Polish and English fixture pages, in real headless Chromium.

Each check has a page that passes it (good-contact-*) and one that fails it
(bad-contact-* and the others), in both languages. One scan runs without
submissions and one with ``allow_submit`` in the scan's settings.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections import defaultdict
from pathlib import Path

import pytest

from cxaudit.app import create_app
from cxaudit.database import upgrade_database
from cxaudit.extensions import db
from cxaudit.models import Institution, Scan, ScanStatus, Site
from cxaudit.scan.runner import create_scan, run_stored_scan
from cxaudit_forms.kinds import parse_form_label

pytestmark = pytest.mark.browser

PAGES = Path(__file__).parent / "pages" / "forms"

NOT_TESTED = "forms-errors-not-tested"
HTTP = "forms-not-https"
# Every check the bad contact pages fail without submitting, in either language.
BAD_CONTACT_RULES = {
    "forms-field-no-name", "forms-label-not-visible", "forms-label-not-in-name", "forms-group-unnamed",
    "forms-autocomplete-missing", "forms-autocomplete-invalid", "forms-email-type",
    "forms-required-not-programmatic", "forms-required-not-visible", "forms-required-asterisk-unexplained",
    "forms-positive-tabindex", "forms-keyboard-unreachable", "forms-focus-order", "forms-focus-not-visible",
    "forms-paste-blocked", "forms-captcha-no-alternative", "forms-consent-prechecked",
    "forms-privacy-notice-missing", HTTP, "forms-too-many-fields", "forms-contact-no-email-link",
    "forms-contact-no-phone-link", "forms-contact-no-hours", "forms-contact-no-reply-time", NOT_TESTED,
}
BAD_ERROR_RULES = {"forms-error-not-linked", "forms-error-no-suggestion", "forms-error-not-announced",
                   "forms-error-values-lost"}


class RecordingHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the fixture folder and remembers every path asked for, to prove what was (not) submitted."""

    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".html": "text/html; charset=utf-8",
        ".js": "text/javascript; charset=utf-8",
    }
    requests: list[str]

    def do_GET(self):  # noqa: N802 - name fixed by http.server
        self.requests.append(f"GET {self.path}")
        super().do_GET()

    def do_POST(self):  # noqa: N802 - name fixed by http.server
        self.requests.append(f"POST {self.path}")
        self.send_error(405)

    def log_message(self, format, *args):  # noqa: A002 - signature fixed by http.server
        pass


@pytest.fixture(scope="module")
def fixture_site():
    """The fixture pages on 127.0.0.1, with the list of requests the server received."""
    requests: list[str] = []
    handler = type("Handler", (RecordingHandler,), {"requests": requests})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(PAGES)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", requests
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def forms_app(tmp_path_factory, browser_config):
    tmp_path = tmp_path_factory.mktemp("forms-app")
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
    yield app
    with app.app_context():
        db.engine.dispose()


def scan_site(app, url: str, allow_submit: bool = False) -> dict[str, dict[str, list]]:
    """Scan from ``url``; return each page path's findings grouped by form selector."""
    with app.app_context():
        scan_id = create_scan(url, 30, allow_submit=allow_submit).id
        run_stored_scan(scan_id)
        scan = db.session.get(Scan, scan_id)
        assert scan.status == ScanStatus.FINISHED
        base = url.rsplit("/", 1)[0]
        pages: dict[str, dict[str, list]] = {}
        for page in scan.pages:
            assert page.audit_errors == [], page.audit_errors
            forms = defaultdict(list)
            for finding in page.findings:
                forms[finding.targets[0]].append(finding)
            pages[page.url.removeprefix(base)] = dict(forms)
        db.session.expunge_all()
        return pages


def rules(findings) -> set[str]:
    """The rules a form failed or left to review; its inventory record is not a result."""
    return {finding.rule for finding in findings if finding.outcome != "inventory"}


def inventory(findings):
    records = [finding for finding in findings if finding.outcome == "inventory"]
    assert len(records) == 1, records
    return records[0]


@pytest.fixture(scope="module")
def registered_site(forms_app, fixture_site):
    """Register the fixture site with submissions allowed in its own settings (the second key the core checks)."""
    base, _requests = fixture_site
    with forms_app.app_context():
        institution = Institution(slug="forms-fixtures", name="Forms fixtures", default_language="en")
        db.session.add(institution)
        db.session.add(Site(institution=institution, base_url=f"{base}/", settings={"allow_submit": True}))
        db.session.commit()
    return base


@pytest.fixture(scope="module")
def plain_scan(forms_app, fixture_site, registered_site):
    # The site allows submissions but this scan does not ask for them.
    base, requests = fixture_site
    pages = scan_site(forms_app, f"{base}/index.html")
    return pages, list(requests)


@pytest.fixture(scope="module")
def submit_scan(forms_app, fixture_site, plain_scan):
    base, requests = fixture_site
    before = len(requests)
    pages = scan_site(forms_app, f"{base}/index.html", allow_submit=True)
    return pages, requests[before:]


def test_good_contact_pages_pass_every_check_but_https(plain_scan):
    pages, _requests = plain_scan
    assert list(pages["/good-contact-en.html"]) == ["#contact-form"]
    assert rules(pages["/good-contact-en.html"]["#contact-form"]) == {HTTP, NOT_TESTED}
    assert rules(pages["/good-contact-pl.html"]["#formularz-kontaktowy"]) == {HTTP, NOT_TESTED}
    assert list(pages["/good-contact-pl.html"]) == ["#formularz-kontaktowy"]


@pytest.mark.parametrize("path, form", [("/bad-contact-en.html", "#contact"), ("/bad-contact-pl.html", "#kontakt")])
def test_bad_contact_pages_fail_every_check(plain_scan, path, form):
    pages, _requests = plain_scan
    assert list(pages[path]) == [form]
    assert rules(pages[path][form]) == BAD_CONTACT_RULES


def test_findings_name_the_fields_and_the_criteria(plain_scan):
    pages, _requests = plain_scan
    by_rule = {finding.rule: finding for finding in pages["/bad-contact-en.html"]["#contact"]}

    assert by_rule["forms-keyboard-unreachable"].targets == ["#contact", "#topic"]
    assert by_rule["forms-keyboard-unreachable"].wcag == ["2.1.1"]
    assert by_rule["forms-label-not-in-name"].targets == ["#contact", "#mail"]
    assert by_rule["forms-label-not-in-name"].wcag == ["2.5.3"]
    assert by_rule["forms-autocomplete-invalid"].targets == ["#contact", "#phone"]
    assert '"telephone"' in by_rule["forms-autocomplete-invalid"].help
    assert by_rule["forms-paste-blocked"].targets == ["#contact", "#msg"]
    assert by_rule["forms-positive-tabindex"].targets == ["#contact", "#reference"]
    assert by_rule["forms-too-many-fields"].count == 12
    assert "RODO/GDPR art. 7" in by_rule["forms-consent-prechecked"].help
    assert "RODO/GDPR art. 13" in by_rule["forms-privacy-notice-missing"].help
    assert "Baymard" in by_rule["forms-too-many-fields"].help
    assert by_rule["forms-captcha-no-alternative"].wcag == ["1.1.1"]
    assert by_rule["forms-captcha-no-alternative"].targets == ["#contact", "#captcha-image"]
    assert by_rule["forms-focus-not-visible"].wcag == ["2.4.7"]
    assert all(finding.help.startswith("Form 1 (contact): ") for finding in by_rule.values())


def test_submit_control_without_keyboard_access(plain_scan):
    pages, _requests = plain_scan
    by_rule = {finding.rule: finding for finding in pages["/bad-contact-pl.html"]["#kontakt"]}
    # The Polish page sends with a <div role="button">, which Tab never reaches.
    assert by_rule["forms-keyboard-unreachable"].targets == ["#kontakt", "#temat", "#wyslij"]
    assert "\"the submit button\"" in by_rule["forms-keyboard-unreachable"].help


def test_polish_scan_settings_write_polish_help(forms_app, fixture_site):
    base, _requests = fixture_site
    with forms_app.app_context():
        scan_id = create_scan(f"{base}/newsletter-pl.html", 1, settings={"language": "pl"}).id
        run_stored_scan(scan_id)
        findings = db.session.get(Scan, scan_id).pages[0].findings
        helps = {finding.rule: finding.help for finding in findings}
        # The scorecard reads the form back from help written in either language.
        assert parse_form_label(helps["forms-email-type"]) == (1, "newsletter")
    assert helps["forms-consent-prechecked"].startswith("Formularz 1 (newsletter): Zgoda zaznaczona z góry")


@pytest.mark.parametrize("path, expected", [
    ("/newsletter-en.html", {"#newsletter": {HTTP, NOT_TESTED}}),
    ("/newsletter-pl.html", {"#newsletter": {"forms-email-type", "forms-consent-prechecked",
                                             "forms-privacy-notice-missing", HTTP, NOT_TESTED}}),
    ("/booking-en.html", {"#booking": {"forms-too-many-fields", "forms-captcha-review", HTTP, NOT_TESTED}}),
    ("/booking-pl.html", {"#rezerwacja": {"forms-too-many-fields", HTTP, NOT_TESTED}}),
    ("/search-pl.html", {"#szukaj": {HTTP}, "#zapis-newsletter": {"forms-privacy-notice-missing", HTTP, NOT_TESTED}}),
    ("/login-en.html", {"#login": {"forms-required-not-visible", "forms-paste-blocked", HTTP, NOT_TESTED}}),
    ("/feedback-en.html", {"#feedback": {HTTP, NOT_TESTED}}),
    ("/index.html", {}),
])
def test_other_pages(plain_scan, path, expected):
    pages, _requests = plain_scan
    assert {form: rules(findings) for form, findings in pages[path].items()} == expected


@pytest.mark.parametrize("path, form, kind", [
    ("/good-contact-pl.html", "#formularz-kontaktowy", "contact"),
    ("/newsletter-pl.html", "#newsletter", "newsletter"),
    ("/newsletter-en.html", "#newsletter", "newsletter"),
    ("/booking-en.html", "#booking", "booking"),
    ("/booking-pl.html", "#rezerwacja", "booking"),
    ("/search-pl.html", "#szukaj", "search"),
    ("/search-pl.html", "#zapis-newsletter", "newsletter"),
    ("/login-en.html", "#login", "login"),
    ("/feedback-en.html", "#feedback", "other"),
])
def test_forms_are_classified(forms_app, plain_scan, path, form, kind):
    pages, _requests = plain_scan
    with forms_app.app_context():
        labels = {parse_form_label(finding.help) for finding in pages[path][form]}
    assert {found_kind for _position, found_kind in labels} == {kind}
    # Every finding of the form also carries its kind as data, which the scorecard reads.
    assert {finding.data["form"]["kind"] for finding in pages[path][form]} == {kind}


def test_every_form_has_an_inventory_record(plain_scan):
    pages, _requests = plain_scan
    search = inventory(pages["/search-pl.html"]["#szukaj"])
    newsletter = inventory(pages["/search-pl.html"]["#zapis-newsletter"])

    assert (search.rule, search.impact, search.targets) == ("forms-form", None, ["#szukaj"])
    assert search.data == {"form": {"position": 1, "kind": "search", "selector": "#szukaj", "fields": 1}}
    assert newsletter.data["form"]["position"] == 2
    assert newsletter.help == "Form 2 (newsletter): 1 field to fill in."
    # The record is not a result: the forms' violations are exactly those of test_other_pages.
    assert rules(pages["/search-pl.html"]["#szukaj"]) == {HTTP}


def test_findings_carry_the_fields_as_data(plain_scan):
    pages, _requests = plain_scan
    by_rule = {finding.rule: finding for finding in pages["/bad-contact-en.html"]["#contact"]}
    assert by_rule["forms-label-not-in-name"].data["fields"] == [{"name": "mail", "label": "E-mail"}]
    assert by_rule["forms-label-not-in-name"].data["form"]["kind"] == "contact"
    assert by_rule["forms-focus-order"].data["fields"] == []


def test_severity_of_https_depends_on_the_data(plain_scan):
    pages, _requests = plain_scan
    search = next(f for f in pages["/search-pl.html"]["#szukaj"] if f.rule == HTTP)
    login = next(f for f in pages["/login-en.html"]["#login"] if f.rule == HTTP)
    booking = next(f for f in pages["/booking-en.html"]["#booking"] if f.rule == "forms-too-many-fields")
    booking_pl = next(f for f in pages["/booking-pl.html"]["#rezerwacja"] if f.rule == "forms-too-many-fields")
    assert (search.impact, login.impact) == ("minor", "serious")
    # 10 fields: above the achievable 8, below the average 11: a person decides.
    assert (booking.outcome, booking.count) == ("needs-review", 10)
    assert (booking_pl.outcome, booking_pl.count) == ("violation", 12)


def test_nothing_is_submitted_without_allow_submit(plain_scan):
    _pages, requests = plain_scan
    assert not [request for request in requests if request.startswith("POST") or "thanks.html" in request
                or "signed-in.html" in request or "?" in request]


def test_error_handling_when_submissions_are_allowed(submit_scan):
    pages, _requests = submit_scan

    def error_rules(path, form):
        return {rule for rule in rules(pages[path][form]) if rule.startswith("forms-error-")}

    assert error_rules("/good-contact-en.html", "#contact-form") == set()
    assert error_rules("/good-contact-pl.html", "#formularz-kontaktowy") == set()
    assert error_rules("/bad-contact-en.html", "#contact") == BAD_ERROR_RULES
    assert error_rules("/bad-contact-pl.html", "#kontakt") == BAD_ERROR_RULES
    assert error_rules("/newsletter-en.html", "#newsletter") == {"forms-error-not-shown"}
    assert error_rules("/feedback-en.html", "#feedback") == {"forms-error-not-shown"}
    assert error_rules("/login-en.html", "#login") == {"forms-error-browser-only"}
    # The feedback form lands on a page without errors: the wording says what was sent.
    shown = next(f for f in pages["/feedback-en.html"]["#feedback"] if f.rule == "forms-error-not-shown")
    assert "only the first text field filled in (\"Your opinion of the exhibition\")" in shown.help
    # The server answers the friends form's POST with 405: that is not the form's own error handling.
    assert error_rules("/unsupported-en.html", "#friends") == set()
    refused = next(f for f in pages["/unsupported-en.html"]["#friends"] if f.rule == "forms-submit-http-error")
    assert refused.outcome == "needs-review"
    assert "answered with the HTTP error 405" in refused.help
    assert "/join" in refused.help
    # The rest of the results do not change when the page is reloaded after a submission.
    assert rules(pages["/bad-contact-en.html"]["#contact"]) == BAD_CONTACT_RULES - {NOT_TESTED} | BAD_ERROR_RULES


def test_allowed_submission_really_sends_the_form(submit_scan):
    _pages, requests = submit_scan
    assert any(request.startswith("GET /thanks.html?opinion=") for request in requests)


def test_labels_wired_to_the_wrong_field_in_polish(forms_app, fixture_site):
    base, _requests = fixture_site
    with forms_app.app_context():
        scan_id = create_scan(f"{base}/miswired-pl.html", 1, settings={"language": "pl"}).id
        run_stored_scan(scan_id)
        findings = db.session.get(Scan, scan_id).pages[0].findings
        found = [(finding.rule, finding.targets, finding.help) for finding in findings]
    wrong = {tuple(targets): text for rule, targets, text in found if rule == "forms-label-wrong-target"}
    assert set(wrong) == {("#zapisy", "#captcha"), ("#zapisy", "#city")}
    assert "Etykieta „Kod z obrazka” wskazuje na #surname, a taki element nie istnieje" in wrong[("#zapisy", "#captcha")]
    assert 'for="captcha"' in wrong[("#zapisy", "#captcha")]
    assert "Etykieta „Miejscowość” wskazuje na #imie, czyli inne pole" in wrong[("#zapisy", "#city")]
    helps = {rule: text for rule, _targets, text in found}
    # The visitor sees a label, so the finding is not "no visible label"; the fields are named as seen.
    assert "forms-label-not-visible" not in helps
    assert "Pola bez nazwy dostępnej: „Kod z obrazka”, „Miejscowość”." in helps["forms-field-no-name"]
    assert "Opcje bez nazwanej grupy: „Wybierz termin pokazu”." in helps["forms-group-unnamed"]


def test_unlinked_errors_named_by_label_with_plural(forms_app, fixture_site):
    base, _requests = fixture_site
    with forms_app.app_context():
        scan_id = create_scan(f"{base}/unlinked-errors-pl.html", 1, settings={"language": "pl"}, allow_submit=True).id
        run_stored_scan(scan_id)
        findings = db.session.get(Scan, scan_id).pages[0].findings
        unlinked = {finding.targets[0]: finding for finding in findings if finding.rule == "forms-error-not-linked"}
    # The first text field gets a sample, so one field of the card form and two of the catalogue form stay empty.
    assert unlinked["#karta"].targets == ["#karta", "#numer"]
    assert "Komunikat o błędzie nie jest powiązany z polem „Numer karty”" in unlinked["#karta"].help
    assert unlinked["#katalog"].targets == ["#katalog", "#ulica", "#miasto"]
    assert "Komunikaty o błędach nie są powiązane z polami „Ulica i numer domu”, „Miejscowość”" in unlinked["#katalog"].help
    assert "fld_2" not in unlinked["#karta"].help
    assert "k_b" not in unlinked["#katalog"].help


def test_polish_field_count_uses_plural_and_decimal_comma(forms_app, fixture_site):
    base, _requests = fixture_site
    with forms_app.app_context():
        scan_id = create_scan(f"{base}/booking-pl.html", 1, settings={"language": "pl"}).id
        run_stored_scan(scan_id)
        findings = db.session.get(Scan, scan_id).pages[0].findings
        helps = {finding.rule: finding.help for finding in findings}
    assert "Formularz ma 12 pól." in helps["forms-too-many-fields"]
    assert "średnio 11,3 pola" in helps["forms-too-many-fields"]
