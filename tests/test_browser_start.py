"""Starting a scanning Chromium: the session's settings, in real Chromium."""

from __future__ import annotations

import pytest

from cxaudit.browser import start_browser

pytestmark = pytest.mark.browser


def test_page_timeout_applies_to_loads_and_scripts(browser_config):
    driver = start_browser({**browser_config, "SCAN_PAGE_TIMEOUT": 7})
    try:
        timeouts = driver.timeouts
        assert timeouts.page_load == 7
        assert timeouts.script == 7
    finally:
        driver.quit()


def test_page_timeout_may_be_a_fraction_of_a_second(browser_config):
    driver = start_browser({**browser_config, "SCAN_PAGE_TIMEOUT": 2.5})
    try:
        assert driver.timeouts.page_load == 2.5
    finally:
        driver.quit()


def test_browser_runs_no_pages_besides_the_tab(browser_config):
    # Chromium's own pages (such as its address bar's popups) would cost each
    # scan's browser start-up time in renderers that a scan never uses.
    driver = start_browser(browser_config, scanning=True)
    try:
        targets = driver.execute_cdp_cmd("Target.getTargets", {})["targetInfos"]
        assert [target["type"] for target in targets] == ["page"]
    finally:
        driver.quit()
