"""CSV and SARIF exports of stored scans, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonschema
import pytest
from flask_babel import force_locale
from sqlalchemy import event

from cxaudit.extensions import db
from cxaudit.models import Outcome, PageResult, PageStatus, Scan, ScanStatus
from cxaudit.rule_help import rule_help
from cxaudit.scan.export import export_scan, render_export
from cxaudit.scan.export_csv import CSV_COLUMNS, export_csv
from cxaudit.scan.sarif import export_sarif
from scan_rows import add_scan, add_site, review, violation

SARIF_SCHEMA = json.loads((Path(__file__).parent / "schemas" / "sarif-2.1.0-subset.json").read_text(encoding="utf-8"))
BASE = "https://muzeum.example/"


@pytest.fixture
def stored_scan(any_db_app):
    """A finished scan with violations, a needs-review result, a failed page and a plugin error."""
    with any_db_app.app_context():
        site = add_site(BASE)
        scan = add_scan(
            site,
            {
                f"{BASE}": [
                    violation("image-alt", ["#logo", "museum-card >>> img"], "critical", wcag=["1.1.1"]),
                    review("color-contrast", ["p.hours"], "serious"),
                ],
                f"{BASE}contact": [
                    violation("link-name", ["#map"], "serious", wcag=["2.4.4", "4.1.2"]),
                    violation("forms-consent", [], None, plugin="forms", help_url=None, wcag=[]),
                    violation("forms-form", ["form#contact"], None, plugin="forms", outcome=Outcome.INVENTORY),
                ],
            },
            failed_pages={f"{BASE}tickets": "Timed out after 30 seconds"},
        )
        scan.pages[0].audit_errors = [{"plugin": "forms", "error": "boom"}]
        db.session.commit()
        yield scan


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_has_documented_header(stored_scan):
    header = export_csv(stored_scan).splitlines()[0]

    assert header == ",".join(CSV_COLUMNS)
    assert CSV_COLUMNS == (
        "page_url", "page_status", "page_error", "plugin", "rule", "outcome",
        "impact", "wcag", "count", "targets", "help", "help_url",
    )


def test_csv_row_per_finding(stored_scan):
    rows = csv_rows(export_csv(stored_scan))

    assert [(row["page_url"], row["rule"]) for row in rows] == [
        (BASE, "image-alt"),
        (BASE, "color-contrast"),
        (f"{BASE}contact", "link-name"),
        (f"{BASE}contact", "forms-consent"),
        (f"{BASE}tickets", ""),
    ]
    image_alt = rows[0]
    assert image_alt == {
        "page_url": BASE,
        "page_status": "audited",
        "page_error": "",
        "plugin": "axe",
        "rule": "image-alt",
        "outcome": "violation",
        "impact": "critical",
        "wcag": "1.1.1",
        "count": "2",
        "targets": "#logo\nmuseum-card >>> img",
        "help": "Give every image a text alternative, or an empty alt when it only decorates",
        "help_url": "https://rules.example/image-alt",
    }
    assert rows[1]["outcome"] == "needs-review"
    assert rows[2]["wcag"] == "2.4.4 4.1.2"
    assert rows[3]["impact"] == ""
    assert rows[3]["help_url"] == ""


def test_exports_leave_out_inventory(stored_scan):
    rules_in_csv = {row["rule"] for row in csv_rows(export_csv(stored_scan))}
    sarif = export_sarif(stored_scan)["runs"][0]
    rules_in_sarif = {result["ruleId"] for result in sarif["results"]}

    assert "forms-form" not in rules_in_csv
    assert "forms/forms-form" not in rules_in_sarif
    assert "forms/forms-form" not in {rule["id"] for rule in sarif["tool"]["driver"]["rules"]}
    assert "forms-form" in {finding["rule"] for page in export_scan(stored_scan)["pages"] for finding in page["findings"]}


def test_csv_lists_failed_page(stored_scan):
    failed = csv_rows(export_csv(stored_scan))[-1]

    assert failed["page_url"] == f"{BASE}tickets"
    assert failed["page_status"] == "failed"
    assert failed["page_error"] == "Timed out after 30 seconds"
    assert all(failed[column] == "" for column in CSV_COLUMNS[3:])


def test_csv_lists_http_error_page(any_db_app):
    with any_db_app.app_context():
        scan = add_scan(add_site(BASE), {f"{BASE}": []})
        broken = PageResult(url=f"{BASE}stary-cennik", status=PageStatus.HTTP_ERROR, error="HTTP 404")
        scan.pages.append(broken)
        db.session.commit()
        rows = csv_rows(export_csv(scan))

    assert [(row["page_url"], row["page_status"], row["page_error"]) for row in rows] == [
        (f"{BASE}stary-cennik", "http-error", "HTTP 404")
    ]


@pytest.mark.parametrize("dangerous", ["=HYPERLINK(\"https://evil.example\")", "+1", "-2+3", "@SUM(A1)", "\tx"])
def test_csv_neutralises_formulas(any_db_app, dangerous):
    with any_db_app.app_context():
        scan = add_scan(
            None,
            {"https://muzeum.example/": [violation(dangerous, [dangerous], "minor", help=dangerous, plugin=dangerous)]},
            url="https://muzeum.example/",
            failed_pages={"https://muzeum.example/x": dangerous},
        )
        rows = csv_rows(export_csv(scan))

    for column in ("plugin", "rule", "targets", "help"):
        assert rows[0][column] == "'" + dangerous
    assert rows[1]["page_error"] == "'" + dangerous


def test_csv_keeps_safe_text(any_db_app):
    with any_db_app.app_context():
        scan = add_scan(None, {"https://muzeum.example/": [violation("a=b", ["#x"], help="Use 1 + 1")]}, url="https://muzeum.example/")
        row = csv_rows(export_csv(scan))[0]

    assert row["rule"] == "a=b"
    assert row["help"] == "Use 1 + 1"


def test_sarif_matches_schema(stored_scan):
    sarif = export_sarif(stored_scan)

    jsonschema.validate(sarif, SARIF_SCHEMA, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    assert sarif["version"] == "2.1.0"
    assert len(sarif["runs"]) == 1


def test_sarif_schema_rejects_broken_log():
    # The hand-written schema must catch the mistakes it is there for.
    broken = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"kind": "review", "level": "error", "message": {"text": "m"}}]}]}

    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, SARIF_SCHEMA)


def test_sarif_rules_carry_help_and_wcag(stored_scan):
    rules = export_sarif(stored_scan)["runs"][0]["tool"]["driver"]["rules"]

    assert [rule["id"] for rule in rules] == ["axe/image-alt", "axe/color-contrast", "axe/link-name", "forms/forms-consent"]
    link_name = rules[2]
    assert link_name["helpUri"] == "https://rules.example/link-name"
    # The axe plugin's own text of the rule, as in the JSON and CSV exports, not the stored one.
    assert link_name["shortDescription"] == {"text": rule_help("axe", "link-name", None)}
    assert rules[3]["shortDescription"] == {"text": "Help for forms-consent"}
    assert link_name["properties"]["tags"] == ["accessibility", "WCAG 2.4.4", "WCAG 4.1.2"]
    assert link_name["defaultConfiguration"] == {"level": "error"}
    assert "helpUri" not in rules[3]


def test_sarif_result_per_element(stored_scan):
    results = export_sarif(stored_scan)["runs"][0]["results"]

    image_alt = [result for result in results if result["ruleId"] == "axe/image-alt"]
    assert [result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] for result in image_alt] == [
        "#logo",
        "museum-card >>> img",
    ]
    first = image_alt[0]
    assert first["level"] == "error"
    assert first["kind"] == "fail"
    assert first["ruleIndex"] == 0
    assert first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == BASE
    assert first["locations"][0]["logicalLocations"][0]["kind"] == "element"
    assert first["message"]["text"] == f"{rule_help('axe', 'image-alt', None)}: #logo"
    assert first["partialFingerprints"]["cxauditFindingKey/v1"] != image_alt[1]["partialFingerprints"]["cxauditFindingKey/v1"]


def test_sarif_levels_follow_impact(any_db_app):
    with any_db_app.app_context():
        findings = [violation(f"rule-{impact}", ["#x"], impact) for impact in ("critical", "serious", "moderate", "minor", None)]
        scan = add_scan(None, {"https://muzeum.example/": findings}, url="https://muzeum.example/")
        results = export_sarif(scan)["runs"][0]["results"]

    assert [result["level"] for result in results] == ["error", "error", "warning", "note", "warning"]


def test_sarif_needs_review_is_review_kind(stored_scan):
    results = export_sarif(stored_scan)["runs"][0]["results"]

    contrast = next(result for result in results if result["ruleId"] == "axe/color-contrast")
    assert contrast["kind"] == "review"
    assert contrast["level"] == "none"


def test_sarif_reports_failed_page_and_plugin_error(stored_scan):
    invocation = export_sarif(stored_scan)["runs"][0]["invocations"][0]

    assert invocation["executionSuccessful"] is True
    assert invocation["startTimeUtc"] == "2026-12-01T09:00:00Z"
    notifications = {note["descriptor"]["id"]: note for note in invocation["toolExecutionNotifications"]}
    assert set(notifications) == {"page-failed", "plugin-failed"}
    page_failed = notifications["page-failed"]
    assert page_failed["message"]["text"] == "The page could not be audited: Timed out after 30 seconds"
    assert page_failed["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == f"{BASE}tickets"
    assert notifications["plugin-failed"]["message"]["text"] == "Plugin forms failed: boom"


def test_sarif_of_failed_scan(any_db_app):
    with any_db_app.app_context():
        scan = add_scan(None, {}, url="https://muzeum.example/", status=ScanStatus.FAILED)
        scan.error = "The start page could not be audited."
        sarif = export_sarif(scan)

    jsonschema.validate(sarif, SARIF_SCHEMA)
    invocation = sarif["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"][0]["message"]["text"] == "The start page could not be audited."
    assert sarif["runs"][0]["results"] == []


def test_sarif_names_tool_versions(stored_scan):
    tool = export_sarif(stored_scan)["runs"][0]["tool"]

    assert tool["driver"]["name"] == "cxaudit"
    assert tool["extensions"] == [{"name": "axe-core", "version": "4.10.2"}]


def test_render_export_json_matches_export_scan(stored_scan):
    assert json.loads(render_export(stored_scan, "json")) == export_scan(stored_scan)
    assert json.loads(render_export(stored_scan, "sarif")) == export_sarif(stored_scan)
    assert render_export(stored_scan, "csv") == export_csv(stored_scan)


@pytest.mark.parametrize("fmt", ["json", "csv", "sarif"])
def test_export_loads_pages_at_once(any_db_app, fmt):
    with any_db_app.app_context():
        pages = {f"{BASE}p{number}": [violation("image-alt", ["#x"])] for number in range(20)}
        scan_id = add_scan(None, pages, url=BASE).id
        db.session.expire_all()
        scan = db.session.get(Scan, scan_id)
        statements = []

        def count(connection, cursor, statement, *args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            render_export(scan, fmt)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)

    # One query for the scan, one for its pages and one for their findings,
    # instead of one query per page.
    assert len(statements) <= 3


def test_json_export_names_scan_failure(any_db_app):
    with any_db_app.app_context():
        site = add_site(BASE)
        scan = add_scan(site, {}, status=ScanStatus.FAILED)
        scan.error = "Chromium could not start: chromedriver is missing."
        db.session.commit()

        exported = json.loads(render_export(scan, "json"))

    assert exported["scan"]["status"] == "failed"
    assert exported["scan"]["error"] == "Chromium could not start: chromedriver is missing."


def test_json_export_of_finished_scan_has_no_error(stored_scan):
    assert export_scan(stored_scan)["scan"]["error"] is None


def test_json_times_carry_utc_offset(stored_scan):
    # add_scan stores 1 December 2026, 09:00 UTC; SQLite returns it without a zone.
    exported = export_scan(stored_scan)["scan"]

    assert exported["started_at"] == "2026-12-01T09:00:00+00:00"
    assert exported["finished_at"] == "2026-12-01T09:00:00+00:00"


def test_sarif_texts_follow_the_language(stored_scan):
    with force_locale("pl"):
        polish = export_sarif(stored_scan)["runs"][0]["tool"]["driver"]["rules"][2]["shortDescription"]["text"]
        expected = rule_help("axe", "link-name", None)
    english = export_sarif(stored_scan)["runs"][0]["tool"]["driver"]["rules"][2]["shortDescription"]["text"]

    assert polish == expected
    assert polish != english
