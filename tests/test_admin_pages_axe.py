"""axe-core over the signed-in admin pages, the login page and the scorecard, in a real headless Chromium."""

from __future__ import annotations

import pytest
from cxaudit_axe.run import run_axe
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select

from accounts import PASSWORD, add_user, sign_in_existing
from cxaudit.extensions import db
from cxaudit.models import Scan, Site, Survey, User
from privacy_rows import add_institution
from scan_rows import add_scan, violation

pytestmark = pytest.mark.browser

SLUG = "sztuki"


def violation_summary(results: dict) -> list[tuple[str, list]]:
    """Return each violated rule with its elements, so a failing assert shows what to fix."""
    return [(rule["id"], [node["target"] for node in rule["nodes"]]) for rule in results["violations"]]


def sign_in_with_form(browser, live_server: str) -> None:
    browser.get(f"{live_server}/login?lang=en")
    browser.find_element(By.ID, "login").send_keys("audytor")
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form [type=submit]").click()
    WebDriverWait(browser, 15).until(
        expected_conditions.text_to_be_present_in_element((By.TAG_NAME, "h1"), "Institutions")
    )


def add_pages_data(app) -> dict[str, int | str]:
    """Store an institution with a site, two finished scans and a survey with answers, and return their ids."""
    add_user(app, "audytor", deployment_admin=True)
    with app.app_context():
        add_institution(SLUG)
        site = db.session.scalar(select(Site))
        add_scan(site, {site.base_url: [violation("label", ["#email"], impact="critical")]})
        scans = list(db.session.scalars(select(Scan).order_by(Scan.id)))
        survey = db.session.scalar(select(Survey))
        return {
            "site": site.id,
            "base": scans[0].id,
            "compared": scans[-1].id,
            "survey": survey.public_id,
        }


def signed_in_paths(ids: dict[str, int | str]) -> list[str]:
    return [
        "/",
        f"/institutions/{SLUG}",
        f"/sites/{ids['site']}",
        "/scans",
        f"/scans/{ids['compared']}",
        f"/scans/diff?base={ids['base']}&compared={ids['compared']}",
        f"/institutions/{SLUG}/scorecard",
        f"/institutions/{SLUG}/surveys",
        f"/institutions/{SLUG}/surveys/{ids['survey']}",
        f"/institutions/{SLUG}/surveys/{ids['survey']}/answers",
        f"/institutions/{SLUG}/members",
        "/users",
        "/audit-log",
        "/account/password",
    ]


@pytest.mark.parametrize("language", ["pl", "en"])
def test_signed_in_pages_pass_axe(app, live_server, browser, language):
    ids = add_pages_data(app)
    sign_in_with_form(browser, live_server)

    found = {}
    for path in signed_in_paths(ids):
        separator = "&" if "?" in path else "?"
        browser.get(f"{live_server}{path}{separator}lang={language}")
        found[path] = violation_summary(run_axe(browser, {}))

    assert {path: violations for path, violations in found.items() if violations} == {}


@pytest.mark.parametrize("language", ["pl", "en"])
def test_scan_form_errors_pass_axe(app, live_server, browser, language):
    add_pages_data(app)
    sign_in_with_form(browser, live_server)
    browser.get(f"{live_server}/scans?lang={language}")
    browser.find_element(By.ID, "url").clear()
    browser.find_element(By.ID, "max_pages").clear()
    browser.find_element(By.ID, "url").find_element(By.XPATH, "./ancestor::form").submit()
    WebDriverWait(browser, 15).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".error-summary"))
    )

    assert violation_summary(run_axe(browser, {})) == []


@pytest.mark.parametrize("language", ["pl", "en"])
def test_login_page_passes_axe(live_server, browser, language):
    browser.get(f"{live_server}/login?lang={language}")

    assert violation_summary(run_axe(browser, {})) == []


def test_scorecard_html_download_passes_axe(app, client, serve_directory, browser, tmp_path):
    add_pages_data(app)
    with app.app_context():
        user_id = db.session.scalar(select(User.id))
    sign_in_existing(app, client, user_id)
    response = client.get(f"/institutions/{SLUG}/scorecard.html?lang=pl")
    assert response.status_code == 200
    (tmp_path / "scorecard").mkdir()
    (tmp_path / "scorecard" / "scorecard.html").write_bytes(response.get_data())

    browser.get(f"{serve_directory(tmp_path / 'scorecard')}/scorecard.html")

    assert violation_summary(run_axe(browser, {})) == []
