"""The three jobs on a real page: a webmaster pastes the snippet into a copy of
a real institution's page, a visitor answers by keyboard alone in headless
Chromium, and the answer shows in the institution's scorecard."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from sqlalchemy import select

from cxaudit.cli import cli
from cxaudit.extensions import db
from cxaudit.models import Response

pytestmark = [pytest.mark.browser, pytest.mark.corpus]

# A real page of the Copernicus Science Centre's planetarium, in Polish.
REAL_PAGE = "niebo-kopernika/site/start.html"
SNIPPET = re.compile(r'<script src="(?P<src>[^"]+)" data-survey="(?P<survey>[^"]+)" async></script>')
WAIT_SECONDS = 15
# The widget comes last in the tab order, after the page's own ~80 links and fields.
MAX_TABS = 400

# "radio" for a rating choice, otherwise the tag name, or null outside the widget.
FOCUSED_CONTROL = """
const host = document.querySelector("[data-cxaudit-widget]");
const focused = host && host.shadowRoot.activeElement;
if (!focused) { return null; }
return focused.type === "radio" ? "radio" : focused.tagName.toLowerCase();
"""
THANKS_TEXT = """
const host = document.querySelector("[data-cxaudit-widget]");
return host ? host.shadowRoot.querySelector(".thanks").textContent : "";
"""


def invoke(runner, *args: str) -> str:
    result = runner.invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def paste_snippet(page: str, snippet: str) -> str:
    """Insert the snippet where a webmaster would: just before </body>."""
    head, tail = page.rsplit("</body>", 1)
    return f"{head}{snippet}\n</body>{tail}"


def tab_until(browser, wanted: str) -> None:
    for _ in range(MAX_TABS):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        if browser.execute_script(FOCUSED_CONTROL) == wanted:
            return
    pytest.fail(f"Tab never reached {wanted} in the widget")


def test_snippet_answer_reaches_scorecard(app, corpus, tmp_path, serve_directory, live_server, browser):
    site_folder = tmp_path / "site"
    shutil.copytree(corpus / REAL_PAGE.rsplit("/", 1)[0], site_folder)
    origin = serve_directory(site_folder)
    runner = app.test_cli_runner()

    invoke(runner, "institution", "add", "niebo-kopernika", "--name", "Planetarium Niebo Kopernika")
    output = invoke(runner, "survey", "add", "niebo-kopernika", "--kind", "nps", "--origin", origin, "--base-url", live_server)
    snippet = SNIPPET.search(output)
    assert snippet, output

    # The page has no lang attribute, so the webmaster names the language.
    snippet_html = snippet.group(0).replace(" async>", ' data-lang="pl" async>')
    page_path = site_folder / "start.html"
    page_path.write_text(paste_snippet(page_path.read_text(encoding="utf-8"), snippet_html), encoding="utf-8")

    browser.get(f"{origin}/start.html")
    WebDriverWait(browser, WAIT_SECONDS).until(
        lambda driver: driver.execute_script('return !!document.querySelector("[data-cxaudit-widget]")')
    )
    # Tab reaches the rating group on its first choice, 0; arrows move to 9.
    tab_until(browser, "radio")
    ActionChains(browser).send_keys(*[Keys.ARROW_RIGHT] * 9).perform()
    tab_until(browser, "textarea")
    ActionChains(browser).send_keys("Świetny seans, łatwa rezerwacja").perform()
    ActionChains(browser).send_keys(Keys.TAB, Keys.ENTER).perform()
    WebDriverWait(browser, WAIT_SECONDS).until(lambda driver: driver.execute_script(THANKS_TEXT))

    scorecard = json.loads(invoke(runner, "scorecard", "niebo-kopernika", "--format", "json"))
    nps = scorecard["nps"]
    assert nps["responses"] == 1
    assert nps["promoters"] == 1
    assert nps["score"] == 100
    assert nps["small_sample"] is True

    with app.app_context():
        [response] = db.session.scalars(select(Response)).all()
        assert (response.score, response.comment, response.language) == (9, "Świetny seans, łatwa rezerwacja", "pl")
