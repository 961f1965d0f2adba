"""Fixtures and helpers shared by the widget's browser tests (no tests here).

Fixture pages under tests/pages/widget/ carry the marker
``<!-- cxaudit snippet -->``; ``publish`` copies a page into a folder served
on its own port, with the snippet (and any extra data-* attributes) in place
of the marker, so the widget runs cross-origin as on a museum's site.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import axe_selenium_python
import pytest
from flask_babel import force_locale
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select

from cxaudit.api.surveys import survey_config_body
from cxaudit.extensions import db
from cxaudit.models import FunnelEvent, Institution, Response, Survey, SurveyKind

FIXTURES = Path(__file__).parent / "pages" / "widget"
SNIPPET_MARK = re.compile(r"<!-- cxaudit snippet( autoshow=false)? -->")
WAIT_SECONDS = 10
MAX_TABS = 40
AXE_SCRIPT = Path(axe_selenium_python.__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
RUN_AXE_ON_WIDGET = """
const done = arguments[arguments.length - 1];
axe.run(
  {include: [{fromShadowDom: ["[data-cxaudit-widget]", ".panel"]}]},
  {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}}
).then((results) => done({
  violations: results.violations.map((rule) => rule.id + ": " + rule.nodes.map((node) => node.target).join(", ")),
  passes: results.passes.length,
}), (error) => done({error: String(error)}));
"""
RECORD_WARNINGS = """
window.warnings = [];
const originalWarn = console.warn;
console.warn = (...parts) => { window.warnings.push(parts.join(" ")); originalWarn(...parts); };
"""
FOCUSED_IN_WIDGET = """
const host = document.querySelector("[data-cxaudit-widget]");
const focused = host && host.shadowRoot.activeElement;
if (!focused) { return null; }
return {tag: focused.tagName.toLowerCase(), className: focused.className, type: focused.type || null,
        value: focused.tagName === "INPUT" ? focused.value : null};
"""
PANEL_SHOWN = """
const host = document.querySelector("[data-cxaudit-widget]");
return !!host && !host.shadowRoot.querySelector(".panel").hidden;
"""
THANKS_TEXT = """
const host = document.querySelector("[data-cxaudit-widget]");
return host ? host.shadowRoot.querySelector(".thanks").textContent : "";
"""


@pytest.fixture(scope="module")
def module_browser(browser_config):
    """One headless Chromium for the whole module: starting one per test is slow."""
    from cxaudit.browser import start_browser

    driver = start_browser(browser_config)
    yield driver
    driver.quit()


@pytest.fixture
def browser(module_browser):
    """The module's Chromium, with device and media emulation reset after each test.
    Every test serves its pages on a new port, so storage starts empty."""
    yield module_browser
    module_browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    module_browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
    module_browser.execute_cdp_cmd("Network.enable", {})
    module_browser.execute_cdp_cmd(
        "Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
    )
    module_browser.get("about:blank")


@pytest.fixture
def site(tmp_path, serve_directory) -> tuple[Path, str]:
    folder = tmp_path / "site"
    folder.mkdir()
    return folder, serve_directory(folder)


def add_survey(app, origin: str, kind: SurveyKind = SurveyKind.NPS, settings: dict | None = None) -> str:
    """Store a survey of the city museum allowed on ``origin`` and return its public id."""
    with app.app_context():
        institution = db.session.scalar(select(Institution)) or Institution(slug="muzeum", name="Muzeum Miejskie")
        survey = Survey(institution=institution, kind=kind, allowed_origins=[origin], settings=settings or {})
        db.session.add(survey)
        db.session.commit()
        return survey.public_id


@pytest.fixture
def survey_id(app, site) -> str:
    return add_survey(app, site[1])


@pytest.fixture
def publish(site, live_server):
    """Publish a fixture page with the snippet for a survey; return its URL."""
    folder, origin = site

    def publish_page(name: str, survey: str | None, published_name: str | None = None, **attributes: str) -> str:
        def snippet(match: re.Match) -> str:
            if survey is None:
                # An empty script keeps the page's element structure the same.
                return "<script></script>"
            extra = dict(attributes)
            if match.group(1):
                extra.setdefault("autoshow", "false")
            data = "".join(f' data-{key.replace("_", "-")}="{value}"' for key, value in extra.items())
            return f'<script src="{live_server}/widget/v1.js" data-survey="{survey}"{data} async></script>'

        for asset in [*FIXTURES.glob("*.js"), *FIXTURES.glob("*.css")]:
            (folder / asset.name).write_bytes(asset.read_bytes())
        html = SNIPPET_MARK.sub(snippet, (FIXTURES / name).read_text(encoding="utf-8"))
        html = html.replace("{{API}}", live_server)
        target = published_name or name
        (folder / target).write_text(html, encoding="utf-8")
        return f"{origin}/{target}"

    return publish_page


@pytest.fixture
def page(publish, survey_id):
    """Publish a fixture page with the snippet of the default NPS survey."""

    def publish_default(name: str, with_widget: bool = True, published_name: str | None = None, **attributes) -> str:
        return publish(name, survey_id if with_widget else None, published_name, **attributes)

    return publish_default


def config_texts(app, public_id: str, language: str) -> dict:
    """The configuration the API gives the widget in ``language``."""
    with app.test_request_context(), force_locale(language):
        survey = db.session.scalars(select(Survey).where(Survey.public_id == public_id)).one()
        return survey_config_body(survey, language)


def wait_until(browser, script: str, *args):
    return WebDriverWait(browser, WAIT_SECONDS).until(lambda driver: driver.execute_script(script, *args))


def open_page(browser, url: str) -> None:
    browser.get(url)
    wait_until(browser, PANEL_SHOWN)


def panel_shown(browser) -> bool:
    return browser.execute_script(PANEL_SHOWN)


def shadow_root(browser):
    return browser.find_element(By.CSS_SELECTOR, "[data-cxaudit-widget]").shadow_root


def widget_text(browser, selector: str) -> str:
    return shadow_root(browser).find_element(By.CSS_SELECTOR, selector).text


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


def tab_to_choices(browser) -> dict:
    """Tab into the radio group; return the focused radio."""
    tab_to_widget_control(browser, "rating choices", lambda focused: focused["type"] == "radio")
    return focused_in_widget(browser)


def choose_with_arrows(browser, position: int) -> None:
    """Tab into the radio group and press the right arrow ``position`` times."""
    tab_to_choices(browser)
    press(browser, *[Keys.ARROW_RIGHT] * position)


def tab_to_comment(browser) -> None:
    tab_to_widget_control(browser, "comment field", lambda focused: focused["tag"] == "textarea")


def tab_to_page_element(browser, element_id: str) -> None:
    for _ in range(MAX_TABS):
        press(browser, Keys.TAB)
        if browser.execute_script("return document.activeElement.id") == element_id:
            return
    pytest.fail(f"Tab never reached #{element_id}")


def wait_for_thanks(browser) -> str:
    return wait_until(browser, THANKS_TEXT)


def stored_responses(app) -> list[Response]:
    with app.app_context():
        return list(db.session.scalars(select(Response).order_by(Response.id)))


def stored_events(app) -> list[FunnelEvent]:
    with app.app_context():
        return list(db.session.scalars(select(FunnelEvent).order_by(FunnelEvent.id)))


def run_axe(browser) -> dict:
    browser.execute_script(AXE_SCRIPT.read_text(encoding="utf-8"))
    return browser.execute_async_script(RUN_AXE_ON_WIDGET)


def keyboard_answer(browser, position: int, comment: str) -> None:
    """Answer with the keyboard only: arrows to a choice, Tab to the comment, Enter on Send."""
    choose_with_arrows(browser, position)
    tab_to_comment(browser)
    press(browser, comment)
    press(browser, Keys.TAB)
    assert focused_in_widget(browser)["className"] == "submit"
    press(browser, Keys.ENTER)


@contextlib.contextmanager
def script_on_every_page(browser, source: str):
    """Run ``source`` at the start of every page loaded inside the block."""
    added = browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": source})
    try:
        yield
    finally:
        browser.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": added["identifier"]})
