"""The admin UI in a real headless Chromium: sign in, add an institution and a
survey, copy the snippet, sign out."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select

from cxaudit.extensions import db
from cxaudit.models import Institution, Survey, User

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"
COPY_MESSAGES = ("Copied to the clipboard.", "The snippet is selected: press Ctrl+C to copy it.")


@pytest.fixture
def admin_user(app):
    with app.app_context():
        user = User(login="anna", is_deployment_admin=True)
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()


def wait_for(browser, condition):
    return WebDriverWait(browser, 15).until(condition)


def fill(browser, field_id: str, text: str) -> None:
    field = browser.find_element(By.ID, field_id)
    field.clear()
    field.send_keys(text)


def submit_form_of(browser, field_id: str) -> None:
    field = browser.find_element(By.ID, field_id)
    field.find_element(By.XPATH, "./ancestor::form").find_element(By.CSS_SELECTOR, "[type=submit]").click()


def test_sign_in_add_survey_copy_snippet_sign_out(app, admin_user, live_server, browser):
    browser.get(f"{live_server}/?lang=en")
    wait_for(browser, expected_conditions.url_contains("/login"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Sign in"

    fill(browser, "login", "anna")
    fill(browser, "password", PASSWORD)
    submit_form_of(browser, "password")
    wait_for(browser, expected_conditions.text_to_be_present_in_element((By.TAG_NAME, "h1"), "Institutions"))

    fill(browser, "slug", "muzeum-sztuki")
    fill(browser, "name", "Muzeum Sztuki")
    submit_form_of(browser, "slug")
    wait_for(browser, expected_conditions.text_to_be_present_in_element((By.TAG_NAME, "h1"), "Muzeum Sztuki"))

    fill(browser, "allowed_origins", "https://www.muzeum-sztuki.example")
    submit_form_of(browser, "allowed_origins")
    snippet_field = wait_for(
        browser, expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "textarea[id^=snippet-]"))
    )

    with app.app_context():
        survey = db.session.scalar(select(Survey))
        assert survey.institution.slug == "muzeum-sztuki"
        assert survey.allowed_origins == ["https://www.muzeum-sztuki.example"]
        public_id = survey.public_id
    snippet = snippet_field.get_attribute("value")
    assert snippet == f'<script src="{live_server}/widget/v1.js" data-survey="{public_id}" async></script>'

    copy_button = browser.find_element(By.CSS_SELECTOR, f"button[data-copy-target=snippet-{public_id}]")
    assert copy_button.is_displayed()
    copy_button.click()
    status = browser.find_element(By.ID, f"snippet-{public_id}-status")
    wait_for(browser, lambda driver: status.text in COPY_MESSAGES)
    assert status.get_attribute("aria-live") == "polite"
    # Whether or not headless Chromium grants the clipboard, the snippet is
    # selected so it can be copied by hand.
    selection = browser.execute_script(
        "const field = arguments[0]; return field.value.substring(field.selectionStart, field.selectionEnd);",
        snippet_field,
    )
    assert selection == snippet

    browser.find_element(By.CSS_SELECTOR, "form.sign-out button").click()
    wait_for(browser, expected_conditions.url_contains("/login"))
    assert "You are signed out." in browser.page_source
    browser.get(f"{live_server}/")
    wait_for(browser, expected_conditions.url_contains("/login?next="))


def test_invalid_origin_is_announced_next_to_field(app, admin_user, live_server, browser):
    with app.app_context():
        db.session.add(Institution(slug="teatr", name="Teatr", default_language="pl"))
        db.session.commit()
    browser.get(f"{live_server}/login?lang=en&next=/institutions/teatr")
    fill(browser, "login", "anna")
    fill(browser, "password", PASSWORD)
    submit_form_of(browser, "password")
    wait_for(browser, expected_conditions.text_to_be_present_in_element((By.TAG_NAME, "h1"), "Teatr"))

    fill(browser, "allowed_origins", "teatr.example")
    submit_form_of(browser, "allowed_origins")

    error = wait_for(browser, expected_conditions.presence_of_element_located((By.ID, "allowed_origins-error")))
    assert error.text.startswith("teatr.example is not a valid origin.")
    field = browser.find_element(By.ID, "allowed_origins")
    assert field.get_attribute("aria-invalid") == "true"
    assert "allowed_origins-error" in field.get_attribute("aria-describedby").split()
    summary_link = browser.find_element(By.CSS_SELECTOR, ".error-summary a")
    assert summary_link.get_attribute("href").endswith("#allowed_origins")
