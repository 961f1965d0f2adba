"""The browser pool: parallel sessions, retries, hanging and crashing pages, clean sessions,
and a remote WebDriver, against sites served on 127.0.0.1 and real headless Chromium."""

from __future__ import annotations

import functools
import http.server
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cxaudit.audit import AuditFinding, PageContext
from cxaudit.extensions import db
from cxaudit.hookspecs import hookimpl
from cxaudit.models import PageStatus, Scan, ScanStatus
from cxaudit.scan.runner import create_scan, run_stored_scan
from plugins.example import KillsBrowserOn

pytestmark = pytest.mark.browser

PAGES = Path(__file__).parent / "pages" / "pool"
SITE_PAGES = {
    "/index.html", "/zbiory.html", "/wystawy.html", "/bilety.html", "/kontakt.html",
    "/malarstwo.html", "/rzezba.html", "/archiwum.html",
}
# Longer than the 3-second page timeout the trouble tests run with.
STALL_SECONDS = 8


def run_scan(app, url: str, max_pages: int | None = None) -> int:
    with app.app_context():
        scan_id = create_scan(url, max_pages).id
        run_stored_scan(scan_id)
    return scan_id


def paths_of(scan: Scan, base_url: str) -> list[str]:
    return [page.url.removeprefix(base_url) for page in scan.pages]


class _TroubleHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the trouble fixture with a slow page, an image that never arrives and broken responses."""

    requests_seen: dict[str, int]
    lock: threading.Lock

    def do_GET(self):  # noqa: N802 - name fixed by http.server
        path = self.path.split("?", 1)[0]
        with self.lock:
            self.requests_seen[path] = self.requests_seen.get(path, 0) + 1
            count = self.requests_seen[path]
        if path in ("/slow.html", "/stall.png"):
            time.sleep(STALL_SECONDS)
        if path == "/broken.html" or (path == "/flaky.html" and count == 1):
            self._send_oversized_headers()
            return
        super().do_GET()

    def _send_oversized_headers(self) -> None:
        # Chromium fails such a response with ERR_RESPONSE_HEADERS_TOO_BIG and,
        # unlike a dropped connection, does not repeat the request itself.
        self.send_response(200)
        self.send_header("X-Filler", "a" * 300_000)
        self.end_headers()
        self.close_connection = True

    def log_message(self, format, *args):  # noqa: A002 - signature fixed by http.server
        pass


class _Server:
    def __init__(self, handler) -> None:
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def trouble_site() -> Iterator[tuple[str, dict[str, int]]]:
    seen: dict[str, int] = {}
    handler = type("Handler", (_TroubleHandler,), {"requests_seen": seen, "lock": threading.Lock()})
    server = _Server(functools.partial(handler, directory=str(PAGES / "trouble")))
    yield server.url, seen
    server.close()


class RecordsConcurrency:
    """A page audit that keeps each page busy for a moment and records how many ran at once."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running = 0
        self.most_at_once = 0
        self.sessions: set[str] = set()

    @hookimpl
    def cxaudit_page_audit(self, page: PageContext) -> list[AuditFinding]:
        with self.lock:
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
            self.sessions.add(page.driver.session_id)
        time.sleep(0.5)
        with self.lock:
            self.running -= 1
        return []


class HoldsStartPageAudit:
    """A page audit that keeps the start page's audit open until another page's audit begins.

    ``overlapped`` records whether that happened, which needs the crawl to send
    the start page's links to the other browser before the start page's audits end.
    """

    def __init__(self, start_page: str) -> None:
        self.start_page = start_page
        self.other_page_audited = threading.Event()
        self.overlapped = False

    @hookimpl
    def cxaudit_page_audit(self, page: PageContext) -> list[AuditFinding]:
        if page.url.endswith(self.start_page):
            # Bounded, so a crawl that waits for this audit fails the test instead of hanging.
            self.overlapped = self.other_page_audited.wait(timeout=20)
        else:
            self.other_page_audited.set()
        return []


class RecordsStorage:
    """A page audit that records the cookies and storage each page finds."""

    def __init__(self) -> None:
        self.seen: dict[str, list] = {}

    @hookimpl
    def cxaudit_page_audit(self, page: PageContext) -> list[AuditFinding]:
        self.seen[page.url.rsplit("/", 1)[-1]] = page.driver.execute_script(
            "return [document.cookie, localStorage.getItem('consent'), sessionStorage.getItem('consent')];"
        )
        return []


def test_pool_runs_pages_in_parallel(make_app, browser_config, serve_directory):
    app = make_app(**{**browser_config, "SCAN_BROWSERS": 3})
    recorder = RecordsConcurrency()
    app.extensions["cxaudit_plugins"].register("records-concurrency", recorder)
    base_url = serve_directory(PAGES / "site")

    scan_id = run_scan(app, f"{base_url}/index.html")

    with app.app_context():
        scan = db.session.get(Scan, scan_id)
        paths = paths_of(scan, base_url)
        assert scan.status == ScanStatus.FINISHED
        assert sorted(paths) == sorted(SITE_PAGES)
        assert len(paths) == len(set(paths))
        assert scan.pages_done == len(scan.pages)
        assert scan.crawl_state is None
    assert recorder.most_at_once >= 2
    assert len(recorder.sessions) >= 2


def test_links_visited_while_start_page_is_audited(make_app, browser_config, serve_directory):
    app = make_app(**{**browser_config, "SCAN_BROWSERS": 2})
    holder = HoldsStartPageAudit("/index.html")
    app.extensions["cxaudit_plugins"].register("holds-start-page", holder)
    base_url = serve_directory(PAGES / "site")

    scan_id = run_scan(app, f"{base_url}/index.html")

    with app.app_context():
        scan = db.session.get(Scan, scan_id)
        assert scan.status == ScanStatus.FINISHED
        assert sorted(paths_of(scan, base_url)) == sorted(SITE_PAGES)
        assert scan.pages_done == len(scan.pages) == len(SITE_PAGES)
    assert holder.overlapped


def test_pool_respects_max_pages(make_app, browser_config, serve_directory):
    app = make_app(**{**browser_config, "SCAN_BROWSERS": 3})
    base_url = serve_directory(PAGES / "site")

    scan_id = run_scan(app, f"{base_url}/index.html", max_pages=4)

    with app.app_context():
        scan = db.session.get(Scan, scan_id)
        assert scan.status == ScanStatus.FINISHED
        assert scan.pages_done == 4
        assert len(scan.pages) == 4
        assert paths_of(scan, base_url)[0] == "/index.html"


@pytest.mark.parametrize("browsers", [1, 2])
def test_trouble_pages_recorded_and_totals_add_up(make_app, browser_config, trouble_site, browsers):
    base_url, requests_seen = trouble_site
    app = make_app(**{**browser_config, "SCAN_PAGE_TIMEOUT": 3, "SCAN_BROWSERS": browsers})

    scan_id = run_scan(app, f"{base_url}/index.html")

    with app.app_context():
        scan = db.session.get(Scan, scan_id)
        pages = {page.url.removeprefix(base_url): page for page in scan.pages}
        assert scan.status == ScanStatus.FINISHED
        assert set(pages) == {
            "/index.html", "/spin.html", "/mutating.html", "/never-loads.html",
            "/slow.html", "/flaky.html", "/broken.html", "/after.html",
        }
        audited = [page for page in scan.pages if page.status == PageStatus.AUDITED]
        failed = [page for page in scan.pages if page.status == PageStatus.FAILED]
        assert scan.pages_done == len(scan.pages) == len(audited) + len(failed) == 8

        # A script that never ends hangs the tab: the page fails, the browser is replaced.
        assert pages["/spin.html"].status == PageStatus.FAILED
        assert pages["/spin.html"].error.startswith(f"The page {base_url}/spin.html did not load in time")
        assert pages["/spin.html"].attempts == 1
        # A server slower than the timeout fails the page without a retry.
        assert pages["/slow.html"].status == PageStatus.FAILED
        assert "did not load in time" in pages["/slow.html"].error
        assert requests_seen["/slow.html"] == 1

        # A DOM that never stops changing and a load event that never fires are still audited.
        assert pages["/mutating.html"].status == PageStatus.AUDITED
        assert {finding.rule for finding in pages["/mutating.html"].findings} == {"image-alt"}
        assert pages["/never-loads.html"].status == PageStatus.AUDITED
        assert pages["/never-loads.html"].error is None

        # One failed navigation is retried; a page that always fails fails after the retry.
        assert pages["/flaky.html"].status == PageStatus.AUDITED
        assert pages["/flaky.html"].attempts == 2
        assert requests_seen["/flaky.html"] == 2
        assert pages["/broken.html"].status == PageStatus.FAILED
        assert pages["/broken.html"].attempts == 2
        assert requests_seen["/broken.html"] == 2
        assert pages["/broken.html"].error == (
            f"The browser failed on {base_url}/broken.html (NavigationError: ERR_RESPONSE_HEADERS_TOO_BIG)."
        )

        assert pages["/after.html"].status == PageStatus.AUDITED


def test_crashed_browser_replaced_in_pool(make_app, browser_config, serve_directory):
    app = make_app(**{**browser_config, "SCAN_BROWSERS": 2})
    killer = KillsBrowserOn("/zbiory.html")
    app.extensions["cxaudit_plugins"].register("kills-browser", killer)
    base_url = serve_directory(PAGES / "site")

    scan_id = run_scan(app, f"{base_url}/index.html")

    with app.app_context():
        scan = db.session.get(Scan, scan_id)
        pages = {page.url.removeprefix(base_url): page for page in scan.pages}
        assert killer.kills == 1
        assert scan.status == ScanStatus.FINISHED
        assert set(pages) == SITE_PAGES
        assert pages["/zbiory.html"].status == PageStatus.FAILED
        assert pages["/zbiory.html"].error == "The browser stopped while the page was audited."
        # The pages zbiory.html links to are reached, by a new browser or the other session.
        assert pages["/malarstwo.html"].status == PageStatus.AUDITED
        assert pages["/rzezba.html"].status == PageStatus.AUDITED
        failed = [page for page in scan.pages if page.status == PageStatus.FAILED]
        assert failed == [pages["/zbiory.html"]]
        assert scan.pages_done == len(scan.pages) == len(SITE_PAGES)


def test_cookies_and_storage_cleared_between_pages(make_app, browser_config, serve_directory):
    app = make_app(**browser_config)
    recorder = RecordsStorage()
    app.extensions["cxaudit_plugins"].register("records-storage", recorder)
    base_url = serve_directory(PAGES / "storage")

    run_scan(app, f"{base_url}/set.html")

    assert recorder.seen["set.html"] == ["consent=yes", "yes", "yes"]
    assert recorder.seen["read.html"] == ["", None, None]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def remote_webdriver(browser_config) -> Iterator[str]:
    """chromedriver started as a standalone WebDriver server on 127.0.0.1."""
    port = _free_port()
    process = subprocess.Popen(
        [browser_config["CHROMEDRIVER_PATH"], f"--port={port}", "--allowed-ips=127.0.0.1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=10)


def test_remote_webdriver_runs_scan(make_app, browser_config, serve_directory, remote_webdriver, tmp_path):
    # A wrapper that leaves a mark shows the remote side started the binary named in the capabilities.
    marker = tmp_path / "wrapper-started"
    wrapper = tmp_path / "chromium-wrapper"
    wrapper.write_text(f'#!/bin/sh\ntouch "{marker}"\nexec "{browser_config["CHROMIUM_PATH"]}" "$@"\n')
    wrapper.chmod(0o755)
    app = make_app(
        **{
            **browser_config,
            "WEBDRIVER_URL": remote_webdriver,
            "WEBDRIVER_CHROMIUM_PATH": str(wrapper),
            # A local path that does not exist proves the remote one is what gets sent.
            "CHROMIUM_PATH": "/nonexistent/chromium",
            "SCAN_BROWSERS": 2,
        }
    )
    recorder = RecordsStorage()
    app.extensions["cxaudit_plugins"].register("records-storage", recorder)
    base_url = serve_directory(PAGES / "storage")

    scan_id = run_scan(app, f"{base_url}/set.html")

    with app.app_context():
        scan = db.session.get(Scan, scan_id)
        assert scan.status == ScanStatus.FINISHED, scan.error
        assert [page.status for page in scan.pages] == [PageStatus.AUDITED, PageStatus.AUDITED]
    assert marker.exists()
    assert recorder.seen["read.html"] == ["", None, None]
