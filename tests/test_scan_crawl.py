"""The scan engine against small sites served on 127.0.0.1 and a real headless Chromium."""

from __future__ import annotations

import functools
import socket
import http.server
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cxaudit.extensions import db
from cxaudit.models import Institution, Outcome, PageStatus, Scan, ScanStatus, Site
from cxaudit.scan.runner import create_scan, run_stored_scan
from plugins.example import AlwaysRaises, KillsBrowserOn, MarksPages, SiteTitle

pytestmark = pytest.mark.browser

PAGES = Path(__file__).parent / "pages" / "scan"
AXE_VERSION_PREFIX = "4.10."


def run_scan(app, url: str, max_pages: int | None = None) -> Scan:
    with app.app_context():
        scan_id = create_scan(url, max_pages).id
        run_stored_scan(scan_id)
    return scan_id


def load_scan(scan_id: int) -> Scan:
    return db.session.get(Scan, scan_id)


def pages_by_path(scan: Scan, base_url: str) -> dict:
    return {page.url.removeprefix(base_url): page for page in scan.pages}


def violated_rules(page) -> set[str]:
    return {finding.rule for finding in page.findings if finding.outcome == Outcome.VIOLATION}


@pytest.fixture
def scan_app(make_app, browser_config):
    return make_app(**browser_config)


@pytest.fixture
def site_url(serve_directory) -> str:
    return serve_directory(PAGES)


def test_crawl_reaches_linked_pages_once(scan_app, site_url):
    scan_id = run_scan(scan_app, f"{site_url}/index.html")

    with scan_app.app_context():
        scan = load_scan(scan_id)
        paths = [page.url.removeprefix(site_url) for page in scan.pages]
        assert scan.status == ScanStatus.FINISHED
        # Fragments are dropped, so exhibitions.html#now and #later are one page;
        # the PDF, mailto, javascript: and off-site links are never queued.
        assert paths == ["/index.html", "/exhibitions.html", "/visit.html", "/clean.html", "/missing.html"]
        assert scan.pages_done == 5
        assert scan.pages_queued == 0
        assert scan.started_at is not None
        assert scan.finished_at is not None


def test_crawl_stores_axe_violations(scan_app, site_url):
    scan_id = run_scan(scan_app, f"{site_url}/index.html")

    with scan_app.app_context():
        pages = pages_by_path(load_scan(scan_id), site_url)
        assert violated_rules(pages["/index.html"]) == {"html-has-lang", "image-alt"}
        assert violated_rules(pages["/exhibitions.html"]) == {"image-alt", "link-name"}
        assert violated_rules(pages["/visit.html"]) == {"link-name"}
        assert violated_rules(pages["/clean.html"]) == set()

        image_alt = next(finding for finding in pages["/index.html"].findings if finding.rule == "image-alt")
        assert image_alt.plugin == "axe"
        assert image_alt.impact == "critical"
        assert image_alt.wcag == ["1.1.1"]
        assert image_alt.count == 1
        assert image_alt.targets == ["img"]
        assert image_alt.help_url.startswith("https://dequeuniversity.com/rules/axe/4.10/image-alt")


def test_crawl_records_http_error_page_unaudited(scan_app, site_url):
    scan_id = run_scan(scan_app, f"{site_url}/index.html")

    with scan_app.app_context():
        missing = pages_by_path(load_scan(scan_id), site_url)["/missing.html"]
        assert missing.status == PageStatus.HTTP_ERROR
        assert missing.error.startswith("HTTP 404: ")
        assert missing.findings == []


def test_crawl_stops_at_max_pages(scan_app, site_url):
    scan_id = run_scan(scan_app, f"{site_url}/index.html", max_pages=2)

    with scan_app.app_context():
        scan = load_scan(scan_id)
        assert [page.url.removeprefix(site_url) for page in scan.pages] == ["/index.html", "/exhibitions.html"]
        assert scan.pages_done == 2
        assert scan.settings["max_pages"] == 2


def test_scan_records_tool_versions(scan_app, site_url):
    scan_app.extensions["cxaudit_plugins"].register("site-title", SiteTitle())
    scan_id = run_scan(scan_app, f"{site_url}/clean.html", max_pages=1)

    with scan_app.app_context():
        scan = load_scan(scan_id)
        assert scan.axe_core_version.startswith(AXE_VERSION_PREFIX)
        assert scan.settings["tools"] == {"axe-core": scan.axe_core_version, "site-title": "1.2.3"}
        assert scan.settings["plugins"] == ["axe", "site-title"]


def test_site_audit_stored_on_start_page(scan_app, site_url):
    scan_app.extensions["cxaudit_plugins"].register("site-title", SiteTitle())
    scan_id = run_scan(scan_app, f"{site_url}/visit.html", max_pages=3)

    with scan_app.app_context():
        scan = load_scan(scan_id)
        site_findings = [
            (page.url.removeprefix(site_url), finding.help)
            for page in scan.pages
            for finding in page.findings
            if finding.plugin == "site-title"
        ]
        assert site_findings == [("/visit.html", "Check the title 'Zwiedzanie'")]


def test_raising_plugin_recorded_as_audit_error(scan_app, site_url):
    scan_app.extensions["cxaudit_plugins"].register("always-raises", AlwaysRaises())
    scan_id = run_scan(scan_app, f"{site_url}/index.html")

    with scan_app.app_context():
        scan = load_scan(scan_id)
        assert scan.status == ScanStatus.FINISHED
        assert len(scan.pages) == 5
        # missing.html answers 404, so it is recorded as an error page and not audited.
        audited = [page for page in scan.pages if page.status == PageStatus.AUDITED]
        assert len(audited) == 4
        for page in audited:
            assert page.audit_errors == [
                {"plugin": "always-raises", "error": f"RuntimeError: cannot audit {page.url}"}
            ]
        index = pages_by_path(scan, site_url)["/index.html"]
        assert violated_rules(index) == {"html-has-lang", "image-alt"}


def test_page_scripts_run_on_every_page(scan_app, site_url):
    scan_app.extensions["cxaudit_plugins"].register("marks-pages", MarksPages())
    scan_id = run_scan(scan_app, f"{site_url}/index.html")

    with scan_app.app_context():
        audited = [page for page in load_scan(scan_id).pages if page.status == PageStatus.AUDITED]
        marks = {page.url.removeprefix(site_url): [f.help for f in page.findings if f.rule == "marked-at-start"] for page in audited}
        # Every page, each browser's first included, ran the script while its document was still loading.
        assert marks == {path: ["loading"] for path in ("/index.html", "/exhibitions.html", "/visit.html", "/clean.html")}


def test_killed_browser_fails_page_and_scan_goes_on(scan_app, site_url):
    killer = KillsBrowserOn("/visit.html")
    scan_app.extensions["cxaudit_plugins"].register("kills-browser", killer)
    scan_id = run_scan(scan_app, f"{site_url}/index.html")

    with scan_app.app_context():
        scan = load_scan(scan_id)
        pages = pages_by_path(scan, site_url)
        assert killer.kills == 1
        assert scan.status == ScanStatus.FINISHED
        assert pages["/visit.html"].status == PageStatus.FAILED
        assert pages["/visit.html"].error == "The browser stopped while the page was audited."
        assert pages["/visit.html"].findings == []
        # A new browser audits the pages queued after the crash.
        assert pages["/clean.html"].status == PageStatus.AUDITED
        assert pages["/missing.html"].status == PageStatus.HTTP_ERROR
        assert scan.pages_done == len(scan.pages) == 5


class _SlowPageHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the hang fixture; /slow.html sends nothing until ``delay`` seconds pass."""

    delay = 10.0

    def do_GET(self):  # noqa: N802 - name fixed by http.server
        if self.path.startswith("/slow.html"):
            time.sleep(self.delay)
        super().do_GET()

    def log_message(self, format, *args):  # noqa: A002 - signature fixed by http.server
        pass


@pytest.fixture
def slow_site_url() -> Iterator[str]:
    handler = functools.partial(_SlowPageHandler, directory=str(PAGES / "hang"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_hanging_page_fails_and_scan_goes_on(make_app, browser_config, slow_site_url):
    app = make_app(**{**browser_config, "SCAN_PAGE_TIMEOUT": 3})
    scan_id = run_scan(app, f"{slow_site_url}/index.html")

    with app.app_context():
        scan = load_scan(scan_id)
        pages = pages_by_path(scan, slow_site_url)
        assert list(pages) == ["/index.html", "/slow.html", "/after.html"]
        assert pages["/slow.html"].status == PageStatus.FAILED
        assert pages["/slow.html"].error.startswith(f"The page {slow_site_url}/slow.html did not load in time")
        assert pages["/after.html"].status == PageStatus.AUDITED
        assert violated_rules(pages["/after.html"]) == {"image-alt"}
        assert scan.status == ScanStatus.FINISHED


def test_scan_fails_when_chromium_missing(make_app, browser_config, site_url, tmp_path):
    missing = tmp_path / "no-chromium"
    app = make_app(**{**browser_config, "CHROMIUM_PATH": str(missing)})
    scan_id = run_scan(app, f"{site_url}/index.html")

    with app.app_context():
        scan = load_scan(scan_id)
        assert scan.status == ScanStatus.FAILED
        assert scan.error.startswith("Chromium could not start:")
        assert str(missing) in scan.error
        assert scan.pages == []
        assert scan.finished_at is not None


def test_scan_fails_on_invalid_stored_url(scan_app):
    with scan_app.app_context():
        scan = Scan(url="ftp://files.example/", status=ScanStatus.QUEUED, settings={"max_pages": 5})
        db.session.add(scan)
        db.session.commit()
        run_stored_scan(scan.id)

        db.session.refresh(scan)
        assert scan.status == ScanStatus.FAILED
        assert scan.error.startswith("Invalid URL to scan: ftp://files.example/.")


def test_finished_scan_not_run_again(scan_app, site_url):
    scan_id = run_scan(scan_app, f"{site_url}/clean.html", max_pages=1)

    with scan_app.app_context():
        run_stored_scan(scan_id)
        assert len(load_scan(scan_id).pages) == 1


def test_progress_callback_sees_every_page(scan_app, site_url):
    seen: list[tuple[str, int]] = []

    def progress(scan: Scan, page) -> None:
        seen.append((page.url.removeprefix(site_url), scan.pages_done))

    with scan_app.app_context():
        scan = create_scan(f"{site_url}/index.html", 3)
        run_stored_scan(scan.id, progress=progress)

    assert seen == [("/index.html", 1), ("/exhibitions.html", 2), ("/visit.html", 3)]


@pytest.mark.parametrize(
    ("url", "expected_site"),
    [
        ("{base}/museum/rooms.html", "museum"),
        ("{base}/theatre/", "theatre"),
        ("{base}/other.html", "museum"),
        ("http://127.0.0.2:9/", None),
    ],
)
def test_create_scan_attaches_site(app, url, expected_site):
    base = "http://127.0.0.1:8000"
    with app.app_context():
        institution = Institution(slug="muzeum", name="Muzeum")
        db.session.add_all(
            [
                Site(institution=institution, base_url=f"{base}/museum/"),
                Site(institution=institution, base_url=f"{base}/theatre/"),
            ]
        )
        db.session.commit()

        scan = create_scan(url.format(base=base), 5)

        names = {f"{base}/museum/": "museum", f"{base}/theatre/": "theatre"}
        assert (names[scan.site.base_url] if scan.site else None) == expected_site
        assert scan.status == ScanStatus.QUEUED


def test_missing_start_page_fails_scan(scan_app, site_url):
    scan_id = run_scan(scan_app, f"{site_url}/no-such-page.html", max_pages=3)
    with scan_app.app_context():
        scan = load_scan(scan_id)
        assert scan.status == ScanStatus.FAILED
        assert f"{site_url}/no-such-page.html" in scan.error
        assert "404" in scan.error
        assert [page.url for page in scan.pages] == [f"{site_url}/no-such-page.html"]


def test_unreachable_start_page_fails_scan(scan_app):
    # A port bound and released again on 127.0.0.1 refuses connections.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]
    scan_id = run_scan(scan_app, f"http://127.0.0.1:{free_port}/", max_pages=2)
    with scan_app.app_context():
        scan = load_scan(scan_id)
        assert scan.status == ScanStatus.FAILED
        assert f"http://127.0.0.1:{free_port}/" in scan.error
        # Its robots.txt cannot be fetched either, so the scan stops before the first page.
        assert scan.pages == []
        assert "Nothing answers at this address" in scan.error


def test_failed_page_commit_fails_the_scan(scan_app, site_url, monkeypatch):
    from cxaudit.scan.crawler import Crawler

    store = Crawler._store
    stored = []

    def store_then_break(crawler, target, visit):
        # The second page's row cannot be stored, after the first page's commit expired the scan's attributes.
        if stored:
            visit.page_result.url = None
        stored.append(target.url)
        store(crawler, target, visit)

    monkeypatch.setattr(Crawler, "_store", store_then_break)
    scan_id = run_scan(scan_app, f"{site_url}/index.html")

    with scan_app.app_context():
        scan = load_scan(scan_id)
        assert scan.status == ScanStatus.FAILED
        assert "internal error" in scan.error
