"""No answer lost, none counted twice: offline then online, a 5xx, a later
page view that sends what an earlier one stored, and a double click."""

from __future__ import annotations

import pytest
from selenium.webdriver.support.ui import WebDriverWait

from test_widget_support import *  # noqa: F403  (fixtures and helpers)
from test_widget_support import (
    WAIT_SECONDS,
    config_texts,
    keyboard_answer,
    open_page,
    script_on_every_page,
    shadow_root,
    stored_responses,
    wait_for_thanks,
    wait_until,
)

pytestmark = pytest.mark.browser

OUTBOX = "return JSON.parse(localStorage.getItem('cxaudit:outbox') || '[]')"
# Makes the first answer POST of each page load fail with 503, as a server
# in the middle of a restart would, and counts every answer POST.
FIRST_POST_FAILS = """
window.answerPosts = 0;
const realFetch = window.fetch;
window.fetch = (url, init) => {
  if (String(url).endsWith("/responses")) {
    window.answerPosts += 1;
    if (window.answerPosts === 1) { return Promise.resolve(new Response("{}", {status: 503})); }
  }
  return realFetch(url, init);
};
"""
# Counts answer POSTs without changing them.
COUNT_POSTS = """
window.answerPosts = 0;
const countedFetch = window.fetch;
window.fetch = (url, init) => {
  if (String(url).endsWith("/responses")) { window.answerPosts += 1; }
  return countedFetch(url, init);
};
"""


def set_offline(browser, offline: bool) -> None:
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd(
        "Network.emulateNetworkConditions",
        {"offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )


def wait_for_rows(app, browser, count: int) -> list:
    WebDriverWait(browser, WAIT_SECONDS).until(lambda _: len(stored_responses(app)) >= count)
    return stored_responses(app)


def test_offline_answer_arrives_once_when_online(app, browser, page, survey_id):
    texts = config_texts(app, survey_id, "en")["texts"]
    open_page(browser, page("english.html"))
    set_offline(browser, True)

    keyboard_answer(browser, 8, "Sent from the tram")

    assert wait_for_thanks(browser) == f"{texts['thanks']} {texts['saved_offline']}"
    [stored] = browser.execute_script(OUTBOX)
    assert stored["body"]["score"] == 8
    assert stored_responses(app) == []

    set_offline(browser, False)

    [row] = wait_for_rows(app, browser, 1)
    assert (row.score, row.comment, row.idempotency_key) == (8, "Sent from the tram", stored["body"]["key"])
    wait_until(browser, OUTBOX.replace("return ", "return !(") + ").length")
    assert len(stored_responses(app)) == 1


def test_later_page_view_sends_stored_answer(app, browser, page):
    url = page("english.html")
    open_page(browser, url)
    set_offline(browser, True)
    keyboard_answer(browser, 3, "")
    wait_for_thanks(browser)
    [stored] = browser.execute_script(OUTBOX)
    # The visitor leaves while offline; the tab is gone before the network returns.
    browser.get("about:blank")
    set_offline(browser, False)

    browser.get(page("polish.html"))

    [row] = wait_for_rows(app, browser, 1)
    assert row.idempotency_key == stored["body"]["key"]
    assert row.score == 3
    wait_until(browser, OUTBOX.replace("return ", "return !(") + ").length")


def test_server_error_retried_with_same_key(app, browser, page):
    with script_on_every_page(browser, FIRST_POST_FAILS):
        open_page(browser, page("english.html"))
        keyboard_answer(browser, 10, "Second time lucky")
        wait_for_thanks(browser)

        [row] = wait_for_rows(app, browser, 1)
        posts = browser.execute_script("return window.answerPosts")

    assert posts == 2
    assert row.score == 10
    wait_until(browser, OUTBOX.replace("return ", "return !(") + ").length")


def test_double_click_sends_once(app, browser, page):
    open_page(browser, page("english.html"))
    keyboard_answer_without_sending(browser)
    browser.execute_script(COUNT_POSTS)

    browser.execute_script(
        "const send = document.querySelector('[data-cxaudit-widget]').shadowRoot.querySelector('.submit');"
        "send.dispatchEvent(new MouseEvent('click', {bubbles: true, detail: 1}));"
        "send.dispatchEvent(new MouseEvent('click', {bubbles: true, detail: 2}));"
    )
    wait_for_thanks(browser)

    assert browser.execute_script("return window.answerPosts") == 1
    assert len(stored_responses(app)) == 1


def test_replayed_outbox_stored_once(app, browser, page):
    """Two tabs that both send the same stored answer leave one row."""
    open_page(browser, page("english.html"))
    set_offline(browser, True)
    keyboard_answer(browser, 5, "")
    wait_for_thanks(browser)
    [stored] = browser.execute_script(OUTBOX)
    set_offline(browser, False)
    wait_for_rows(app, browser, 1)

    # Another tab had read the same outbox before this one emptied it.
    browser.execute_script("localStorage.setItem('cxaudit:outbox', JSON.stringify([arguments[0]]))", stored)
    browser.get(page("polish.html"))
    wait_until(browser, OUTBOX.replace("return ", "return !(") + ").length")

    assert len(stored_responses(app)) == 1


def keyboard_answer_without_sending(browser) -> None:
    from test_widget_support import choose_with_arrows

    choose_with_arrows(browser, 2)
    assert shadow_root(browser).find_element("css selector", ".submit").is_displayed()
