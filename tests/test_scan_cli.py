"""The ``cxaudit scan``, ``cxaudit plugins`` and ``cxaudit worker`` commands."""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path

import pytest

from cxaudit.cli import cli

PAGES = Path(__file__).parent / "pages" / "scan"
IMPACT_LINE_PREFIXES = ("  critical:", "  serious:", "  moderate:", "  minor:")


@pytest.fixture
def scan_runner(make_app, browser_config):
    return make_app(**browser_config).test_cli_runner()


@pytest.mark.browser
def test_scan_json_file_format(scan_runner, serve_directory, tmp_path):
    base_url = serve_directory(PAGES)
    output = tmp_path / "scan.json"

    result = scan_runner.invoke(cli, ["scan", f"{base_url}/index.html", "--max-pages", "3", "--json", str(output)])

    assert result.exit_code == 0, result.output
    data = json.loads(output.read_text(encoding="utf-8"))
    assert set(data) == {"scan", "pages"}
    assert set(data["scan"]) == {"id", "url", "status", "started_at", "finished_at", "error", "axe_core_version", "settings"}
    assert data["scan"]["status"] == "finished"
    assert data["scan"]["axe_core_version"].startswith("4.10.")
    assert data["scan"]["settings"]["max_pages"] == 3
    assert [page["url"] for page in data["pages"]] == [
        f"{base_url}/index.html",
        f"{base_url}/exhibitions.html",
        f"{base_url}/visit.html",
    ]
    for page in data["pages"]:
        assert set(page) == {"url", "status", "error", "audit_errors", "findings"}
        assert page["status"] == "audited"

    link_name = next(finding for finding in data["pages"][2]["findings"] if finding["rule"] == "link-name")
    assert link_name == {
        "plugin": "axe",
        "rule": "link-name",
        "outcome": "violation",
        "impact": "serious",
        "wcag": ["2.4.4", "4.1.2"],
        "count": 1,
        "targets": ['a[href="index.html"]'],
        "help": "Give every link a name that can be read out",
        "help_url": link_name["help_url"],
        "data": {},
    }
    assert "/rules/axe/4.10/link-name" in link_name["help_url"]


@pytest.mark.browser
def test_scan_prints_summary(scan_runner, serve_directory):
    base_url = serve_directory(PAGES)

    result = scan_runner.invoke(cli, ["scan", f"{base_url}/index.html"])

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert f"[1/4] {base_url}/index.html (2 rules violated)" in lines
    # missing.html answers 404: an error page, not an audited one.
    assert "4 pages audited" in lines
    assert "1 error page (HTTP 400 or above)" in lines
    assert "0 pages failed" in lines
    assert "Violations by impact (one rule result per rule and page):" in lines
    assert [line for line in lines if line.startswith(IMPACT_LINE_PREFIXES)] == [
        "  critical: 2 rule results, 2 elements",
        "  serious: 3 rule results, 3 elements",
        "  moderate: 0 rule results, 0 elements",
        "  minor: 0 rule results, 0 elements",
    ]
    ranking = lines[lines.index("Rules violated on most pages:") + 1 :]
    assert ranking == [
        "  image-alt (axe, critical): 2 pages",
        "  link-name (axe, serious): 2 pages",
        "  html-has-lang (axe, serious): 1 page",
    ]


@pytest.mark.browser
def test_scan_prints_summary_in_polish(scan_runner, serve_directory, monkeypatch):
    monkeypatch.setenv("CXAUDIT_LANGUAGE", "pl")
    base_url = serve_directory(PAGES)

    result = scan_runner.invoke(cli, ["scan", f"{base_url}/index.html"])

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "4 strony sprawdzone" in lines
    assert "Naruszenia według wpływu (jeden wynik reguły na regułę i stronę):" in lines
    impact_lines = lines[lines.index("Naruszenia według wpływu (jeden wynik reguły na regułę i stronę):") + 1 :][:4]
    assert impact_lines == [
        "  krytyczny: 2 wyniki reguł, 2 elementy",
        "  poważny: 3 wyniki reguł, 3 elementy",
        "  umiarkowany: 0 wyników reguł, 0 elementów",
        "  drobny: 0 wyników reguł, 0 elementów",
    ]


@pytest.mark.browser
def test_scan_json_to_stdout(scan_runner, serve_directory):
    base_url = serve_directory(PAGES)

    result = scan_runner.invoke(cli, ["scan", f"{base_url}/clean.html", "--max-pages", "1", "--json", "-"])

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["pages"][0]["url"] == f"{base_url}/clean.html"
    assert data["pages"][0]["findings"] == []
    assert "1 page audited" in result.stderr


@pytest.mark.parametrize("url", ["ftp://files.example/", "muzeum.example.pl", "http://", "https:///path", ""])
def test_scan_rejects_invalid_url(runner, url):
    result = runner.invoke(cli, ["scan", url])

    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"Invalid URL to scan: {url}. Give a full address starting with http:// or https:// "
        "and a host name, for example https://muzeum.example.pl/."
    )


def test_scan_rejects_zero_max_pages(runner):
    result = runner.invoke(cli, ["scan", "http://127.0.0.1:9/", "--max-pages", "0"])

    assert result.exit_code == 2
    assert "--max-pages" in result.stderr


def test_plugins_lists_axe(runner):
    result = runner.invoke(cli, ["plugins"])

    assert result.exit_code == 0, result.output
    axe_version = version("cxaudit-axe")
    assert result.output.splitlines() == [f"axe {axe_version} (cxaudit-axe): cxaudit_page_audit, cxaudit_page_scripts, cxaudit_rule_help, cxaudit_scan_settings, cxaudit_tool_versions"]


def test_worker_help_names_threads(runner):
    result = runner.invoke(cli, ["worker", "--help"])

    assert result.exit_code == 0
    assert "--threads" in result.output


def test_summary_counts_rule_once_per_page(app):
    from cxaudit.extensions import db
    from cxaudit.models import Finding, Outcome, PageResult, PageStatus, Scan, ScanStatus
    from cxaudit.scan.summary import summarize_scan

    with app.app_context():
        scan = Scan(url="http://127.0.0.1:9/", status=ScanStatus.FINISHED)
        page = PageResult(scan=scan, url="http://127.0.0.1:9/kontakt", status=PageStatus.AUDITED)
        page.findings = [
            Finding(plugin="forms", rule="forms-label-missing", outcome=Outcome.VIOLATION, impact="serious", count=2),
            Finding(plugin="forms", rule="forms-label-missing", outcome=Outcome.VIOLATION, impact="serious", count=1),
        ]
        db.session.add(scan)
        db.session.commit()
        [rule] = summarize_scan(scan).failing_rules
    assert rule.pages == 1
    assert rule.elements == 3


def test_summary_shows_most_severe_impact(app):
    from cxaudit.extensions import db
    from cxaudit.models import Finding, Outcome, PageResult, PageStatus, Scan, ScanStatus
    from cxaudit.scan.summary import summarize_scan

    with app.app_context():
        scan = Scan(url="http://127.0.0.1:9/", status=ScanStatus.FINISHED)
        impacts = ["minor", None, "serious", "moderate"]
        for number, impact in enumerate(impacts):
            page = PageResult(scan=scan, url=f"http://127.0.0.1:9/strona-{number}", status=PageStatus.AUDITED)
            page.findings = [Finding(plugin="forms", rule="forms-not-https", outcome=Outcome.VIOLATION, impact=impact)]
        db.session.add(scan)
        db.session.commit()
        [rule] = summarize_scan(scan).failing_rules

    assert rule.pages == len(impacts)
    assert rule.impact == "serious"
