"""Structured finding data: stored with each finding, read back on SQLite and PostgreSQL, and checked."""

from __future__ import annotations

import logging

from cxaudit.audit import AuditFinding
from cxaudit.extensions import db
from cxaudit.models import Finding, PageResult, PageStatus, Scan, ScanStatus
from cxaudit.plugins import HookCall
from cxaudit.scan.audits import store_calls

URL = "http://127.0.0.1:9/"


def stored_findings(app, calls) -> list[Finding]:
    """Store the calls' findings on a new page result and read them back from the database."""
    with app.app_context():
        scan = Scan(url=URL, status=ScanStatus.RUNNING)
        page = PageResult(scan=scan, url=URL, status=PageStatus.AUDITED)
        store_calls(page, calls)
        db.session.add(scan)
        db.session.commit()
        page_id = page.id
        db.session.expunge_all()
        findings = db.session.get(PageResult, page_id).findings
        db.session.expunge_all()
        return findings


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
