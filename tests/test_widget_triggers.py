"""When the widget appears: each trigger, URL rules (also on a single-page
site), sampling, the pause after an answer or a dismissal, and funnel events."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from test_widget_support import *  # noqa: F403  (fixtures and helpers)
from test_widget_support import (
    WAIT_SECONDS,
    add_survey,
    keyboard_answer,
    open_page,
    panel_shown,
    press,
    stored_events,
    stored_responses,
    wait_for_thanks,
    wait_until,
)

pytestmark = pytest.mark.browser

HOST_READY = 'return !!document.querySelector("[data-cxaudit-widget]")'
NO_AUTOMATIC = {"delay_seconds": None}


def load(browser, url: str) -> None:
    """Open a page and wait until the widget has loaded its survey."""
    browser.get(url)
    wait_until(browser, HOST_READY)


def test_delay_trigger(app, browser, publish, site):
    survey = add_survey(app, site[1], settings={"triggers": {"delay_seconds": 2}})
    load(browser, publish("english.html", survey))

    assert not panel_shown(browser)
    wait_until(browser, "return !document.querySelector('[data-cxaudit-widget]').shadowRoot.querySelector('.panel').hidden")


def test_scroll_trigger(app, browser, publish, site):
    survey = add_survey(app, site[1], settings={"triggers": {**NO_AUTOMATIC, "scroll_percent": 50}})
    load(browser, publish("long.html", survey))
    browser.execute_script("window.scrollTo(0, 200)")
    assert not panel_shown(browser)

    browser.execute_script("window.scrollTo(0, document.documentElement.scrollHeight)")

    wait_until(browser, "return !document.querySelector('[data-cxaudit-widget]').shadowRoot.querySelector('.panel').hidden")


def test_exit_intent_trigger(app, browser, publish, site):
    survey = add_survey(app, site[1], settings={"triggers": {**NO_AUTOMATIC, "exit_intent": True}})
    load(browser, publish("english.html", survey))
    # Moving within the page is not an exit.
    browser.execute_script("document.dispatchEvent(new MouseEvent('mouseout', {clientY: 300, bubbles: true}))")
    assert not panel_shown(browser)

    browser.execute_script("document.dispatchEvent(new MouseEvent('mouseout', {clientY: -2, bubbles: true}))")

    assert panel_shown(browser)


def test_show_command_trigger(app, browser, publish, site):
    survey = add_survey(app, site[1], settings={"triggers": NO_AUTOMATIC})
    load(browser, publish("english.html", survey))
    assert not panel_shown(browser)

    browser.find_element(By.ID, "open-survey").click()

    assert panel_shown(browser)


def test_funnel_event_trigger_follows_spa_navigation(app, browser, publish, site):
    settings = {
        "triggers": {**NO_AUTOMATIC, "events": ["booking_completed"]},
        "url_rules": [{"match": "contains", "value": "/checkout"}],
    }
    survey = add_survey(app, site[1], settings=settings)
    load(browser, publish("spa.html", survey))
    history_length = browser.execute_script("return history.length")

    browser.execute_script("cxaudit('track', 'booking_completed')")
    assert not panel_shown(browser)  # /spa.html does not match the URL rule
    browser.find_element(By.ID, "to-checkout").click()
    browser.execute_script("cxaudit('track', 'booking_completed')")

    assert panel_shown(browser)
    # The page's own router ran and the widget added no history entry.
    assert browser.execute_script("return window.routedTo") == ["/shop/checkout"]
    assert browser.execute_script("return history.length") == history_length + 1
    WebDriverWait(browser, WAIT_SECONDS).until(lambda _: len(stored_events(app)) == 2)
    events = stored_events(app)
    assert [event.step for event in events] == ["booking_completed", "booking_completed"]
    assert [event.page_path for event in events] == ["/spa.html", "/shop/checkout"]
    session = browser.execute_script("return JSON.parse(sessionStorage.getItem('cxaudit:session'))")
    assert {event.session_id for event in events} == {session}


@pytest.mark.parametrize(
    ("rule", "shown"),
    [
        ({"match": "equals", "value": "/english.html"}, True),
        ({"match": "equals", "value": "/english"}, False),
        ({"match": "contains", "value": "glish"}, True),
        ({"match": "contains", "value": "polish"}, False),
        ({"match": "regex", "value": r"^/eng\w+\.html$"}, True),
        ({"match": "regex", "value": r"^/tickets/"}, False),
    ],
)
def test_url_rules(app, browser, publish, site, rule, shown):
    settings = {"url_rules": [rule], "triggers": {"delay_seconds": None, "events": ["page_ready"]}}
    survey = add_survey(app, site[1], settings=settings)
    load(browser, publish("english.html", survey))

    browser.execute_script("cxaudit('track', 'page_ready')")

    assert panel_shown(browser) is shown


@pytest.mark.parametrize(("percent", "shown"), [(0, False), (100, True)])
def test_sample_rate(app, browser, publish, site, percent, shown):
    survey = add_survey(app, site[1], settings={"sample_percent": percent, "triggers": {"delay_seconds": None, "events": ["go"]}})
    load(browser, publish("english.html", survey))

    browser.execute_script("cxaudit('track', 'go')")

    assert panel_shown(browser) is shown
    # An explicit request from the page still shows the survey.
    browser.execute_script("cxaudit('show')")
    assert panel_shown(browser)


def test_dismissal_pauses_survey(app, browser, publish, site):
    survey = add_survey(app, site[1], settings={"snooze_days": 3})
    url = publish("english.html", survey)
    open_page(browser, url)
    browser.find_element(By.ID, "open-survey").click()
    press(browser, Keys.ESCAPE)

    until = browser.execute_script(f"return JSON.parse(localStorage.getItem('cxaudit:snooze:{survey}'))")
    now = browser.execute_script("return Date.now()")
    assert 2.9 * 86400000 < until - now <= 3 * 86400000
    load(browser, url)
    browser.execute_script("cxaudit('track', 'later')")
    assert not panel_shown(browser)

    browser.execute_script(f"localStorage.setItem('cxaudit:snooze:{survey}', JSON.stringify(Date.now() - 1))")
    open_page(browser, url)


def test_answer_pauses_survey(app, browser, publish, site):
    survey = add_survey(app, site[1])
    url = publish("english.html", survey)
    open_page(browser, url)
    keyboard_answer(browser, 6, "Fine")
    wait_for_thanks(browser)

    load(browser, url)

    assert not panel_shown(browser)
    assert len(stored_responses(app)) == 1
