"""The widget under the strictest Content Security Policy, inline in a
container, and without layout shift on the host page."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from test_widget_support import *  # noqa: F403  (fixtures and helpers)
from test_widget_support import (
    keyboard_answer,
    open_page,
    panel_shown,
    script_on_every_page,
    shadow_root,
    stored_responses,
    wait_for_thanks,
    wait_until,
)

pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""
RECORD_LAYOUT_SHIFTS = """
window.layoutShift = 0;
new PerformanceObserver((list) => {
  // Shifts right after the visitor's own input do not count, as in Cumulative Layout Shift.
  for (const entry of list.getEntries()) { if (!entry.hadRecentInput) { window.layoutShift += entry.value; } }
}).observe({type: "layout-shift", buffered: true});
"""


def test_works_under_strict_csp(app, browser, page):
    with script_on_every_page(browser, RECORD_VIOLATIONS):
        browser.get(page("csp.html", autoshow="false"))
        wait_until(browser, 'return !!document.querySelector("[data-cxaudit-widget]")')
        browser.find_element(By.ID, "open-survey").click()
        assert panel_shown(browser)
        panel = shadow_root(browser).find_element(By.CSS_SELECTOR, ".panel")
        # The constructed stylesheet applied although the policy forbids inline styles.
        assert panel.value_of_css_property("position") == "fixed"
        assert panel.value_of_css_property("border-top-width") == "2px"
        keyboard_answer(browser, 9, "")
        wait_for_thanks(browser)
        violations = browser.execute_script("return window.cspViolations")

    assert violations == []
    assert len(stored_responses(app)) == 1


def test_nonce_used_without_constructed_stylesheets(browser, page):
    # An engine without constructed stylesheets falls back to <style nonce>.
    hide_constructor = "delete window.CSSStyleSheet.prototype.replaceSync;"
    with script_on_every_page(browser, hide_constructor):
        open_page(browser, page("english.html", nonce="n0nce"))
        style = shadow_root(browser).find_element(By.CSS_SELECTOR, "style")

        assert style.get_attribute("nonce") == "n0nce"
        panel = shadow_root(browser).find_element(By.CSS_SELECTOR, ".panel")
        assert panel.value_of_css_property("position") == "fixed"


def test_inline_mode_renders_in_container(browser, page):
    open_page(browser, page("inline.html", mode="inline", target="#feedback"))

    host_parent = browser.execute_script("return document.querySelector('[data-cxaudit-widget]').parentElement.id")
    panel = shadow_root(browser).find_element(By.CSS_SELECTOR, ".panel")

    assert host_parent == "feedback"
    assert panel.value_of_css_property("position") == "static"
    assert shadow_root(browser).find_elements(By.CSS_SELECTOR, ".close") == []
    below = browser.execute_script("return document.getElementById('after').getBoundingClientRect().top")
    assert below > panel.rect["y"] + panel.rect["height"] - 1


def test_missing_target_falls_back_to_corner(browser, page):
    open_page(browser, page("inline.html", mode="inline", target="#nowhere"))

    panel = shadow_root(browser).find_element(By.CSS_SELECTOR, ".panel")
    assert panel.value_of_css_property("position") == "fixed"


def test_corner_dialog_shifts_no_layout(browser, page):
    with script_on_every_page(browser, RECORD_LAYOUT_SHIFTS):
        open_page(browser, page("english.html"))
        keyboard_answer(browser, 4, "ok")
        wait_for_thanks(browser)
        shift = browser.execute_script("return window.layoutShift")

    assert shift == 0
