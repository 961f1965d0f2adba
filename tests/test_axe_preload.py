"""axe-core given to the scan's browsers at start and evaluated by them in every top-level page, in real Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from cxaudit_axe.plugin import cxaudit_page_audit
from selenium.webdriver.common.by import By

from cxaudit.audit import PageContext
from cxaudit.plugins import PluginRegistry
from cxaudit.scan.audits import collect_page_scripts
from cxaudit.scan.browser_session import BrowserSession
from cxaudit.scan.quiet_dom import WAIT_FOR_QUIET_DOM

PAGES = Path(__file__).parent / "pages" / "axe-preload"

pytestmark = pytest.mark.browser


@pytest.fixture
def session(browser_config):
    # The scripts of the axe plugin as installed, so its entry point must offer the hook.
    registry = PluginRegistry(["axe"])
    registry.load_entry_points()
    page_scripts = collect_page_scripts(registry, {})
    # The pages are served on 127.0.0.1, which a scanning browser refuses unless allowed.
    session = BrowserSession({**browser_config, "SCAN_ALLOWED_NETWORKS": "127.0.0.0/8"}, page_scripts)
    yield session
    session.close()


def findings(driver, url: str) -> set[tuple[str, str]]:
    return {(finding.rule, finding.outcome) for finding in cxaudit_page_audit(PageContext(url=url, driver=driver, settings={}))}


def axe_at_start(driver) -> str:
    return driver.execute_script("return document.documentElement.dataset.axeAtStart")


def test_first_page_has_axe_before_its_own_scripts(session, browser, serve_directory):
    url = f"{serve_directory(PAGES)}/records-axe.html"
    # A browser without the plugin's page scripts gets axe-core sent by the audit.
    browser.get(url)
    browser.execute_async_script(WAIT_FOR_QUIET_DOM)
    sent = findings(browser, url)
    assert axe_at_start(browser) == "undefined"

    session.load(url)
    assert axe_at_start(session.driver) == "object"
    preloaded = findings(session.driver, url)

    assert preloaded == sent
    assert ("image-alt", "violation") in sent


def test_frames_are_not_given_axe_before_their_scripts(session, serve_directory):
    session.load(f"{serve_directory(PAGES)}/records-axe.html")

    session.driver.switch_to.frame(session.driver.find_element(By.TAG_NAME, "iframe"))
    assert axe_at_start(session.driver) == "undefined"


def test_replaced_axe_is_sent_again(session, serve_directory):
    url = f"{serve_directory(PAGES)}/own-axe.html"

    for _ in range(2):
        session.load(url)
        found = findings(session.driver, url)

        assert ("image-alt", "violation") in found
        assert session.driver.execute_script("return window.axe.version") != "0.0.1"
