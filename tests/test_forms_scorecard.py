"""The forms section built from stored findings: inventory records, structured data and old findings.

No browser runs here: the scan's findings are stored as the forms plugin
stores them, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask_babel import force_locale

from cxaudit.extensions import db
from cxaudit.models import Finding, Institution, Outcome, PageResult, PageStatus, Scan, ScanStatus, Site
from cxaudit.scan.export import export_scan
from cxaudit.scan.summary import summarize_scan
from cxaudit_forms.scorecard import forms_section

BASE = "http://127.0.0.1:9/"


def form_data(position: int, kind: str, selector: str, fields: int) -> dict:
    return {"form": {"position": position, "kind": kind, "selector": selector, "fields": fields}}


def record(position: int, kind: str, selector: str, fields: int) -> Finding:
    return Finding(plugin="forms", rule="forms-form", outcome=Outcome.INVENTORY, targets=[selector],
                   help=f"Form {position} ({kind}): {fields} fields to fill in.",
                   data=form_data(position, kind, selector, fields))


@pytest.fixture
def scan_id(any_db_app):
    """A scan with a clean search form, a contact form with one critical problem, and an old finding without data."""
    with any_db_app.app_context():
        institution = Institution(slug="biblioteka", name="Biblioteka Miejska", default_language="pl")
        site = Site(institution=institution, base_url=BASE)
        scan = Scan(site=site, url=BASE, status=ScanStatus.FINISHED, finished_at=datetime.now(UTC))
        contact = PageResult(scan=scan, url=f"{BASE}kontakt", status=PageStatus.AUDITED)
        contact.findings = [
            record(1, "search", "#szukaj", 1),
            record(2, "contact", "#kontakt", 4),
            # The help text is in Polish, yet the form is read from data.
            Finding(plugin="forms", rule="forms-field-no-name", outcome=Outcome.VIOLATION, impact="critical",
                    targets=["#kontakt", "#kod"], help="Formularz 2 (kontakt): Pole bez nazwy dostępnej: „Kod”.",
                    data={**form_data(2, "contact", "#kontakt", 4), "fields": [{"name": "kod", "label": "Kod"}]}),
        ]
        # Stored before findings had data: the form is read back from the help text.
        newsletter = PageResult(scan=scan, url=f"{BASE}newsletter", status=PageStatus.AUDITED)
        newsletter.findings = [
            Finding(plugin="forms", rule="forms-email-type", outcome=Outcome.VIOLATION, impact="serious",
                    targets=["#newsletter", "#email"], help="Form 1 (newsletter): An e-mail field that is not type=\"email\"."),
        ]
        db.session.add_all([institution, site, scan])
        db.session.commit()
        return scan.id


def test_section_lists_clean_forms_and_scores_them(any_db_app, scan_id):
    with any_db_app.app_context(), force_locale("en"):
        section = forms_section([db.session.get(Scan, scan_id)])

    forms_table, sites_table = section.tables
    rows = [row[:4] for row in forms_table.rows]
    assert rows == [
        [f"{BASE}kontakt", "1", "search", "100"],
        [f"{BASE}kontakt", "2", "contact", "75"],
        [f"{BASE}newsletter", "1", "newsletter", "85"],
    ]
    assert forms_table.rows[0][4] == "none"
    # The clean search form counts in the site's score: (100 + 75 + 85) / 3.
    assert section.score == pytest.approx(86.7)
    assert sites_table.rows == [[BASE, "3", "87"]]
    assert section.summary == "3 forms checked; the forms score is 87 out of 100."
    assert [item["fields"] for item in section.data["forms"]] == [1, 4, None]


def test_polish_section_from_data(any_db_app, scan_id):
    with any_db_app.app_context(), force_locale("pl"):
        section = forms_section([db.session.get(Scan, scan_id)])
    assert [row[2] for row in section.tables[0].rows] == ["wyszukiwarka", "kontakt", "newsletter"]
    assert section.summary.startswith("Sprawdzono 3 formularze;")


def test_inventory_records_are_not_counted(any_db_app, scan_id):
    with any_db_app.app_context():
        scan = db.session.get(Scan, scan_id)
        summary = summarize_scan(scan)
        exported = export_scan(scan)

    assert sum(total.results for total in summary.by_impact) == 2
    assert summary.needs_review == []
    assert {rule.rule for rule in summary.failing_rules} == {"forms-field-no-name", "forms-email-type"}
    findings = exported["pages"][0]["findings"]
    assert [finding["outcome"] for finding in findings] == ["inventory", "inventory", "violation"]
    assert findings[0]["data"] == form_data(1, "search", "#szukaj", 1)
    assert exported["pages"][1]["findings"][0]["data"] == {}


@pytest.fixture
def many_forms_scan(any_db_app):
    """A scan with PRINTED_FORMS + 3 pages of one contact form each; only the last three forms have a problem."""
    from cxaudit_forms.scorecard import PRINTED_FORMS

    with any_db_app.app_context():
        institution = Institution(slug="duza-biblioteka", name="Duża Biblioteka", default_language="pl")
        site = Site(institution=institution, base_url=BASE)
        scan = Scan(site=site, url=BASE, status=ScanStatus.FINISHED, finished_at=datetime.now(UTC))
        for number in range(PRINTED_FORMS + 3):
            page = PageResult(scan=scan, url=f"{BASE}strona-{number:03d}", status=PageStatus.AUDITED)
            page.findings = [record(1, "contact", "#kontakt", 4)]
            if number >= PRINTED_FORMS:
                page.findings.append(Finding(plugin="forms", rule="forms-field-no-name", outcome=Outcome.VIOLATION,
                                             impact="critical", targets=["#kontakt", "#kod"], help="Form 1 (contact): x",
                                             data=form_data(1, "contact", "#kontakt", 4)))
        db.session.add_all([institution, site, scan])
        db.session.commit()
        return scan.id


def test_printed_table_worst_forms_first(any_db_app, many_forms_scan):
    from cxaudit_forms.scorecard import PRINTED_FORMS

    with any_db_app.app_context(), any_db_app.test_request_context(), force_locale("en"):
        section = forms_section([db.session.get(Scan, many_forms_scan)])

    table = section.tables[0]
    assert len(table.rows) == PRINTED_FORMS + 3
    assert len(table.printed_rows) == PRINTED_FORMS
    assert [row[0].rsplit("-", 1)[1] for row in table.printed_rows[:4]] == ["050", "051", "052", "000"]
    assert table.rows[0][0].endswith("strona-000")
