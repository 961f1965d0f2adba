"""The survey editor in headless Chromium: the preview shows the saved
survey, the copy button works, the page passes axe, and the comment
scrubber is switched on from the form."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait
from sqlalchemy import select

from cxaudit.extensions import db
from cxaudit.models import Institution, Response, Survey, SurveyKind, User
from test_widget_support import AXE_SCRIPT, PANEL_SHOWN, WAIT_SECONDS

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"
RUN_AXE_ON_PAGE = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
  .then((results) => done(results.violations.map((rule) => rule.id)), (error) => done([String(error)]));
"""


@pytest.fixture
def editor_url(app, live_server) -> str:
    with app.app_context():
        user = User(login="anna", is_deployment_admin=True)
        user.set_password(PASSWORD)
        survey = Survey(institution=Institution(slug="muzeum", name="Muzeum Miejskie"), kind=SurveyKind.HELPFUL)
        db.session.add_all([user, survey])
        db.session.commit()
        return f"{live_server}/institutions/muzeum/surveys/{survey.public_id}?lang=en"


def sign_in(browser, url: str) -> None:
    browser.get(url)
    browser.find_element(By.ID, "login").send_keys("anna")
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.ID, "password").submit()
    WebDriverWait(browser, WAIT_SECONDS).until(expected_conditions.presence_of_element_located((By.ID, "settings-heading")))


def test_editor_preview_copy_and_axe(app, browser, editor_url):
    sign_in(browser, editor_url)

    # Saving a new question shows it in the preview.
    question = browser.find_element(By.ID, "question_en")
    question.send_keys("Did this page answer your question?")
    question.submit()
    WebDriverWait(browser, WAIT_SECONDS).until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".flash")))
    with app.app_context():
        assert db.session.scalar(select(Survey)).settings["texts"] == {"en": {"question": "Did this page answer your question?"}}
    frames = browser.find_elements(By.CSS_SELECTOR, "iframe.preview")
    assert len(frames) == 3
    browser.switch_to.frame(frames[1])
    WebDriverWait(browser, WAIT_SECONDS).until(lambda driver: driver.execute_script(PANEL_SHOWN))
    heading = browser.execute_script(
        "return document.querySelector('[data-cxaudit-widget]').shadowRoot.querySelector('h2').textContent"
    )
    browser.switch_to.default_content()
    assert heading == "Did this page answer your question?"

    copy = browser.find_element(By.CSS_SELECTOR, ".copy-button")
    copy.click()
    status = browser.find_element(By.CSS_SELECTOR, ".copy-status")
    WebDriverWait(browser, WAIT_SECONDS).until(lambda _: status.text)

    browser.execute_script(AXE_SCRIPT.read_text(encoding="utf-8"))
    assert browser.execute_async_script(RUN_AXE_ON_PAGE) == []


def test_editor_turns_comment_scrubbing_on(app, browser, editor_url, live_server):
    sign_in(browser, editor_url)

    Select(browser.find_element(By.ID, "scrub_comments")).select_by_value("on")
    browser.find_element(By.ID, "scrub_comments").submit()
    WebDriverWait(browser, WAIT_SECONDS).until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".flash")))
    with app.app_context():
        survey = db.session.scalar(select(Survey))
        survey.allowed_origins = ["https://muzeum.example"]
        db.session.commit()
        public_id = survey.public_id
    answer = app.test_client().post(
        f"/api/v1/surveys/{public_id}/responses",
        json={"score": 1, "comment": "Proszę o telefon: 601 234 567, ola@example.pl"},
        headers={"Origin": "https://muzeum.example"},
    )

    assert answer.status_code == 201
    with app.app_context():
        assert db.session.scalar(select(Survey.settings))["scrub_comments"] is True
        assert db.session.scalar(select(Response.comment)) == "Proszę o telefon: [tel.], [e-mail]"
    # The editor shows the survey's own choice after saving.
    assert Select(browser.find_element(By.ID, "scrub_comments")).first_selected_option.get_attribute("value") == "on"
