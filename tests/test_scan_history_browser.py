"""The per-rule trend chart on a site's history page, as headless Chromium draws it."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from cxaudit.extensions import db
from cxaudit.models import User
from cxaudit.scan.trend_chart import COLOURS
from scan_rows import add_scan, add_site, violation

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"
RULES = ("color-contrast", "image-alt", "link-name", "label", "heading-order")


@pytest.fixture
def app(any_db_app):
    """The app on SQLite, then on PostgreSQL."""
    return any_db_app


@pytest.fixture
def site_id(app) -> int:
    """A site with three scans in which five rules fail on a changing number of pages."""
    with app.app_context():
        user = User(login="anna", is_deployment_admin=True)
        user.set_password(PASSWORD)
        db.session.add(user)
        site = add_site()
        for scan in range(3):
            pages = {}
            for index, rule in enumerate(RULES):
                for page in range((index + scan) % 4 + 1):
                    pages.setdefault(f"https://muzeum.example/{page}", []).append(violation(rule, ["p"]))
            add_scan(site, pages)
        return site.id


def sign_in(browser, live_server: str, next_path: str) -> None:
    browser.get(f"{live_server}/login?lang=pl&next={next_path}")
    browser.find_element(By.ID, "login").send_keys("anna")
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.ID, "password").submit()


def colours_drawn(png: bytes) -> set[str]:
    """Return the palette colours found, exactly, in at least a few pixels of ``png``."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    counts = {pixel: count for count, pixel in image.getcolors(maxcolors=image.width * image.height)}
    return {colour for colour in COLOURS if counts.get(tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5)), 0) >= 5}


def test_history_chart_drawn_in_chromium(site_id, live_server, browser, tmp_path):
    sign_in(browser, live_server, f"/sites/{site_id}")
    chart = WebDriverWait(browser, 15).until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "figure.chart img")))
    WebDriverWait(browser, 15).until(lambda driver: driver.execute_script("return arguments[0].complete", chart))

    # A blocked or broken image would have no size of its own.
    size = browser.execute_script("return [arguments[0].naturalWidth, arguments[0].naturalHeight]", chart)
    assert size[0] > 0
    assert size[1] > 0
    assert chart.get_attribute("alt").startswith("Strony, na których naruszono każdą regułę")
    browser.set_window_size(1000, 1000)
    browser.execute_script("arguments[0].scrollIntoView()", chart)
    png = chart.screenshot_as_png
    (tmp_path / "trend-chart.png").write_bytes(png)
    # Every rule's markers are filled with its colour, so each colour shows on screen.
    assert colours_drawn(png) == set(COLOURS[: len(RULES)])
