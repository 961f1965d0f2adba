"""A page whose own script crashes its tab by filling the JavaScript heap, scanned in real
headless Chromium with a small heap limit."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from flask_babel import force_locale
from selenium.common.exceptions import WebDriverException

from cxaudit.browser import chrome_options
from cxaudit.extensions import db
from cxaudit.models import PageStatus, Scan, ScanStatus
from cxaudit.scan.runner import create_scan, run_stored_scan
from cxaudit.scan.summary import summarize_scan
from cxaudit.scan.visit import page_load_error

PAGES = Path(__file__).parent / "pages" / "crash"
# Small enough that the fixture page's 400 MB loop crashes the tab after a few megabytes.
TEST_HEAP_MB = 32


def test_heap_limit_is_a_chromium_flag():
    arguments = chrome_options({"SCAN_JS_HEAP_MB": 96}).arguments

    assert "--js-flags=--max-old-space-size=96" in arguments
    assert "--js-flags=--max-old-space-size=512" in chrome_options({}).arguments


@pytest.mark.parametrize("value", ["0", "lots", "12.5", -1])
def test_invalid_heap_limit_named(value):
    with pytest.raises(ValueError, match=f"Invalid SCAN_JS_HEAP_MB: {value}\\. Give a whole number"):
        chrome_options({"SCAN_JS_HEAP_MB": value})


@pytest.mark.browser
def test_page_that_crashes_its_tab_fails_alone(make_app, browser_config, serve_directory, caplog):
    app = make_app(**browser_config, SCAN_JS_HEAP_MB=TEST_HEAP_MB)
    base_url = serve_directory(PAGES)
    caplog.set_level(logging.INFO, logger="cxaudit")

    with app.app_context():
        scan_id = create_scan(f"{base_url}/index.html", 10).id
        run_stored_scan(scan_id)

        scan = db.session.get(Scan, scan_id)
        pages = {page.url.removeprefix(base_url): page for page in scan.pages}
        assert scan.status == ScanStatus.FINISHED, scan.error
        assert sorted(pages) == ["/galeria.html", "/index.html", "/kolekcja.html", "/kontakt.html"]

        crashed = pages["/galeria.html"]
        assert crashed.status == PageStatus.FAILED
        assert crashed.findings == []
        assert crashed.error.startswith(f"The page {base_url}/galeria.html crashed its browser tab")
        assert f"{TEST_HEAP_MB} MB" in crashed.error
        assert "CXAUDIT_SCAN_JS_HEAP_MB" in crashed.error
        # A crashed tab is not loaded a second time: its script would crash the next one.
        assert crashed.attempts == 1

        assert all(pages[path].status == PageStatus.AUDITED for path in ("/index.html", "/kolekcja.html", "/kontakt.html"))
        summary = summarize_scan(scan)
        assert (summary.pages_audited, summary.pages_failed, summary.pages_http_error) == (3, 1, 0)
        assert summary.pages_audited + summary.pages_failed == scan.pages_done == len(scan.pages)

    assert "Browser stopped responding; a new one starts for the next page" in caplog.text


def test_tab_crash_reason_in_polish(make_app):
    app = make_app(SCAN_JS_HEAP_MB=TEST_HEAP_MB)
    # chromedriver's words when the renderer of the tab died.
    error = WebDriverException("tab crashed\n  (Session info: chrome=156.0.8078.114)")

    with app.app_context(), force_locale("pl"):
        reason = page_load_error("https://muzeum.example/galeria.html", error)

    assert reason.startswith("Strona https://muzeum.example/galeria.html spowodowała awarię karty przeglądarki")
    assert f"{TEST_HEAP_MB} MB" in reason
    assert "CXAUDIT_SCAN_JS_HEAP_MB" in reason
