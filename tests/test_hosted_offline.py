"""The kiosk page loads without network through its service worker, and the
answers given offline reach the database exactly once when the network
returns.

"Offline" here is both Chromium's emulated offline network (so the page sees
navigator.onLine false and the "online" event on return) and the cxaudit
server stopped, so a request that escaped the emulation would fail too.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from selenium.webdriver.support.ui import WebDriverWait
from werkzeug.serving import make_server

from cxaudit.models import SurveyKind
from test_widget_support import *  # noqa: F403  (fixtures and helpers)
from test_widget_support import (
    PANEL_SHOWN,
    WAIT_SECONDS,
    add_survey,
    keyboard_answer,
    stored_responses,
    wait_for_thanks,
    wait_until,
)

WORKER_READY = """
const done = arguments[arguments.length - 1];
navigator.serviceWorker.ready
  .then(() => caches.open("cxaudit-kiosk"))
  .then((cache) => cache.match(location.href))
  .then((page) => done(!!navigator.serviceWorker.controller && !!page), () => done(false));
"""
OUTBOX_SIZE = "return (JSON.parse(localStorage.getItem('cxaudit:outbox')) || []).length"


class RestartableServer:
    """The app on one 127.0.0.1 port that can be stopped and started again."""

    def __init__(self, app) -> None:
        self.app = app
        self.port = 0
        self.server = None
        self.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self.port = self.server.server_port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def kiosk_server(app) -> Iterator[RestartableServer]:
    server = RestartableServer(app)
    yield server
    server.stop()


def set_offline(browser, offline: bool) -> None:
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd(
        "Network.emulateNetworkConditions",
        {"offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )


def go_offline(browser, server: RestartableServer) -> None:
    set_offline(browser, True)
    server.stop()


def go_online(browser, server: RestartableServer) -> None:
    server.start()
    set_offline(browser, False)


def reload_kiosk(browser) -> None:
    browser.refresh()
    wait_until(browser, PANEL_SHOWN)


def answer_offline(browser, position: int, comment: str) -> None:
    keyboard_answer(browser, position, comment)
    wait_for_thanks(browser)


def test_kiosk_offline_answers_sent_once(app, browser, kiosk_server):
    public_id = add_survey(app, "https://muzeum.example", SurveyKind.NPS)
    browser.get(f"{kiosk_server.url}/s/{public_id}?kiosk=1&lang=en")
    wait_until(browser, PANEL_SHOWN)
    assert WebDriverWait(browser, WAIT_SECONDS).until(lambda driver: driver.execute_async_script(WORKER_READY))

    go_offline(browser, kiosk_server)
    reload_kiosk(browser)
    answer_offline(browser, 9, "Offline first")
    reload_kiosk(browser)
    answer_offline(browser, 4, "Offline second")
    reload_kiosk(browser)

    assert browser.execute_script("return !!navigator.serviceWorker.controller")
    assert browser.execute_script(OUTBOX_SIZE) == 2
    assert stored_responses(app) == []

    go_online(browser, kiosk_server)
    WebDriverWait(browser, WAIT_SECONDS).until(lambda driver: driver.execute_script(OUTBOX_SIZE) == 0)
    reload_kiosk(browser)
    WebDriverWait(browser, WAIT_SECONDS).until(lambda driver: driver.execute_script(OUTBOX_SIZE) == 0)

    rows = stored_responses(app)
    assert sorted((row.score, row.comment) for row in rows) == [(4, "Offline second"), (9, "Offline first")]
    assert len({row.idempotency_key for row in rows}) == 2


def test_kiosk_worker_scope_is_the_page(app, browser, kiosk_server):
    public_id = add_survey(app, "https://muzeum.example", SurveyKind.NPS)
    browser.get(f"{kiosk_server.url}/s/{public_id}?kiosk=1&lang=en")
    wait_until(browser, PANEL_SHOWN)
    assert WebDriverWait(browser, WAIT_SECONDS).until(lambda driver: driver.execute_async_script(WORKER_READY))

    scope = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "navigator.serviceWorker.getRegistration().then((registration) => done(registration.scope));"
    )

    assert scope == f"{kiosk_server.url}/s/{public_id}"


def test_hosted_page_without_kiosk_registers_nothing(client, app):
    public_id = add_survey(app, "https://muzeum.example", SurveyKind.NPS)

    html = client.get(f"/s/{public_id}").get_data(as_text=True)

    assert "kiosk.js" not in html


def test_kiosk_worker_served_uncached(client):
    response = client.get("/s/kiosk-sw.js")

    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.cache_control.no_cache
    assert b"addEventListener(\"fetch\"" in response.data
