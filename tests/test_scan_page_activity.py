"""The wait for a settled page: pending work that a scanning browser counts, in real Chromium.

A page with nothing pending is audited shortly after its last DOM change.
The fixture pages here start work after their load event that changes the
page later: a request, the reading of a response body, a script, timers,
animation frames or a CSS transition. The wait must cover each. Their
delays (150 ms) fit inside QUIET_MS, so that only the counting of pending
work, not the quiet window, can make the wait cover them.
"""

from __future__ import annotations

import functools
import http.server
import threading
import time
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from cxaudit.scan import browser_session
from cxaudit.scan.browser_session import BrowserSession
from cxaudit.scan.quiet_dom import WAIT_FOR_QUIET_DOM

PAGES = Path(__file__).parent / "pages" / "page-activity"

pytestmark = pytest.mark.browser


class _DelayingHandler(http.server.SimpleHTTPRequestHandler):
    """Serves PAGES. ``/slow/MS/FILE`` responds after MS milliseconds and
    ``/slow-body/MS/FILE`` sends the headers at once and the body after MS."""

    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".html": "text/html; charset=utf-8",
        ".js": "text/javascript; charset=utf-8",
        ".txt": "text/plain; charset=utf-8",
        ".json": "application/json",
    }

    def do_GET(self):
        parts = self.path.split("/")
        if len(parts) == 4 and parts[1] in ("slow", "slow-body"):
            self._send_late(parts[1], int(parts[2]) / 1000, parts[3])
            return
        super().do_GET()

    def _send_late(self, kind: str, delay: float, name: str) -> None:
        body = (PAGES / name).read_bytes()
        if kind == "slow":
            time.sleep(delay)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(name))
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.flush()
        if kind == "slow-body":
            time.sleep(delay)
        self.wfile.write(body)

    def log_message(self, format, *args):  # noqa: A002 - signature fixed by http.server
        pass


@pytest.fixture(scope="module")
def site():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_DelayingHandler, directory=str(PAGES)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def session(browser_config):
    # The pages are served on 127.0.0.1, which a scanning browser refuses unless allowed.
    session = BrowserSession({**browser_config, "SCAN_ALLOWED_NETWORKS": "127.0.0.0/8"})
    yield session
    session.close()


def wait_reason(session: BrowserSession, site: str, page: str) -> str:
    """Load ``page`` as a scan does, then ask the wait again why it ends now."""
    session.load(f"{site}/{page}")
    return session.driver.execute_async_script(WAIT_FOR_QUIET_DOM)


def texts(session: BrowserSession, selector: str) -> list[str]:
    return [element.text for element in session.driver.find_elements(By.CSS_SELECTOR, selector)]


def test_page_with_nothing_pending_is_settled(session, site):
    assert wait_reason(session, site, "static.html") == "settled"


def test_wait_covers_a_request_after_the_load_event(session, site):
    assert wait_reason(session, site, "fetch.html") == "settled"
    assert texts(session, ".play") == ["Hamlet", "Wesele"]


def test_wait_covers_reading_a_slow_response_body(session, site):
    session.load(f"{site}/slow-body.html")
    assert texts(session, "#item") == ["Gallery reopens on Monday"]


def test_wait_covers_an_xmlhttprequest(session, site):
    session.load(f"{site}/xhr.html")
    assert texts(session, "#status") == ["Gallery reopens on Monday"]


def test_wait_covers_added_script(session, site):
    session.load(f"{site}/added-script.html")
    assert texts(session, "#widget") == ["Map of the building"]


def test_wait_covers_animation_frames(session, site):
    session.load(f"{site}/frames.html")
    assert texts(session, "#frame-count") == ["12"]


def test_wait_covers_a_css_transition(session, site):
    session.load(f"{site}/transition.html")
    opacity = session.driver.execute_script("return getComputedStyle(document.getElementById('banner')).opacity")
    assert opacity == "1"


def test_busy_page_gets_quiet_window(session, site):
    assert wait_reason(session, site, "busy.html") == "quiet"
    assert session.driver.execute_script("return ticks") > 0


def test_long_timer_not_waited_for(session, site):
    assert wait_reason(session, site, "long-timer.html") == "settled"
    assert texts(session, "#popup") == []


def test_watched_functions_behave_as_the_browser_s_own(session, site):
    session.load(f"{site}/wrappers.html")

    results = session.driver.execute_script("return window.results")
    assert results == {
        "timerArguments": ["a", "b"],
        "timerThis": True,
        "timerId": "number",
        "frameTime": "number",
        "fetchResponse": True,
        "fetchText": "Gallery reopens on Monday",
        "xhrText": "Gallery reopens on Monday",
        "missingStatus": 404,
    }


def test_unwatched_page_gets_quiet_window(browser_config, site, monkeypatch):
    # As with a remote WebDriver that has no DevTools command.
    monkeypatch.setattr(browser_session, "watch_page_activity", lambda driver: False)
    session = BrowserSession({**browser_config, "SCAN_ALLOWED_NETWORKS": "127.0.0.0/8"})
    try:
        assert wait_reason(session, site, "static.html") == "quiet"
        assert session.driver.execute_script("return typeof window.__cxauditActivity") == "undefined"
    finally:
        session.close()

