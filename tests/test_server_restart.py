"""The server stops while a visitor answers: the widget keeps the answer and
sends it once when the server is back on the same address.

The server here is Werkzeug's, stopped and started again on the same port in
the test's process; gunicorn under load is covered by bench/burst.py.
"""

from __future__ import annotations

import threading

import pytest
from selenium.webdriver.support.ui import WebDriverWait
from werkzeug.serving import make_server

from test_widget_support import *  # noqa: F403  (fixtures and helpers)
from test_widget_support import WAIT_SECONDS, keyboard_answer, open_page, stored_responses, wait_for_thanks

pytestmark = pytest.mark.browser

OUTBOX = "return JSON.parse(localStorage.getItem('cxaudit:outbox') || '[]')"
# The widget's first retry comes 2 s after a failed post and the delay
# doubles, so three retries fit in this wait.
RETRY_WAIT_SECONDS = 20


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
