"""axe inside frames and shadow roots, and frames it cannot test, in real Chromium."""

from __future__ import annotations

import functools
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from cxaudit_axe.frames import MARKER
from cxaudit_axe.plugin import cxaudit_page_audit

from cxaudit.audit import PageContext
from cxaudit.cli import cli

PAGES = Path(__file__).parent / "pages" / "axe"

pytestmark = pytest.mark.browser


class _NoFramingHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the fixture pages as UTF-8 and forbids framing no-framing.html, as a map provider might."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".html": "text/html; charset=utf-8"}

    def end_headers(self):
        if self.path.startswith("/no-framing.html"):
            self.send_header("X-Frame-Options", "DENY")
        super().end_headers()

    def log_message(self, format, *args):  # noqa: A002 - signature fixed by http.server
        pass


@pytest.fixture
def pages_url() -> Iterator[str]:
    """Serve tests/pages/axe on 127.0.0.1 with the framing rule above."""
    handler = functools.partial(_NoFramingHandler, directory=str(PAGES))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def audit(browser, url: str, settings: dict | None = None):
    browser.get(url)
    return cxaudit_page_audit(PageContext(url=url, driver=browser, settings=settings or {"language": "en"}))


def by_rule(findings, rule: str):
    return [finding for finding in findings if finding.rule == rule]


def test_shadow_root_form_field_unlabeled(browser, pages_url):
    findings = audit(browser, f"{pages_url}/booking-shadow.html")

    [label] = by_rule(findings, "label")
    assert label.outcome == "violation"
    assert label.targets == ["tour-booking >>> #email"]
    assert by_rule(findings, "frame-not-tested") == []


def test_nested_same_origin_frames_audited(browser, pages_url):
    findings = audit(browser, f"{pages_url}/frame-violation.html")

    [label] = by_rule(findings, "label")
    assert label.outcome == "violation"
    assert label.targets == ["#search >>> input"]
    [image] = by_rule(findings, "image-alt")
    assert image.outcome == "violation"
    assert image.targets == ["#search >>> #results >>> img"]
    assert by_rule(findings, "frame-not-tested") == []


def test_frame_in_shadow_root_audited(browser, pages_url):
    findings = audit(browser, f"{pages_url}/shadow-frame.html")

    [image] = by_rule(findings, "image-alt")
    assert image.outcome == "violation"
    assert image.targets == ["museum-directions >>> #directions >>> img"]
    assert by_rule(findings, "frame-not-tested") == []


def test_cross_origin_frame_not_tested(browser, pages_url, serve_directory):
    other_origin = serve_directory(PAGES / "other-origin")
    form_url = f"{other_origin}/contact-form.html"

    findings = audit(browser, f"{pages_url}/contact-frame.html?form={form_url}")

    [frame] = by_rule(findings, "frame-not-tested")
    assert frame.outcome == "needs-review"
    assert frame.targets == ["#contact"]
    assert form_url in frame.help
    assert "another origin" in frame.help
    # The form's own problems are on the other origin, which is not audited.
    assert by_rule(findings, "label") == []
    assert by_rule(findings, "image-alt") == []


def test_sandboxed_frame_not_tested(browser, pages_url):
    findings = audit(browser, f"{pages_url}/sandboxed-frame.html")

    [frame] = by_rule(findings, "frame-not-tested")
    assert frame.outcome == "needs-review"
    assert frame.targets == ["#newsletter"]
    assert f"{pages_url}/frame-search.html" in frame.help
    assert "sandboxed" in frame.help
    assert by_rule(findings, "label") == []


def test_sandbox_without_scripts_not_tested(browser, pages_url):
    findings = audit(browser, f"{pages_url}/sandbox-no-scripts.html")

    [frame] = by_rule(findings, "frame-not-tested")
    assert frame.targets == ["#programme"]
    assert f"{pages_url}/frame-results.html" in frame.help
    assert "without allow-scripts" in frame.help
    assert by_rule(findings, "image-alt") == []


def test_mixed_frames_keep_their_reasons(browser, pages_url, serve_directory):
    form_url = f"{serve_directory(PAGES / 'other-origin')}/contact-form.html"

    findings = audit(browser, f"{pages_url}/mixed-frames.html?form={form_url}")

    frames = {finding.targets[0]: finding.help for finding in by_rule(findings, "frame-not-tested")}
    assert set(frames) == {"#contact", "#newsletter"}
    assert form_url in frames["#contact"]
    assert "another origin" in frames["#contact"]
    assert f"{pages_url}/frame-results.html" in frames["#newsletter"]
    assert "without allow-same-origin" in frames["#newsletter"]
    # The same-origin frames before them, and the frame nested in the first, were audited.
    [label] = by_rule(findings, "label")
    assert label.targets == ["#search >>> input"]
    [image] = by_rule(findings, "image-alt")
    assert image.targets == ["#search >>> #results >>> img"]


def test_blocked_frame_not_tested(browser, pages_url):
    findings = audit(browser, f"{pages_url}/blocked-frame.html")

    [frame] = by_rule(findings, "frame-not-tested")
    assert frame.outcome == "needs-review"
    assert frame.targets == ["#map"]
    assert f"{pages_url}/no-framing.html" in frame.help
    assert "blocked or failed to load" in frame.help


def test_frame_markers_removed(browser, pages_url):
    audit(browser, f"{pages_url}/blocked-frame.html")

    marked = browser.execute_script(f"return document.querySelectorAll('[{MARKER}]').length")

    assert marked == 0


def test_frame_not_tested_in_polish(browser, pages_url, app):
    with app.app_context():
        findings = audit(browser, f"{pages_url}/sandboxed-frame.html", {"language": "pl"})

    [frame] = by_rule(findings, "frame-not-tested")
    assert "piaskownic" in frame.help


def test_background_image_contrast_needs_review(browser, pages_url):
    findings = audit(browser, f"{pages_url}/background-image-text.html")

    contrast = by_rule(findings, "color-contrast")
    assert [finding.outcome for finding in contrast] == ["needs-review"]
    assert contrast[0].targets == ["p"]


def test_too_deep_frame_not_tested(browser, pages_url):
    findings = audit(browser, f"{pages_url}/deep-frame.html")

    [frame] = by_rule(findings, "frame-not-tested")
    assert frame.targets == ["#level1 >>> #level2 >>> #level3 >>> #level4 >>> #level5 >>> #level6"]
    assert f"{pages_url}/deep-frame.html?level=6" in frame.help
    assert "more than 5 frames deep" in frame.help
    assert by_rule(findings, "image-alt") == []


def test_scan_stores_frame_not_tested(make_app, browser_config, pages_url, serve_directory, tmp_path):
    runner = make_app(**browser_config).test_cli_runner()
    form_url = f"{serve_directory(PAGES / 'other-origin')}/contact-form.html"
    output = tmp_path / "scan.json"

    result = runner.invoke(cli, ["scan", f"{pages_url}/contact-frame.html?form={form_url}", "--max-pages", "1", "--json", str(output)])

    assert result.exit_code == 0, result.output
    [page] = json.loads(output.read_text(encoding="utf-8"))["pages"]
    [frame] = [finding for finding in page["findings"] if finding["rule"] == "frame-not-tested"]
    assert frame["plugin"] == "axe"
    assert frame["outcome"] == "needs-review"
    assert frame["targets"] == ["#contact"]
    assert form_url in frame["help"]
    # A frame that was not tested needs review; it is not a violation.
    assert "No rule is violated on any page." in result.output
