"""Running axe-core through the plugin's own call: summarised results and rejected runs, in real Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from cxaudit_axe.bundle import axe_source
from cxaudit_axe.run import AxeRunFailed, run_axe

PAGES = Path(__file__).parent / "pages" / "axe-run"

pytestmark = pytest.mark.browser

SUMMARY_KEYS = {"id", "impact", "tags", "help", "helpUrl", "nodes"}


def load_with_axe(browser, url: str) -> None:
    browser.get(url)
    browser.execute_script(axe_source())


def test_run_returns_only_the_fields_the_plugin_reads(browser, serve_directory):
    load_with_axe(browser, f"{serve_directory(PAGES)}/unlabelled-field.html")

    results = run_axe(browser, {"runOnly": {"type": "tag", "values": ["wcag2a"]}})

    assert set(results) == {"violations", "incomplete"}
    label = next(rule for rule in results["violations"] if rule["id"] == "label")
    assert set(label) == SUMMARY_KEYS
    assert label["nodes"] == [{"target": ["#visitor-name"], "html": '<input id="visitor-name" type="text">'}]


def test_rejected_run_raises_with_axe_message(browser, serve_directory):
    load_with_axe(browser, f"{serve_directory(PAGES)}/unlabelled-field.html")

    with pytest.raises(AxeRunFailed, match="no-such-rule"):
        run_axe(browser, {"runOnly": {"type": "rule", "values": ["no-such-rule"]}})
