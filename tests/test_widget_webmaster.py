"""A new webmaster's first survey, as the README tells it: add the survey on
the command line, paste the printed snippet just before </body> of the
museum's page, let a visitor answer in Chromium, and find the answer on the
survey's answers page in the web UI."""

from __future__ import annotations

import re

from accounts import PASSWORD, add_user
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from cxaudit.cli import cli
from cxaudit.models import Role
from test_widget_support import *  # noqa: F403  (fixtures and helpers)
from test_widget_support import FIXTURES, PANEL_SHOWN, THANKS_TEXT, WAIT_SECONDS, shadow_root, wait_until

SNIPPET = re.compile(r'<script src="[^"]+/widget/v1\.js" data-survey="(?P<survey>[^"]+)" async></script>')


def run_command(app, *args: str) -> str:
    result = app.test_cli_runner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def add_editor(app) -> None:
    """Store the editor of the museum, who reads its answers."""
    add_user(app, "redaktorka", {"muzeum-miejskie": Role.EDITOR})


def sign_in_with_form(browser, live_server: str) -> None:
    browser.get(f"{live_server}/login")
    browser.find_element(By.NAME, "login").send_keys("redaktorka")
    browser.find_element(By.NAME, "password").send_keys(PASSWORD)
    browser.find_element(By.NAME, "password").submit()
    WebDriverWait(browser, WAIT_SECONDS).until(lambda driver: "/login" not in driver.current_url)


def test_pasted_snippet_answer_in_admin(app, browser, site, live_server):
    folder, origin = site
    run_command(app, "institution", "add", "muzeum-miejskie", "--name", "Muzeum Miejskie", "--language", "pl")
    output = run_command(app, "survey", "add", "muzeum-miejskie", "--kind", "nps", "--origin", origin, "--base-url", live_server)
    snippet = SNIPPET.search(output)
    assert snippet, output

    page = (FIXTURES / "museum-home.html").read_text(encoding="utf-8")
    (folder / "index.html").write_text(page.replace("</body>", f"{snippet.group(0)}\n</body>"), encoding="utf-8")
    browser.get(f"{origin}/index.html")
    wait_until(browser, PANEL_SHOWN)
    root = shadow_root(browser)
    root.find_element(By.CSS_SELECTOR, "input[value='10']").click()
    root.find_element(By.CSS_SELECTOR, "textarea").send_keys("Świetna wystawa")
    root.find_element(By.CSS_SELECTOR, ".submit").click()
    wait_until(browser, THANKS_TEXT)

    add_editor(app)
    sign_in_with_form(browser, live_server)
    browser.get(f"{live_server}/institutions/muzeum-miejskie/surveys/{snippet.group('survey')}/answers")
    answers = browser.find_element(By.TAG_NAME, "main").text

    assert "Świetna wystawa" in answers
    assert f"{origin}/index.html" in answers
    assert re.search(r"\b10\b", answers)
