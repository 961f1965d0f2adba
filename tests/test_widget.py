"""The survey widget in real headless Chromium, on fixture pages served from
another origin than the app so CORS applies as it does on a museum's site."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from test_widget_support import *  # noqa: F403  (fixtures and helpers)
from test_widget_support import (
    RECORD_WARNINGS,
    choose_with_arrows,
    config_texts,
    focused_in_widget,
    keyboard_answer,
    open_page,
    panel_shown,
    press,
    run_axe,
    script_on_every_page,
    shadow_root,
    stored_responses,
    tab_to_choices,
    tab_to_page_element,
    wait_for_thanks,
    wait_until,
    widget_text,
)

pytestmark = pytest.mark.browser

# Records every JSON body the page sends with fetch, to check the payload.
RECORD_FETCH_BODIES = """
window.sentBodies = [];
const originalFetch = window.fetch;
window.fetch = (url, init) => {
  if (init && init.body) { window.sentBodies.push(JSON.parse(init.body)); }
  return originalFetch(url, init);
};
"""


def test_keyboard_answer_stored(app, browser, page, site, survey_id):
    _, origin = site
    polish = config_texts(app, survey_id, "pl")["texts"]
    assert polish["thanks"] != config_texts(app, survey_id, "en")["texts"]["thanks"]
    open_page(browser, page("polish.html") + "?order=1234#confirmation")
    browser.execute_script(RECORD_FETCH_BODIES)

    keyboard_answer(browser, 7, "Obsługa bardzo miła")

    assert wait_for_thanks(browser) == polish["thanks"]
    [body] = browser.execute_script("return window.sentBodies")
    key = body.pop("key")
    assert len(key) == 32
    assert body == {"score": 7, "comment": "Obsługa bardzo miła", "language": "pl", "page_url": f"{origin}/polish.html"}
    [row] = stored_responses(app)
    assert (row.score, row.comment, row.language, row.idempotency_key) == (7, "Obsługa bardzo miła", "pl", key)
    assert row.page_url == f"{origin}/polish.html"
    assert focused_in_widget(browser)["className"] == "thanks"


def test_arrow_keys_move_through_radio_group(browser, page):
    open_page(browser, page("english.html"))

    first = tab_to_choices(browser)
    press(browser, Keys.ARROW_LEFT)

    assert first["value"] == "0"
    assert focused_in_widget(browser)["value"] == "10"
    checked = [radio.get_attribute("value") for radio in shadow_root(browser).find_elements(By.CSS_SELECTOR, "input:checked")]
    assert checked == ["10"]
    assert shadow_root(browser).find_element(By.CSS_SELECTOR, "textarea").is_displayed()
    press(browser, Keys.TAB)
    assert focused_in_widget(browser)["tag"] == "textarea"


def test_polish_page_gets_polish_texts(app, browser, page, survey_id):
    polish = config_texts(app, survey_id, "pl")["texts"]
    open_page(browser, page("polish.html"))

    assert widget_text(browser, "h2") == polish["question"]
    assert "Muzeum Miejskie" in polish["question"]
    assert not polish["question"].startswith("How likely")
    assert widget_text(browser, "#low") == polish["scale_low"]
    assert widget_text(browser, "#high") == polish["scale_high"]
    assert shadow_root(browser).find_element(By.CSS_SELECTOR, ".panel").get_attribute("lang") == "pl"


def test_english_page_gets_english_texts(browser, page):
    open_page(browser, page("english.html"))

    assert widget_text(browser, "h2") == "How likely is it that you would recommend Muzeum Miejskie to a friend?"
    assert widget_text(browser, "#low") == "0 – not at all likely"
    assert shadow_root(browser).find_element(By.CSS_SELECTOR, ".panel").get_attribute("lang") == "en"


def test_controls_have_accessible_names(browser, page):
    open_page(browser, page("english.html"))
    choose_with_arrows(browser, 3)
    root = shadow_root(browser)

    assert [button.accessible_name for button in root.find_elements(By.CSS_SELECTOR, "button")] == ["Close the survey", "Send"]
    radios = root.find_elements(By.CSS_SELECTOR, "input[type=radio]")
    assert [radio.accessible_name for radio in radios] == [str(score) for score in range(11)]
    dialog = root.find_element(By.CSS_SELECTOR, ".panel")
    assert dialog.aria_role == "dialog"
    assert dialog.accessible_name == "How likely is it that you would recommend Muzeum Miejskie to a friend?"
    group = root.find_element(By.CSS_SELECTOR, ".choices")
    assert group.aria_role == "radiogroup"
    assert group.accessible_name == dialog.accessible_name
    textarea = root.find_element(By.CSS_SELECTOR, "textarea")
    assert textarea.accessible_name == "What is the main reason for your score? (optional)"


@pytest.mark.parametrize("page_name", ["english.html", "hostile.html"])
def test_axe_finds_no_violations(browser, page, page_name):
    open_page(browser, page(page_name))
    choose_with_arrows(browser, 8)

    results = run_axe(browser)

    assert "error" not in results, results
    assert results["violations"] == []
    assert results["passes"] > 0


def test_auto_show_keeps_page_focus(browser, page):
    browser.get(page("english.html"))
    tab_to_page_element(browser, "programme-link")

    wait_until(browser, "return !!document.querySelector('[data-cxaudit-widget]')")
    wait_until(browser, "return !document.querySelector('[data-cxaudit-widget]').shadowRoot.querySelector('.panel').hidden")

    assert browser.execute_script("return document.activeElement.id") == "programme-link"
    assert focused_in_widget(browser) is None


def test_escape_returns_focus(browser, page):
    open_page(browser, page("english.html"))
    tab_to_page_element(browser, "open-survey")
    press(browser, Keys.TAB)
    assert focused_in_widget(browser)["className"] == "close"

    press(browser, Keys.ESCAPE)

    assert not panel_shown(browser)
    assert browser.execute_script("return document.activeElement.id") == "open-survey"


def test_close_button_returns_focus(browser, page):
    browser.get(page("english.html", autoshow="false"))
    wait_until(browser, 'return !!document.querySelector("[data-cxaudit-widget]")')
    tab_to_page_element(browser, "open-survey")
    press(browser, Keys.ESCAPE)  # Escape outside the dialog must not matter.
    press(browser, Keys.ENTER)  # The page calls cxaudit('show').
    assert focused_in_widget(browser)["className"] == "panel dialog"

    press(browser, Keys.TAB)
    assert focused_in_widget(browser)["className"] == "close"
    press(browser, Keys.ENTER)

    assert not panel_shown(browser)
    assert browser.execute_script("return document.activeElement.id") == "open-survey"


def test_queued_show_replayed(browser, page):
    open_page(browser, page("queued.html"))

    assert focused_in_widget(browser)["className"] == "panel dialog"
    press(browser, Keys.ESCAPE)
    assert browser.execute_script("return document.activeElement.id") == "first-control"


def test_autoshow_false_waits_for_show(browser, page):
    browser.get(page("english.html", autoshow="false"))
    wait_until(browser, 'return !!document.querySelector("[data-cxaudit-widget]")')
    assert not panel_shown(browser)

    browser.execute_script('cxaudit("show")')

    assert panel_shown(browser)


HOST_STYLE_PROPERTIES = ("margin", "padding", "font", "color", "text-transform", "display", "width", "height", "outline")
MEASURE_PAGE = """
const properties = arguments[0];
const result = {};
for (const element of document.querySelectorAll("html, body, body *:not([data-cxaudit-widget]):not(script)")) {
  const style = getComputedStyle(element);
  const rect = element.getBoundingClientRect();
  const entry = {rect: [rect.x, rect.y, rect.width, rect.height]};
  for (const property of properties) { entry[property] = style.getPropertyValue(property); }
  result[element.tagName + "#" + element.id + "." + element.className] = entry;
}
return result;
"""


def test_hostile_css_isolated(browser, page):
    browser.get(page("hostile.html", with_widget=False, published_name="hostile-plain.html"))
    without_widget = browser.execute_script(MEASURE_PAGE, HOST_STYLE_PROPERTIES)

    open_page(browser, page("hostile.html"))
    choose_with_arrows(browser, 4)
    with_widget = browser.execute_script(MEASURE_PAGE, HOST_STYLE_PROPERTIES)

    assert with_widget == without_widget
    root = shadow_root(browser)
    for button in root.find_elements(By.CSS_SELECTOR, "button"):
        assert button.value_of_css_property("text-transform") == "none"
        assert button.value_of_css_property("letter-spacing") == "normal"
    choice = root.find_element(By.CSS_SELECTOR, ".choice span")
    assert choice.value_of_css_property("margin-top") == "0px"
    assert choice.value_of_css_property("background-color") == "rgba(255, 255, 255, 1)"
    label = root.find_element(By.CSS_SELECTOR, "label.text")
    assert label.value_of_css_property("font-size") == "16px"
    dialog = root.find_element(By.CSS_SELECTOR, ".panel")
    assert dialog.value_of_css_property("position") == "fixed"
    assert dialog.value_of_css_property("color") == "rgba(26, 26, 26, 1)"
    host_style = browser.execute_script(
        'const s = getComputedStyle(document.querySelector("[data-cxaudit-widget]"));'
        "return [s.margin, s.outlineStyle, s.position];"
    )
    assert host_style == ["0px", "none", "static"]


CHOICE_GEOMETRY = """
const root = document.querySelector("[data-cxaudit-widget]").shadowRoot;
const dialog = root.querySelector(".panel").getBoundingClientRect();
const choices = [...root.querySelectorAll(".choice")].map((c) => c.getBoundingClientRect());
return {
  viewport: document.documentElement.clientWidth,
  left: dialog.left, right: dialog.right, bottom: dialog.bottom, height: innerHeight,
  narrowest: Math.min(...choices.map((c) => c.width)),
  lowest: Math.min(...choices.map((c) => c.height)),
  rows: new Set(choices.map((c) => Math.round(c.top))).size,
  rightmost: Math.max(...choices.map((c) => c.right)),
  pageScrollWidth: document.documentElement.scrollWidth,
};
"""


@pytest.mark.parametrize(("width", "rows"), [(360, 1), (320, 2)])
def test_fits_narrow_screen(browser, page, width, rows):
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": width, "height": 640, "deviceScaleFactor": 1, "mobile": True}
    )
    open_page(browser, page("english.html"))

    geometry = browser.execute_script(CHOICE_GEOMETRY)

    assert geometry["viewport"] == width
    assert 0 <= geometry["left"] and geometry["right"] <= width
    assert geometry["rightmost"] <= geometry["right"]
    assert geometry["rows"] == rows
    # WCAG 2.2 target size (minimum) is 24 by 24 CSS pixels.
    assert geometry["narrowest"] >= 24 and geometry["lowest"] >= 24
    assert geometry["pageScrollWidth"] <= width


def test_fits_at_200_percent_zoom(browser, page):
    # 200 % zoom of a 1280 by 720 window leaves 640 by 360 CSS pixels.
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": 640, "height": 360, "deviceScaleFactor": 2, "mobile": False}
    )
    open_page(browser, page("english.html"))
    choose_with_arrows(browser, 2)

    geometry = browser.execute_script(CHOICE_GEOMETRY)

    assert geometry["right"] <= 640 and geometry["bottom"] <= 360
    assert geometry["pageScrollWidth"] <= 640
    # The dialog scrolls inside itself when it is taller than the window.
    scrolls = browser.execute_script(
        "const p = document.querySelector('[data-cxaudit-widget]').shadowRoot.querySelector('.panel');"
        "return getComputedStyle(p).overflowY;"
    )
    assert scrolls == "auto"


@pytest.mark.parametrize(("motion", "animation"), [("reduce", "none"), ("no-preference", "cxaudit-enter")])
def test_reduced_motion_respected(browser, page, motion, animation):
    browser.execute_cdp_cmd(
        "Emulation.setEmulatedMedia", {"features": [{"name": "prefers-reduced-motion", "value": motion}]}
    )
    open_page(browser, page("english.html"))

    dialog = shadow_root(browser).find_element(By.CSS_SELECTOR, ".panel")
    assert dialog.value_of_css_property("animation-name") == animation


def test_no_cookies(app, browser, page, live_server):
    open_page(browser, page("polish.html"))
    keyboard_answer(browser, 9, "Dobrze")
    wait_for_thanks(browser)

    assert browser.execute_script("return document.cookie") == ""
    assert browser.get_cookies() == []
    assert len(stored_responses(app)) == 1
    browser.get(f"{live_server}/widget/v1.js")
    assert browser.get_cookies() == []


def test_denied_origin_shows_nothing(app, browser, publish):
    from test_widget_support import add_survey

    other = add_survey(app, "https://muzeum.example")
    with script_on_every_page(browser, RECORD_WARNINGS):
        browser.get(publish("english.html", other))
        wait_until(browser, "return window.warnings.length")
        warnings = browser.execute_script("return window.warnings")

    assert warnings[0].startswith("[cxaudit] the survey could not be loaded")
    assert browser.execute_script('return document.querySelector("[data-cxaudit-widget]")') is None
