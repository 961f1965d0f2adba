"""The hosted survey page /s/PUBLIC_ID and its kiosk mode."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from cxaudit.models import SurveyKind
from test_widget_support import *  # noqa: F403  (fixtures and helpers)
from test_widget_support import (
    WAIT_SECONDS,
    add_survey,
    config_texts,
    focused_in_widget,
    press,
    tab_to_comment,
    keyboard_answer,
    open_page,
    script_on_every_page,
    shadow_root,
    stored_responses,
    wait_for_thanks,
    wait_until,
    widget_text,
)

RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => { window.cspViolations.push(event.violatedDirective); });
"""


@pytest.fixture
def hosted_id(app) -> str:
    return add_survey(app, "https://muzeum.example", SurveyKind.CSAT)


def test_page_served_with_strict_policy(client, hosted_id):
    response = client.get(f"/s/{hosted_id}?lang=uk")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="uk">' in html
    assert f'data-survey="{hosted_id}"' in html
    assert 'data-mode="inline"' in html
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "<script>" not in html
    assert "Set-Cookie" not in response.headers


def test_language_from_browser(client, hosted_id):
    html = client.get(f"/s/{hosted_id}", headers={"Accept-Language": "uk-UA,uk;q=0.9"}).get_data(as_text=True)

    assert '<html lang="uk">' in html
    assert "Опитування: Muzeum Miejskie" in html


def test_unknown_or_paused_survey_is_404(app, client, hosted_id):
    from sqlalchemy import select

    from cxaudit.extensions import db
    from cxaudit.models import Survey

    assert client.get("/s/no-such-survey").status_code == 404
    with app.app_context():
        db.session.scalars(select(Survey)).one().active = False
        db.session.commit()
    assert client.get(f"/s/{hosted_id}").status_code == 404


@pytest.mark.browser
def test_hosted_answer_stored(app, browser, live_server, hosted_id):
    texts = config_texts(app, hosted_id, "uk")["texts"]
    with script_on_every_page(browser, RECORD_VIOLATIONS):
        open_page(browser, f"{live_server}/s/{hosted_id}?lang=uk")
        assert widget_text(browser, "h2") == texts["question"]
        keyboard_answer(browser, 4, "Усе добре")
        assert wait_for_thanks(browser) == texts["thanks"]
        violations = browser.execute_script("return window.cspViolations")

    assert violations == []
    [row] = stored_responses(app)
    assert (row.score, row.language, row.comment) == (5, "uk", "Усе добре")
    assert row.page_url == f"{live_server}/s/{hosted_id}"


@pytest.mark.browser
def test_kiosk_resets_and_works_offline(app, browser, live_server, hosted_id):
    open_page(browser, f"{live_server}/s/{hosted_id}?kiosk=1&lang=pl")
    keyboard_answer(browser, 2, "")
    wait_for_thanks(browser)

    # The next visitor gets a fresh survey without anyone touching the tablet.
    wait_until(browser, THANKS_EMPTY)
    assert shadow_root(browser).find_elements(By.CSS_SELECTOR, "input:checked") == []
    assert focused_in_widget(browser)["type"] == "radio"
    set_offline(browser, True)
    press(browser, Keys.SPACE)
    tab_to_comment(browser)
    press(browser, Keys.TAB, Keys.ENTER)
    wait_for_thanks(browser)
    assert len(stored_responses(app)) == 1
    wait_until(browser, THANKS_EMPTY)

    set_offline(browser, False)

    WebDriverWait(browser, WAIT_SECONDS).until(lambda _: len(stored_responses(app)) == 2)
    assert [row.score for row in stored_responses(app)] == [3, 1]
    # A kiosk is never paused after an answer.
    assert browser.execute_script(f"return localStorage.getItem('cxaudit:snooze:{hosted_id}')") is None


THANKS_EMPTY = """
const root = document.querySelector("[data-cxaudit-widget]").shadowRoot;
return root.querySelector(".thanks").textContent === "" && !root.querySelector("form").hidden;
"""


def set_offline(browser, offline: bool) -> None:
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd(
        "Network.emulateNetworkConditions",
        {"offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
