"""Waiting for a quiet DOM, with DOM changes watched from the creation of each page, in real Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from cxaudit.scan import browser_session
from cxaudit.scan.browser_session import BrowserSession

PAGES = Path(__file__).parent / "pages" / "quiet-dom"

pytestmark = pytest.mark.browser


@pytest.fixture
def session_config(browser_config):
    # The pages are served on 127.0.0.1, which a scanning browser refuses unless allowed.
    return {**browser_config, "SCAN_ALLOWED_NETWORKS": "127.0.0.0/8"}


@pytest.fixture
def session(session_config):
    session = BrowserSession(session_config)
    yield session
    session.close()


def test_changes_made_while_loading_are_watched(session, serve_directory):
    session.load(f"{serve_directory(PAGES)}/parsed.html")

    driver = session.driver
    changed_at = int(driver.execute_script("return document.documentElement.dataset.changedAt"))
    watched_at = driver.execute_script("return window.__cxauditActivity.changedAt")
    assert isinstance(watched_at, int)
    assert watched_at >= changed_at


def test_frames_are_not_watched(session, serve_directory):
    session.load(f"{serve_directory(PAGES)}/parsed.html")

    driver = session.driver
    driver.switch_to.frame(driver.find_element(By.TAG_NAME, "iframe"))
    assert driver.execute_script("return typeof window.__cxauditActivity") == "undefined"


@pytest.mark.parametrize("watched", [True, False], ids=["watched", "not-watched"])
def test_wait_covers_a_change_after_the_load_event(session_config, serve_directory, monkeypatch, watched):
    if not watched:
        # As with a remote WebDriver that has no DevTools command.
        monkeypatch.setattr(browser_session, "watch_page_activity", lambda driver: False)
    session = BrowserSession(session_config)
    try:
        session.load(f"{serve_directory(PAGES)}/late-change.html")

        has_watcher = session.driver.execute_script("return typeof window.__cxauditActivity === 'object'")
        assert has_watcher is watched
        assert [item.text for item in session.driver.find_elements(By.ID, "late")] == ["Concert"]
    finally:
        session.close()
