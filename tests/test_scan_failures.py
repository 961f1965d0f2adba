"""How a scan records pages that failed or answered with an HTTP error, on fixture sites
served on 127.0.0.1 and real headless Chromium."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from cxaudit.cli import cli
from cxaudit.extensions import db
from cxaudit.models import PageStatus, Scan, ScanStatus
from cxaudit.scan.runner import create_scan, run_stored_scan
from cxaudit.scan.summary import summarize_scan

pytestmark = pytest.mark.browser

PAGES = Path(__file__).parent / "pages" / "failures"


@pytest.fixture
def scan_app(make_app, browser_config):
    return make_app(**browser_config)


@pytest.fixture
def closed_url() -> str:
    """The address of a port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


def run_scan(app, url: str, max_pages: int) -> int:
    with app.app_context():
        scan_id = create_scan(url, max_pages).id
        run_stored_scan(scan_id)
    return scan_id


def test_missing_start_page_has_no_findings(scan_app, serve_directory):
    base_url = serve_directory(PAGES)

    scan_id = run_scan(scan_app, f"{base_url}/startt.html", max_pages=3)

    with scan_app.app_context():
        scan = db.session.get(Scan, scan_id)
        assert scan.status == ScanStatus.FAILED
        [page] = scan.pages
        assert page.status == PageStatus.HTTP_ERROR
        assert [finding.rule for finding in page.findings] == []
        summary = summarize_scan(scan)
        assert (summary.pages_audited, summary.pages_http_error, summary.pages_failed) == (0, 1, 0)


def test_unreachable_site_has_no_findings(scan_app, closed_url):
    scan_id = run_scan(scan_app, closed_url, max_pages=3)

    with scan_app.app_context():
        scan = db.session.get(Scan, scan_id)
        assert scan.status == ScanStatus.FAILED
        # Its robots.txt cannot be fetched either, so the scan stops before the first page.
        assert scan.pages == []
        assert f"because {closed_url} could not be reached" in scan.error
        assert summarize_scan(scan).pages_audited == 0


def test_cli_line_names_http_status(scan_app, serve_directory):
    base_url = serve_directory(PAGES)

    result = scan_app.test_cli_runner().invoke(cli, ["scan", f"{base_url}/startt.html", "--max-pages", "1"])

    assert result.exit_code == 1, result.output
    assert f"[1/1] {base_url}/startt.html (HTTP 404: " in result.stderr
    assert "rules violated" not in result.stderr


def test_broken_link_recorded_with_referrer(scan_app, serve_directory):
    base_url = serve_directory(PAGES)

    scan_id = run_scan(scan_app, f"{base_url}/index.html", max_pages=5)

    with scan_app.app_context():
        scan = db.session.get(Scan, scan_id)
        assert scan.status == ScanStatus.FINISHED
        broken = {page.url: page for page in scan.pages if page.status == PageStatus.HTTP_ERROR}
        assert sorted(broken) == [f"{base_url}/brak.html", f"{base_url}/deklaracja-dostepnosci.html"]
        # The error names the first page that linked to it, so the auditor can find the link to fix.
        assert f"{base_url}/index.html" in broken[f"{base_url}/brak.html"].error
        assert "404" in broken[f"{base_url}/brak.html"].error
        summary = summarize_scan(scan)
        assert (summary.pages_audited, summary.pages_http_error) == (2, 2)


def test_cli_line_of_broken_link(scan_app, serve_directory):
    base_url = serve_directory(PAGES)

    result = scan_app.test_cli_runner().invoke(cli, ["scan", f"{base_url}/index.html", "--max-pages", "5"])

    assert result.exit_code == 0, result.output
    assert f"{base_url}/brak.html (HTTP 404" in result.stderr
    assert "2 error pages (HTTP 400 or above)" in result.stdout
