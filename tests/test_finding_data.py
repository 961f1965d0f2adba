"""Structured finding data: stored with each finding, read back on SQLite and PostgreSQL, and checked."""

from __future__ import annotations

import logging

from cxaudit.audit import AuditFinding
from cxaudit.extensions import db
from cxaudit.models import Finding, PageResult, PageStatus, Scan, ScanStatus
from cxaudit.plugins import HookCall
from cxaudit.scan.audits import store_calls

URL = "http://127.0.0.1:9/"


def stored_page(app, calls) -> PageResult:
    """Store the calls on a new page result and read it back from the database, detached with its findings."""
    with app.app_context():
        scan = Scan(url=URL, status=ScanStatus.RUNNING)
        page = PageResult(scan=scan, url=URL, status=PageStatus.AUDITED)
        store_calls(page, calls)
        db.session.add(scan)
        db.session.commit()
        page_id = page.id
        db.session.expunge_all()
        stored = db.session.get(PageResult, page_id)
        stored.findings  # noqa: B018 - loads the findings before the page is detached
        db.session.expunge_all()
        return stored


def stored_findings(app, calls) -> list[Finding]:
    return stored_page(app, calls).findings


def test_data_round_trip(any_db_app):
    data = {"form": {"position": 2, "kind": "contact"}, "fields": [{"name": "mail", "label": "E-mail"}]}
    calls = [HookCall("forms", [AuditFinding(rule="forms-form", outcome="inventory", data=data),
                                AuditFinding(rule="forms-not-https", outcome="violation", impact="minor")])]

    first, second = stored_findings(any_db_app, calls)

    assert first.data == data
    assert str(first.outcome) == "inventory"
    assert second.data == {}


def test_data_not_json_dropped(any_db_app, caplog):
    calls = [HookCall("museum-checks", [AuditFinding(rule="odd-data", outcome="violation", data={"seen": {1, 2}}),
                                        AuditFinding(rule="list-data", outcome="violation", data=["a"])])]

    with caplog.at_level(logging.WARNING, logger="cxaudit.scan.audits"):
        odd, listed = stored_findings(any_db_app, calls)

    assert odd.data == {}
    assert listed.data == {}
    assert "Plugin museum-checks returned data for odd-data that is not a JSON object" in caplog.text
    assert "data is a list, not a dict" in caplog.text


def test_invalid_findings_skipped_and_reported(any_db_app):
    valid = AuditFinding(rule="museum-hours", outcome="violation", impact="serious")
    invalid = [
        "museum-hours",
        AuditFinding(rule="museum-hours", outcome="failed"),
        AuditFinding(rule="r" * 129, outcome="violation"),
        AuditFinding(rule="museum-hours", outcome="violation", impact="catastrophic-and-urgent"),
        AuditFinding(rule="museum-hours", outcome="violation", help_url="https://museum.example/" + "a" * 2048),
        AuditFinding(rule="museum-hours", outcome="violation", count=-1),
    ]

    page = stored_page(any_db_app, [HookCall("museum-checks", [*invalid, valid])])
    errors = page.audit_errors

    # On PostgreSQL the too-long values would have failed the commit of the whole page.
    assert [finding.rule for finding in page.findings] == ["museum-hours"]
    assert len(errors) == len(invalid)
    assert {error["plugin"] for error in errors} == {"museum-checks"}
    assert all(error["error"].startswith("Invalid finding skipped: ") for error in errors)
    assert "outcome 'failed'" in errors[1]["error"]
    assert "1 to 128 characters" in errors[2]["error"]


def test_single_string_lists_kept_whole(any_db_app):
    finding = AuditFinding(rule="museum-hours", outcome="violation", wcag="1.1.1", targets="#hours")

    page = stored_page(any_db_app, [HookCall("museum-checks", [finding])])

    assert [(stored.rule, stored.wcag, stored.targets) for stored in page.findings] == [("museum-hours", ["1.1.1"], ["#hours"])]
    assert page.audit_errors == []
