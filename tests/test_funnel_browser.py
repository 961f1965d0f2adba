"""Funnel steps reported by a real page in headless Chromium reach the scorecard's funnel figures."""

from __future__ import annotations

import json

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select

from accounts import sign_in
from cxaudit.extensions import db
from cxaudit.models import Funnel, Institution
from test_widget_support import *  # noqa: F403  (fixtures and helpers)
from test_widget_support import WAIT_SECONDS, add_survey, stored_events, wait_until

pytestmark = pytest.mark.browser

WIDGET_LOADED = 'return !!document.querySelector("[data-cxaudit-widget]")'
STEPS = ["booking_started", "payment", "booking_completed"]


def visit(browser, url: str, buttons: list[str]) -> None:
    """Open the booking page in a new tab, which has a session of its own, and click ``buttons``."""
    browser.switch_to.new_window("tab")
    browser.get(url)
    wait_until(browser, WIDGET_LOADED)
    for button in buttons:
        browser.find_element(By.ID, button).click()


def test_tabs_become_funnel_sessions(app, browser, publish, site):
    survey = add_survey(app, site[1], settings={"triggers": {"delay_seconds": None}})
    with app.app_context():
        institution = db.session.scalar(select(Institution))
        db.session.add(Funnel(institution_id=institution.id, name="Rezerwacja", steps=STEPS))
        db.session.commit()
    url = publish("booking-funnel.html", survey)
    first_tab = browser.current_window_handle

    visit(browser, url, ["start", "pay", "confirm"])
    visit(browser, url, ["start", "start"])
    # Paying before starting does not count as reaching the payment step.
    visit(browser, url, ["pay", "start"])
    WebDriverWait(browser, WAIT_SECONDS).until(lambda _: len(stored_events(app)) == 7)
    for handle in browser.window_handles:
        if handle != first_tab:
            browser.switch_to.window(handle)
            browser.close()
    browser.switch_to.window(first_tab)

    client = app.test_client()
    sign_in(app, client)
    data = json.loads(client.get("/institutions/muzeum/scorecard.json?period=2d").get_data(as_text=True))
    funnel = data["funnels"][0]

    assert len({event.session_id for event in stored_events(app)}) == 3
    assert [step["sessions"] for step in funnel["current"]["steps"]] == [3, 1, 1]
    assert funnel["current"]["completion_rate"] == 33.33
