"""The survey widget in real headless Chromium, on fixture pages served from
another origin than the app so CORS applies as it does on a museum's site."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from flask_babel import get_babel
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select

import axe_selenium_python

from cxaudit.extensions import babel, db
from cxaudit.models import Institution, Response, Survey, SurveyKind

pytestmark = pytest.mark.browser

AXE_SCRIPT = Path(axe_selenium_python.__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
# Runs axe-core on the widget's dialog only, with the WCAG 2.x A and AA rules.
RUN_AXE_ON_WIDGET = """
const done = arguments[arguments.length - 1];
axe.run(
  {include: [{fromShadowDom: ["[data-cxaudit-widget]", ".dialog"]}]},
  {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}
).then((results) => done({
  violations: results.violations.map((rule) => rule.id + ": " + rule.nodes.map((node) => node.target).join(", ")),
  passes: results.passes.length,
}), (error) => done({error: String(error)}));
"""

FIXTURES = Path(__file__).parent / "pages" / "widget"
SNIPPET_MARK = re.compile(r"<!-- cxaudit snippet( autoshow=false)? -->")
WAIT_SECONDS = 10
# Enough Tab presses to cross any fixture page and the whole dialog.
MAX_TABS = 40

# Polish texts compiled into a test catalog, so the test shows that the
# widget displays the server's translations whatever the real catalog holds.
POLISH_TEXTS = {
    "How likely is it that you would recommend %(institution)s to a friend?": (
        "Jak bardzo prawdopodobne jest, że polecisz %(institution)s znajomym?"
    ),
    "0 – not at all likely": "0 – bardzo mało prawdopodobne",
    "10 – extremely likely": "10 – bardzo prawdopodobne",
    "What is the main reason for your score? (optional)": "Co najbardziej wpłynęło na Twoją ocenę? (opcjonalnie)",
    "Send": "Wyślij",
    "Close the survey": "Zamknij ankietę",
    "Thank you! Your answer has been sent.": "Dziękujemy! Twoja odpowiedź została wysłana.",
}

# Records every JSON body the page sends with fetch, to check the payload.
RECORD_FETCH_BODIES = """
window.sentBodies = [];
const originalFetch = window.fetch;
window.fetch = (url, init) => {
  if (init && init.body) { window.sentBodies.push(JSON.parse(init.body)); }
  return originalFetch(url, init);
};
"""

# Records console warnings from the start of each page load.
RECORD_WARNINGS = """
window.warnings = [];
const originalWarn = console.warn;
console.warn = (...parts) => { window.warnings.push(parts.join(" ")); originalWarn(...parts); };
"""

FOCUSED_IN_WIDGET = """
const host = document.querySelector("[data-cxaudit-widget]");
const focused = host && host.shadowRoot.activeElement;
if (!focused) { return null; }
return {tag: focused.tagName.toLowerCase(), className: focused.className, score: focused.dataset.score || null};
"""

DIALOG_SHOWN = """
const host = document.querySelector("[data-cxaudit-widget]");
return !!host && !host.shadowRoot.querySelector(".dialog").hidden;
"""


@pytest.fixture
def site(tmp_path, serve_directory) -> tuple[Path, str]:
    """A folder served on its own port and its origin."""
    folder = tmp_path / "site"
    folder.mkdir()
    return folder, serve_directory(folder)


@pytest.fixture
def survey_id(app, site) -> str:
    _, origin = site
    with app.app_context():
        institution = Institution(slug="muzeum", name="Muzeum Miejskie")
        survey = Survey(institution=institution, kind=SurveyKind.NPS, allowed_origins=[origin])
        db.session.add_all([institution, survey])
        db.session.commit()
        return survey.public_id


@pytest.fixture
def page(site, live_server, survey_id):
    """Copy a fixture page into the served folder with the snippet in place
    of its marker, and return the page's URL."""
    folder, origin = site

    def publish(name: str, with_widget: bool = True, published_name: str | None = None, autoshow: bool = True) -> str:
        def snippet(match: re.Match) -> str:
            if not with_widget:
                # An empty script keeps the page's element structure the same.
                return "<script></script>"
            autoshow_attribute = ' data-autoshow="false"' if match.group(1) or not autoshow else ""
            return f'<script src="{live_server}/widget/v1.js" data-survey="{survey_id}"{autoshow_attribute} async></script>'

        html = SNIPPET_MARK.sub(snippet, (FIXTURES / name).read_text(encoding="utf-8"))
        target = published_name or name
        (folder / target).write_text(html, encoding="utf-8")
        return f"{origin}/{target}"

    return publish


@pytest.fixture
def polish_catalog(app, tmp_path):
    """Add a compiled Polish catalog of the widget's texts to the app."""
    catalog = Catalog(locale="pl")
    for msgid, msgstr in POLISH_TEXTS.items():
        catalog.add(msgid, msgstr, flags=["python-format"] if "%(" in msgid else [])
    directory = tmp_path / "translations" / "pl" / "LC_MESSAGES"
    directory.mkdir(parents=True)
    with open(directory / "messages.mo", "wb") as mo_file:
        write_mo(mo_file, catalog)

    config = get_babel(app)
    original = list(config.translation_directories)
    config.translation_directories = [*original, str(tmp_path / "translations")]
    # Flask-Babel caches loaded catalogs on the extension object that every
    # app of the test session shares.
    with app.app_context():
        babel.domain_instance.cache.clear()
    yield
    config.translation_directories = original
    with app.app_context():
        babel.domain_instance.cache.clear()


def open_page(browser, url: str) -> None:
    browser.get(url)
    WebDriverWait(browser, WAIT_SECONDS).until(lambda driver: driver.execute_script(DIALOG_SHOWN))


def shadow_root(browser):
    return browser.find_element(By.CSS_SELECTOR, "[data-cxaudit-widget]").shadow_root


def press(browser, *keys: str) -> None:
    ActionChains(browser).send_keys(*keys).perform()


def focused_in_widget(browser) -> dict | None:
    return browser.execute_script(FOCUSED_IN_WIDGET)


def tab_to_widget_control(browser, description: str, matches) -> None:
    for _ in range(MAX_TABS):
        press(browser, Keys.TAB)
        focused = focused_in_widget(browser)
        if focused and matches(focused):
            return
    pytest.fail(f"Tab never reached the {description}")


def tab_to_score(browser, score: int) -> None:
    tab_to_widget_control(browser, f"score button {score}", lambda focused: focused["score"] == str(score))


def tab_to_comment(browser) -> None:
    tab_to_widget_control(browser, "comment field", lambda focused: focused["tag"] == "textarea")


def tab_to_page_element(browser, element_id: str) -> None:
    for _ in range(MAX_TABS):
        press(browser, Keys.TAB)
        if browser.execute_script("return document.activeElement.id") == element_id:
            return
    pytest.fail(f"Tab never reached #{element_id}")


def wait_for_thanks(browser) -> None:
    WebDriverWait(browser, WAIT_SECONDS).until(
        lambda driver: driver.execute_script(
            'return !document.querySelector("[data-cxaudit-widget]").shadowRoot.querySelector(".thanks").hidden'
        )
    )


def stored_responses(app) -> list[Response]:
    with app.app_context():
        return list(db.session.scalars(select(Response).order_by(Response.id)))


def widget_text(browser, selector: str) -> str:
    return shadow_root(browser).find_element(By.CSS_SELECTOR, selector).text


def test_keyboard_answer_stored(app, browser, page, site, polish_catalog):
    _, origin = site
    open_page(browser, page("polish.html") + "?order=1234#confirmation")
    browser.execute_script(RECORD_FETCH_BODIES)

    tab_to_score(browser, 7)
    press(browser, Keys.ENTER)
    tab_to_comment(browser)
    press(browser, "Obsługa bardzo miła")
    press(browser, Keys.TAB)
    assert focused_in_widget(browser)["className"] == "submit"
    press(browser, Keys.SPACE)
    wait_for_thanks(browser)

    expected_payload = {
        "score": 7,
        "comment": "Obsługa bardzo miła",
        "language": "pl",
        "page_url": f"{origin}/polish.html",
    }
    assert browser.execute_script("return window.sentBodies") == [expected_payload]
    [row] = stored_responses(app)
    assert row.score == 7
    assert row.comment == "Obsługa bardzo miła"
    assert row.language == "pl"
    assert row.page_url == f"{origin}/polish.html"
    assert focused_in_widget(browser)["className"] == "thanks"
    assert widget_text(browser, ".thanks") == "Dziękujemy! Twoja odpowiedź została wysłana."


def test_space_selects_score(app, browser, page):
    open_page(browser, page("english.html"))

    tab_to_score(browser, 10)
    press(browser, Keys.SPACE)

    pressed = [button.text for button in shadow_root(browser).find_elements(By.CSS_SELECTOR, '[aria-pressed="true"]')]
    assert pressed == ["10"]
    assert shadow_root(browser).find_element(By.CSS_SELECTOR, "textarea").is_displayed()


def test_polish_page_gets_polish_texts(browser, page, polish_catalog):
    open_page(browser, page("polish.html"))

    assert widget_text(browser, "h2") == "Jak bardzo prawdopodobne jest, że polecisz Muzeum Miejskie znajomym?"
    assert widget_text(browser, "#cxaudit-scale-low") == "0 – bardzo mało prawdopodobne"
    assert widget_text(browser, "#cxaudit-scale-high") == "10 – bardzo prawdopodobne"
    assert shadow_root(browser).find_element(By.CSS_SELECTOR, ".dialog").get_attribute("lang") == "pl"


def test_english_page_gets_english_texts(browser, page, polish_catalog):
    open_page(browser, page("english.html"))

    assert widget_text(browser, "h2") == "How likely is it that you would recommend Muzeum Miejskie to a friend?"
    assert widget_text(browser, "#cxaudit-scale-low") == "0 – not at all likely"
    assert widget_text(browser, "#cxaudit-scale-high") == "10 – extremely likely"
    assert shadow_root(browser).find_element(By.CSS_SELECTOR, ".dialog").get_attribute("lang") == "en"


def test_controls_have_accessible_names(browser, page):
    open_page(browser, page("english.html"))
    tab_to_score(browser, 3)
    press(browser, Keys.ENTER)
    root = shadow_root(browser)

    buttons = root.find_elements(By.CSS_SELECTOR, "button")
    names = [button.accessible_name for button in buttons]
    assert all(name.strip() for name in names), names
    assert names[0] == "Close the survey"
    assert names[1:12] == [str(score) for score in range(11)]
    assert names[12] == "Send"
    dialog = root.find_element(By.CSS_SELECTOR, ".dialog")
    assert dialog.aria_role == "dialog"
    assert dialog.accessible_name == "How likely is it that you would recommend Muzeum Miejskie to a friend?"
    group = root.find_element(By.CSS_SELECTOR, ".scores")
    assert group.aria_role == "group"
    assert group.accessible_name == dialog.accessible_name
    textarea = root.find_element(By.CSS_SELECTOR, "textarea")
    assert textarea.accessible_name == "What is the main reason for your score? (optional)"


@pytest.mark.parametrize("page_name", ["english.html", "hostile.html"])
def test_axe_finds_no_violations(browser, page, page_name):
    open_page(browser, page(page_name))
    tab_to_score(browser, 8)
    press(browser, Keys.ENTER)
    browser.execute_script(AXE_SCRIPT.read_text(encoding="utf-8"))

    results = browser.execute_async_script(RUN_AXE_ON_WIDGET)

    assert "error" not in results, results
    assert results["violations"] == []
    assert results["passes"] > 0


def test_auto_show_keeps_page_focus(browser, page):
    browser.get(page("english.html"))
    tab_to_page_element(browser, "programme-link")

    WebDriverWait(browser, WAIT_SECONDS).until(lambda driver: driver.execute_script(DIALOG_SHOWN))

    assert browser.execute_script("return document.activeElement.id") == "programme-link"
    assert focused_in_widget(browser) is None


def test_escape_returns_focus(browser, page):
    open_page(browser, page("english.html"))
    tab_to_page_element(browser, "open-survey")
    press(browser, Keys.TAB)
    assert focused_in_widget(browser)["className"] == "close"

    press(browser, Keys.ESCAPE)

    assert not browser.execute_script(DIALOG_SHOWN)
    assert browser.execute_script("return document.activeElement.id") == "open-survey"


def test_close_button_returns_focus(browser, page):
    open_page(browser, page("english.html"))
    tab_to_page_element(browser, "open-survey")
    press(browser, Keys.ESCAPE)  # Escape outside the dialog must not matter.
    press(browser, Keys.ENTER)  # The page calls cxaudit('show').
    assert focused_in_widget(browser)["className"] == "dialog"

    press(browser, Keys.TAB)
    assert focused_in_widget(browser)["className"] == "close"
    press(browser, Keys.ENTER)

    assert not browser.execute_script(DIALOG_SHOWN)
    assert browser.execute_script("return document.activeElement.id") == "open-survey"


def test_queued_show_replayed(browser, page):
    open_page(browser, page("queued.html"))

    assert focused_in_widget(browser)["className"] == "dialog"
    press(browser, Keys.ESCAPE)
    assert browser.execute_script("return document.activeElement.id") == "first-control"


def test_autoshow_false_waits_for_show(browser, page):
    browser.get(page("english.html", autoshow=False))
    WebDriverWait(browser, WAIT_SECONDS).until(
        lambda driver: driver.execute_script('return !!document.querySelector("[data-cxaudit-widget]")')
    )
    assert not browser.execute_script(DIALOG_SHOWN)

    browser.execute_script('cxaudit("show")')

    assert browser.execute_script(DIALOG_SHOWN)


HOST_STYLE_PROPERTIES = ("margin", "padding", "font", "color", "text-transform", "display", "width", "height", "outline")
MEASURE_PAGE = """
const properties = arguments[0];
const result = {};
for (const selector of ["html", "body", "main", "h1", "#lead", "label", "#search", "#open-survey"]) {
  const element = document.querySelector(selector);
  const style = getComputedStyle(element);
  const rect = element.getBoundingClientRect();
  result[selector] = {rect: [rect.x, rect.y, rect.width, rect.height]};
  for (const property of properties) { result[selector][property] = style.getPropertyValue(property); }
}
return result;
"""


def test_hostile_css_isolated(browser, page):
    browser.get(page("hostile.html", with_widget=False, published_name="hostile-plain.html"))
    without_widget = browser.execute_script(MEASURE_PAGE, HOST_STYLE_PROPERTIES)

    open_page(browser, page("hostile.html"))
    with_widget = browser.execute_script(MEASURE_PAGE, HOST_STYLE_PROPERTIES)

    for selector, styles in without_widget.items():
        assert with_widget[selector] == styles, selector
    root = shadow_root(browser)
    for button in root.find_elements(By.CSS_SELECTOR, "button"):
        assert button.value_of_css_property("text-transform") == "none"
        assert button.value_of_css_property("letter-spacing") == "normal"
    score = root.find_element(By.CSS_SELECTOR, ".score")
    assert score.value_of_css_property("margin-top") == "0px"
    assert score.value_of_css_property("background-color") == "rgba(255, 255, 255, 1)"
    dialog = root.find_element(By.CSS_SELECTOR, ".dialog")
    assert dialog.value_of_css_property("position") == "fixed"
    assert dialog.value_of_css_property("color") == "rgba(26, 26, 26, 1)"
    host_style = browser.execute_script(
        'const s = getComputedStyle(document.querySelector("[data-cxaudit-widget]"));'
        "return [s.margin, s.outlineStyle, s.position];"
    )
    assert host_style == ["0px", "none", "static"]


def test_fits_narrow_screen(browser, page):
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": 320, "height": 640, "deviceScaleFactor": 1, "mobile": True}
    )
    open_page(browser, page("english.html"))
    tab_to_score(browser, 5)
    press(browser, Keys.ENTER)

    geometry = browser.execute_script(
        """
        const root = document.querySelector("[data-cxaudit-widget]").shadowRoot;
        const dialog = root.querySelector(".dialog").getBoundingClientRect();
        const buttons = [...root.querySelectorAll("button")].map((b) => b.getBoundingClientRect());
        return {
          viewport: document.documentElement.clientWidth,
          left: dialog.left, right: dialog.right,
          narrowestButton: Math.min(...buttons.map((b) => b.width)),
          rightmostButton: Math.max(...buttons.map((b) => b.right)),
          pageScrollWidth: document.documentElement.scrollWidth,
        };
        """
    )
    assert geometry["viewport"] == 320
    assert geometry["left"] >= 0
    assert geometry["right"] <= 320
    assert geometry["rightmostButton"] <= geometry["right"]
    assert geometry["narrowestButton"] >= 24  # WCAG 2.2 target size (minimum) is 24 by 24 CSS pixels.
    assert geometry["pageScrollWidth"] <= 320


@pytest.mark.parametrize(("motion", "animation"), [("reduce", "none"), ("no-preference", "cxaudit-enter")])
def test_reduced_motion_respected(browser, page, motion, animation):
    browser.execute_cdp_cmd(
        "Emulation.setEmulatedMedia", {"features": [{"name": "prefers-reduced-motion", "value": motion}]}
    )
    open_page(browser, page("english.html"))

    dialog = shadow_root(browser).find_element(By.CSS_SELECTOR, ".dialog")
    assert dialog.value_of_css_property("animation-name") == animation


def test_no_cookies(app, browser, page, live_server):
    open_page(browser, page("polish.html"))
    tab_to_score(browser, 9)
    press(browser, Keys.ENTER)
    tab_to_comment(browser)
    press(browser, Keys.TAB, Keys.ENTER)
    wait_for_thanks(browser)

    assert browser.execute_script("return document.cookie") == ""
    assert browser.get_cookies() == []
    assert len(stored_responses(app)) == 1
    browser.get(f"{live_server}/widget/v1.js")
    assert browser.get_cookies() == []


def test_denied_origin_shows_nothing(app, browser, page, survey_id):
    with app.app_context():
        survey = db.session.scalars(select(Survey).where(Survey.public_id == survey_id)).one()
        survey.allowed_origins = ["https://muzeum.example"]
        db.session.commit()

    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_WARNINGS})
    browser.get(page("english.html"))
    WebDriverWait(browser, WAIT_SECONDS).until(lambda driver: driver.execute_script("return window.warnings.length"))

    warnings = browser.execute_script("return window.warnings")
    assert warnings[0].startswith("[cxaudit] the survey could not be loaded")
    assert browser.execute_script('return document.querySelector("[data-cxaudit-widget]")') is None
