"""Exit statuses of `cxaudit scan --fail-on` on real scans of fixture pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cxaudit.cli import cli

PAGES = Path(__file__).parent / "pages" / "exports"

pytestmark = pytest.mark.browser


@pytest.fixture
def scan_runner(make_app, browser_config):
    return make_app(**browser_config).test_cli_runner()


@pytest.mark.parametrize(("threshold", "exit_code"), [("critical", 0), ("serious", 3), ("moderate", 3), ("minor", 3)])
def test_fail_on_serious_link(scan_runner, serve_directory, threshold, exit_code):
    # contact.html has one serious violation (link-name) and nothing worse.
    base_url = serve_directory(PAGES / "v1")

    result = scan_runner.invoke(cli, ["scan", f"{base_url}/contact.html", "--max-pages", "1", "--fail-on", threshold])

    assert result.exit_code == exit_code, result.output
    assert "1 page audited" in result.stdout


def test_fail_on_message_names_threshold(scan_runner, serve_directory):
    base_url = serve_directory(PAGES / "v1")

    result = scan_runner.invoke(cli, ["scan", f"{base_url}/contact.html", "--max-pages", "1", "--fail-on", "moderate"])

    assert result.stderr.splitlines()[-1] == "1 violation of impact moderate or worse found (--fail-on moderate)."


def test_fail_on_ignores_needs_review(scan_runner, serve_directory, tmp_path):
    base_url = serve_directory(PAGES)
    output = tmp_path / "scan.json"

    result = scan_runner.invoke(
        cli, ["scan", f"{base_url}/review-only.html", "--max-pages", "1", "--fail-on", "minor", "--json", str(output)]
    )

    assert result.exit_code == 0, result.output
    findings = json.loads(output.read_text(encoding="utf-8"))["pages"][0]["findings"]
    # The page must really produce a result to review, or this test proves nothing.
    assert [(finding["rule"], finding["outcome"]) for finding in findings] == [("color-contrast", "needs-review")]


def test_failed_scan_has_own_exit_status(scan_runner, serve_directory, tmp_path):
    base_url = serve_directory(PAGES / "v1")
    sarif = tmp_path / "scan.sarif"

    result = scan_runner.invoke(
        cli, ["scan", f"{base_url}/missing.html", "--fail-on", "minor", "--sarif", str(sarif)]
    )

    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines()[-1].startswith(f"Scan failed: The start page {base_url}/missing.html could not be audited")
    assert json.loads(sarif.read_text(encoding="utf-8"))["runs"][0]["invocations"][0]["executionSuccessful"] is False


def test_fail_on_rejects_unknown_impact(runner):
    result = runner.invoke(cli, ["scan", "http://127.0.0.1:9/", "--fail-on", "high"])

    assert result.exit_code == 2
    assert "'high' is not one of 'critical', 'serious', 'moderate', 'minor'" in result.stderr


def test_csv_to_standard_output(scan_runner, serve_directory):
    base_url = serve_directory(PAGES / "v1")

    result = scan_runner.invoke(cli, ["scan", f"{base_url}/contact.html", "--max-pages", "1", "--csv", "-"])

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].startswith("page_url,page_status,")
    assert "1 page audited" in result.stderr
