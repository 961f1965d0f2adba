"""The server stops while a visitor answers: the widget keeps the answer and
sends it once when the server is back on the same address.

The server here is Werkzeug's, stopped and started again on the same port in
the test's process; gunicorn under load is covered by bench/burst.py, and a
real five-minute outage of `cxaudit serve` by bench/outage.py.
"""

from __future__ import annotations

import threading

import pytest
from selenium.webdriver.support.ui import WebDriverWait
from werkzeug.serving import make_server

from test_widget_support import *  # noqa: F403  (fixtures and helpers)
from test_widget_support import (
    WAIT_SECONDS,
    keyboard_answer,
    open_page,
    script_on_every_page,
    stored_responses,
    wait_for_thanks,
)

pytestmark = pytest.mark.browser

OUTBOX = "return JSON.parse(localStorage.getItem('cxaudit:outbox') || '[]')"
# The widget's first retry comes 2 s after a failed post and the delay
# doubles, so three retries fit in this wait.
RETRY_WAIT_SECONDS = 20
# The widget's longest delay between two tries of a stored answer (RETRY_MAX_MS in widgets/v1.js).
RETRY_CAP_MS = 60_000
OUTAGE_MS = 5 * 60_000
# The page's clock and timers run this many times faster than real time, so
# the widget lives through a five-minute outage in three seconds.
CLOCK_SPEED = 100
FAST_CLOCK = """
(() => {
  const speed = %d;
  const realNow = Date.now.bind(Date);
  const realSetTimeout = window.setTimeout.bind(window);
  const start = realNow();
  Date.now = () => start + (realNow() - start) * speed;
  window.setTimeout = (callback, delay = 0, ...args) => realSetTimeout(callback, delay / speed, ...args);
})();
""" % CLOCK_SPEED
PAGE_NOW = "return Date.now()"


class RestartableServer:
    """The app on one fixed port of 127.0.0.1 that can be stopped and started again."""

    def __init__(self, app) -> None:
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self.server.server_port
        self._serve()

    def _serve(self) -> None:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def start(self) -> None:
        self.server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self._serve()


@pytest.fixture
def restartable(app):
    server = RestartableServer(app)
    yield server
    server.stop()


@pytest.fixture
def live_server(restartable) -> str:
    """Replaces conftest's server, so the published snippet points at the restartable one."""
    return f"http://127.0.0.1:{restartable.port}"


def test_answer_during_restart_arrives_once(app, browser, page, restartable):
    open_page(browser, page("english.html"))
    WebDriverWait(browser, WAIT_SECONDS).until(
        lambda driver: driver.execute_script("return !!document.querySelector('[data-cxaudit-widget]')")
    )
    restartable.stop()

    keyboard_answer(browser, 9, "Answered while the server restarted")
    wait_for_thanks(browser)
    [queued] = browser.execute_script(OUTBOX)
    restartable.start()

    WebDriverWait(browser, RETRY_WAIT_SECONDS).until(lambda _: len(stored_responses(app)) >= 1)
    WebDriverWait(browser, RETRY_WAIT_SECONDS).until(lambda driver: driver.execute_script(OUTBOX) == [])
    [row] = stored_responses(app)
    assert (row.score, row.comment) == (9, "Answered while the server restarted")
    assert row.idempotency_key == queued["body"]["key"]


def test_answer_kept_through_five_minute_outage(app, browser, page, restartable):
    with script_on_every_page(browser, FAST_CLOCK):
        open_page(browser, page("english.html"))
        restartable.stop()
        stopped_at = browser.execute_script(PAGE_NOW)

        keyboard_answer(browser, 7, "Answered during a long outage")
        wait_for_thanks(browser)
        WebDriverWait(browser, WAIT_SECONDS).until(lambda driver: driver.execute_script(PAGE_NOW) - stopped_at >= OUTAGE_MS)
        [queued] = browser.execute_script(OUTBOX)
        waiting_ms = queued["due"] - browser.execute_script(PAGE_NOW)
        restartable.start()

        # Still retrying after five minutes, and the next try comes within the cap.
        assert queued["tries"] >= 5
        assert waiting_ms <= RETRY_CAP_MS
        WebDriverWait(browser, RETRY_WAIT_SECONDS).until(lambda driver: driver.execute_script(OUTBOX) == [])

    [row] = stored_responses(app)
    assert (row.score, row.comment) == (7, "Answered during a long outage")
    assert row.idempotency_key == queued["body"]["key"]
