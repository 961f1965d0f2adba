"""axe-core sent once per browser and evaluated by the browser in each later page, in real Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from cxaudit_axe.plugin import cxaudit_page_audit
from selenium.webdriver.common.by import By

from cxaudit.audit import PageContext
from cxaudit.scan.quiet_dom import WAIT_FOR_QUIET_DOM

PAGES = Path(__file__).parent / "pages" / "axe-preload"

pytestmark = pytest.mark.browser


def audit(driver, url: str) -> set[tuple[str, str]]:
    driver.get(url)
    driver.execute_async_script(WAIT_FOR_QUIET_DOM)
    return {(finding.rule, finding.outcome) for finding in cxaudit_page_audit(PageContext(url=url, driver=driver, settings={}))}


def axe_at_start(driver) -> str:
    return driver.execute_script("return document.documentElement.dataset.axeAtStart")


def test_later_pages_have_axe_before_their_own_scripts(browser, serve_directory):
    url = f"{serve_directory(PAGES)}/records-axe.html"

    sent = audit(browser, url)
    assert axe_at_start(browser) == "undefined"

    preloaded = audit(browser, url)
    assert axe_at_start(browser) == "object"
    assert preloaded == sent
    assert ("image-alt", "violation") in sent


def test_frames_are_not_given_axe_before_their_scripts(browser, serve_directory):
    url = f"{serve_directory(PAGES)}/records-axe.html"
    audit(browser, url)
    audit(browser, url)

    browser.switch_to.frame(browser.find_element(By.TAG_NAME, "iframe"))
    assert axe_at_start(browser) == "undefined"


def test_replaced_axe_is_sent_again(browser, serve_directory):
    url = f"{serve_directory(PAGES)}/own-axe.html"

    for _ in range(2):
        findings = audit(browser, url)

        assert ("image-alt", "violation") in findings
        assert browser.execute_script("return window.axe.version") != "0.0.1"
