"""The scan page in a real headless Chromium: axe-core finds no violations,
and the progress of a running scan updates in place without a reload."""

from __future__ import annotations

import pytest
from cxaudit_axe.run import run_axe
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from accounts import PASSWORD, add_user
from cxaudit.admin import scans as scan_views
from cxaudit.extensions import db
from cxaudit.models import Scan, ScanStatus
from scan_rows import add_scan, add_site, review, violation

pytestmark = pytest.mark.browser

# Seconds a test waits for the page to show a change.
WAIT_SECONDS = 15


@pytest.fixture(autouse=True)
def fast_polling(monkeypatch):
    """Poll every second, so a test waits for one request instead of three seconds."""
    monkeypatch.setattr(scan_views, "POLL_SECONDS", 1)


@pytest.fixture
def signed_in_browser(app, live_server, browser):
    """The browser signed in through the login form as a deployment administrator."""
    add_user(app, "audytor", deployment_admin=True)
    browser.get(f"{live_server}/login?lang=en")
    browser.find_element(By.ID, "login").send_keys("audytor")
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form [type=submit]").click()
    wait_for(browser, expected_conditions.text_to_be_present_in_element((By.TAG_NAME, "h1"), "Institutions"))
    return browser


def wait_for(browser, condition):
    return WebDriverWait(browser, WAIT_SECONDS).until(condition)


def add_running_scan(app, pages_done: int = 2, pages_queued: int = 3) -> int:
    with app.app_context():
        site = add_site()
        scan = Scan(
            site=site,
            url=site.base_url,
            status=ScanStatus.RUNNING,
            settings={"axe_tags": ["wcag2a", "wcag2aa"], "axe_rules": {"region": False}},
            pages_done=pages_done,
            pages_queued=pages_queued,
        )
        db.session.add(scan)
        db.session.commit()
        return scan.id


def add_finished_scan(app) -> int:
    with app.app_context():
        site = add_site()
        add_scan(site, {"https://muzeum.example/": [violation("image-alt", ["img"])]})
        scan = add_scan(
            site,
            {
                "https://muzeum.example/": [violation("image-alt", ["img"]), review("color-contrast", ["p"])],
                "https://muzeum.example/kontakt": [violation("label", ["#email"], impact="critical")],
            },
            failed_pages={"https://muzeum.example/zepsuta": "Timed out after 15 s."},
        )
        return scan.id


def update_scan(app, scan_id: int, **fields) -> None:
    with app.app_context():
        scan = db.session.get(Scan, scan_id)
        for name, value in fields.items():
            setattr(scan, name, value)
        db.session.commit()


def violation_summary(results: dict) -> list[tuple[str, list]]:
    """Return each violated rule with its elements, so a failing assert shows what to fix."""
    return [(rule["id"], [node["target"] for node in rule["nodes"]]) for rule in results["violations"]]


def status_text(browser) -> str:
    return browser.find_element(By.ID, "scan-progress").text


@pytest.mark.parametrize("language", ["pl", "en"])
def test_running_scan_page_passes_axe(app, live_server, signed_in_browser, language):
    scan_id = add_running_scan(app)

    signed_in_browser.get(f"{live_server}/scans/{scan_id}?lang={language}")
    results = run_axe(signed_in_browser, {})

    assert violation_summary(results) == []


@pytest.mark.parametrize("language", ["pl", "en"])
def test_finished_scan_page_passes_axe(app, live_server, signed_in_browser, language):
    scan_id = add_finished_scan(app)

    signed_in_browser.get(f"{live_server}/scans/{scan_id}?lang={language}")
    results = run_axe(signed_in_browser, {})

    assert signed_in_browser.find_elements(By.CSS_SELECTOR, "table")
    assert violation_summary(results) == []


def test_progress_updates_in_place(app, live_server, signed_in_browser):
    browser = signed_in_browser
    scan_id = add_running_scan(app, pages_done=2, pages_queued=3)
    browser.get(f"{live_server}/scans/{scan_id}?lang=en")
    assert status_text(browser) == "Running: 2 pages done, 3 pages waiting"
    # A reload would drop this variable and the focus.
    browser.execute_script("window.cxauditTestMarker = 'kept';")
    breadcrumb = browser.find_element(By.CSS_SELECTOR, ".breadcrumb a")
    browser.execute_script("arguments[0].focus();", breadcrumb)

    update_scan(app, scan_id, pages_done=7, pages_queued=1)
    wait_for(browser, lambda driver: status_text(driver) == "Running: 7 pages done, 1 page waiting")

    assert browser.execute_script("return window.cxauditTestMarker") == "kept"
    assert browser.switch_to.active_element == breadcrumb
    assert not browser.find_element(By.ID, "scan-refresh").is_displayed()
    assert browser.find_element(By.ID, "scan-progress").get_attribute("role") == "status"

    update_scan(app, scan_id, status=ScanStatus.FINISHED, pages_done=8, pages_queued=0)
    ended = wait_for(browser, expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, "#scan-ended p")))

    assert status_text(browser) == "Finished"
    assert ended.text == "The scan has ended. Show the results"
    assert browser.execute_script("return window.cxauditTestMarker") == "kept"
    assert browser.switch_to.active_element == breadcrumb
    assert not browser.find_element(By.ID, "scan-cancel").is_displayed()
    assert browser.current_url == f"{live_server}/scans/{scan_id}?lang=en"

    browser.find_element(By.LINK_TEXT, "Show the results").click()
    wait_for(browser, expected_conditions.text_to_be_present_in_element((By.TAG_NAME, "h2"), "Summary"))
    assert browser.execute_script("return window.cxauditTestMarker") is None
