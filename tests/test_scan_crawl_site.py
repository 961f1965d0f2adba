"""Which pages a scan visits, on fixture sites served on 127.0.0.1 to a real headless Chromium.

The 30-page site in pages/crawl/site has a robots.txt with a group for
cxaudit, a sitemap index (named in robots.txt) with a plain and a gzip
sitemap, a /sitemap.xml of its own, pages only reachable through links at
several depths, and one page linked under many spellings.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from cxaudit import __version__
from cxaudit.extensions import db
from cxaudit.models import PageStatus, Scan, ScanStatus
from cxaudit.scan.crawl_settings import CrawlSettings
from cxaudit.scan.runner import create_scan, run_stored_scan

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).parent / "pages" / "crawl"
CONTACT = "audit@muzeum.example"
EXPECTED_AGENT = f"cxaudit/{__version__} (+mailto:{CONTACT})"

LINKED_PAGES = {
    "/index.html", "/about.html", "/visit.html", "/contact.html", "/gallery.html", "/GALLERY.html",
    "/news/index.html", "/news/1.html", "/news/2.html", "/news/3.html", "/news/4.html",
    "/archive/index.html", "/archive/old.html", "/private/public.html",
}
SITEMAP_PAGES = {
    *(f"/collections/{number}.html" for number in range(1, 8)),
    *(f"/events/{number}.html" for number in range(1, 6)),
    "/hidden.html",
}


@dataclass
class RecordedRequest:
    path: str
    user_agent: str


@dataclass
class FixtureSite:
    """A fixture site being served: its base URL and the requests it received."""

    base_url: str
    requests: list[RecordedRequest] = field(default_factory=list)

    def requested_paths(self) -> set[str]:
        return {request.path for request in self.requests}


class _RecordingHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder, records each request and answers the paths in ``redirects`` with a 302."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".html": "text/html; charset=utf-8"}

    def __init__(self, *args, site: FixtureSite, redirects: dict[str, str], **kwargs):
        self.site = site
        self.redirects = redirects
        super().__init__(*args, **kwargs)

    def do_GET(self):  # noqa: N802 - name fixed by http.server
        self.site.requests.append(RecordedRequest(self.path, self.headers.get("User-Agent", "")))
        location = self.redirects.get(self.path)
        if location is None:
            super().do_GET()
            return
        self.send_response(302)
        self.send_header("Location", location.format(base=self.site.base_url, port=self.server.server_port))
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format, *args):  # noqa: A002 - signature fixed by http.server
        pass


@pytest.fixture
def serve_site(tmp_path) -> Iterator:
    """Copy a fixture folder, fill in its {base} address, gzip its sitemaps/*.xml and serve it."""
    servers = []

    def start(name: str, redirects: dict[str, str] | None = None) -> FixtureSite:
        root = tmp_path / name
        shutil.copytree(FIXTURES / name, root)
        site = FixtureSite(base_url="")
        handler = functools.partial(_RecordingHandler, directory=str(root), site=site, redirects=redirects or {})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        site.base_url = f"http://127.0.0.1:{server.server_port}"
        _render_base(root, site.base_url)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return site

    yield start

    for server in servers:
        server.shutdown()
        server.server_close()


def _render_base(root: Path, base_url: str) -> None:
    for path in [*root.rglob("*.xml"), *root.rglob("robots.txt")]:
        path.write_text(path.read_text(encoding="utf-8").replace("{base}", base_url), encoding="utf-8")
    events = root / "sitemaps" / "events.xml"
    if events.exists():
        (root / "sitemaps" / "events.xml.gz").write_bytes(gzip.compress(events.read_bytes()))
        events.unlink()


@pytest.fixture
def crawl_app(make_app, browser_config):
    return make_app(**browser_config, SCAN_CONTACT=CONTACT)


def run_crawl(app, url: str, max_pages: int = 50, **options) -> int:
    with app.app_context():
        scan_id = create_scan(url, max_pages, crawl=CrawlSettings.build(**options)).id
        run_stored_scan(scan_id)
    return scan_id


def page_paths(app, scan_id: int, base_url: str) -> list[str]:
    with app.app_context():
        scan = db.session.get(Scan, scan_id)
        assert scan.status == ScanStatus.FINISHED, scan.error
        return [page.url.removeprefix(base_url) for page in scan.pages]


def test_site_crawl_audits_exact_pages(crawl_app, serve_site):
    # One crawl of the whole site, checked from four sides, because each crawl takes long.
    site = serve_site("site")
    scan_id = run_crawl(crawl_app, f"{site.base_url}/index.html")

    paths = page_paths(crawl_app, scan_id, site.base_url)
    assert sorted(paths) == sorted(LINKED_PAGES | SITEMAP_PAGES)
    assert len(paths) == 27
    with crawl_app.app_context():
        scan = db.session.get(Scan, scan_id)
        assert all(page.status == PageStatus.AUDITED for page in scan.pages)
        assert scan.settings["scope"] == "host"
        assert scan.settings["sitemap"] is True

    # robots.txt: the cxaudit group applies, not the "*" group that disallows everything.
    requested = site.requested_paths()
    assert "/private/index.html" not in requested
    assert "/private/a.html" not in requested
    assert "/visit.html?print=1" not in requested
    # Allow: /private/public.html is the longer rule, so it wins over Disallow: /private/.
    assert "/private/public.html" in requested
    assert "/orphan.html" not in requested

    # Each page is loaded once: fragments, ./, .., utm_* and fbclid all name
    # /gallery.html, while the path's case is kept.
    html_requests = [request.path for request in site.requests if request.path.endswith(".html")]
    assert len(html_requests) == len(set(html_requests))
    gallery_requests = [path for path in html_requests if path.lower().startswith("/gallery")]
    assert gallery_requests == ["/gallery.html", "/GALLERY.html"]

    # Each sitemap and robots.txt is read once.
    sitemap_requests = [request.path for request in site.requests if "sitemap" in request.path]
    assert sorted(sitemap_requests) == [
        "/sitemap-index.xml",
        "/sitemap.xml",
        "/sitemaps/events.xml.gz",
        "/sitemaps/missing.xml",
        "/sitemaps/pages.xml",
    ]
    assert [request.path for request in site.requests].count("/robots.txt") == 1


def test_site_crawl_sends_cxaudit_user_agent(crawl_app, serve_site):
    site = serve_site("site")
    run_crawl(crawl_app, f"{site.base_url}/index.html", max_pages=2)

    by_path = {request.path: request.user_agent for request in site.requests}
    assert by_path["/robots.txt"] == EXPECTED_AGENT
    assert by_path["/sitemap-index.xml"] == EXPECTED_AGENT
    assert by_path["/index.html"].startswith("Mozilla/5.0")
    assert by_path["/index.html"].endswith(f" {EXPECTED_AGENT}")
    assert "HeadlessChrome" not in by_path["/index.html"]


@pytest.mark.parametrize(
    ("max_depth", "expected"),
    [
        (0, {"/index.html"}),
        (
            1,
            {"/index.html", "/about.html", "/visit.html", "/news/index.html", "/private/public.html",
             "/gallery.html", "/GALLERY.html"} | SITEMAP_PAGES,
        ),
    ],
)
def test_site_crawl_stops_at_max_depth(crawl_app, serve_site, max_depth, expected):
    site = serve_site("site")
    scan_id = run_crawl(crawl_app, f"{site.base_url}/index.html", max_depth=max_depth)

    assert set(page_paths(crawl_app, scan_id, site.base_url)) == expected


def test_site_crawl_without_sitemap(crawl_app, serve_site):
    site = serve_site("site")
    scan_id = run_crawl(crawl_app, f"{site.base_url}/index.html", sitemap=False)

    assert set(page_paths(crawl_app, scan_id, site.base_url)) == LINKED_PAGES
    assert not any("sitemap" in request.path for request in site.requests)


def test_site_crawl_include_and_exclude(crawl_app, serve_site):
    site = serve_site("site")
    scan_id = run_crawl(
        crawl_app, f"{site.base_url}/index.html", include=["/news/*"], exclude=[r"re:/news/[34]\.html$"]
    )

    # The start page is always audited; only included pages that no exclude pattern matches follow.
    assert page_paths(crawl_app, scan_id, site.base_url) == [
        "/index.html", "/news/index.html", "/news/1.html", "/news/2.html",
    ]


def test_site_crawl_path_scope(crawl_app, serve_site):
    site = serve_site("site")
    scan_id = run_crawl(crawl_app, f"{site.base_url}/news/index.html", scope="path")

    assert page_paths(crawl_app, scan_id, site.base_url) == [
        "/news/index.html", "/news/1.html", "/news/2.html", "/news/3.html", "/news/4.html",
    ]


def test_site_crawl_respects_max_pages_with_sitemaps(crawl_app, serve_site):
    site = serve_site("site")
    scan_id = run_crawl(crawl_app, f"{site.base_url}/index.html", max_pages=5)

    paths = page_paths(crawl_app, scan_id, site.base_url)
    assert len(paths) == 5
    assert paths[0] == "/index.html"


REDIRECTS = {
    "/moved-away.html": "http://localhost:{port}/target.html",
    "/moved-here.html": "{base}/target.html",
    "/moved-private.html": "{base}/private/notes.html",
}


def test_redirects_checked_after_loading(crawl_app, serve_site):
    # One crawl checked for three redirects, because each crawl takes long.
    site = serve_site("redirects", REDIRECTS)
    scan_id = run_crawl(crawl_app, f"{site.base_url}/index.html")

    with crawl_app.app_context():
        scan = db.session.get(Scan, scan_id)
        pages = {page.url.removeprefix(site.base_url): page for page in scan.pages}
        port = site.base_url.rsplit(":", 1)[1]

        # A redirect off the site is a failed page with the reason.
        away = pages["/moved-away.html"]
        assert away.status == PageStatus.FAILED
        assert away.error == (
            f"The page redirected to http://localhost:{port}/target.html, which is outside the scanned site."
        )
        assert away.findings == []

        # moved-here.html is loaded before target.html, so the redirect reaches
        # target.html first and the page is recorded under that address. The
        # queued link to target.html is then dropped.
        paths = [page.url.removeprefix(site.base_url) for page in scan.pages]
        assert paths.count("/target.html") == 1
        assert "/moved-here.html" not in paths
        assert pages["/target.html"].status == PageStatus.AUDITED

        # A redirect to a page that robots.txt disallows is refused too.
        refused = pages["/moved-private.html"]
        assert refused.status == PageStatus.FAILED
        assert refused.error == (
            f"The robots.txt of the site does not allow cxaudit to load {site.base_url}/private/notes.html."
        )


def test_guard_refuses_stored_scan_without_request(make_app, browser_config, serve_site):
    app = make_app(**browser_config, SCAN_ALLOWED_NETWORKS="")
    site = serve_site("site")
    with app.app_context():
        # Stored directly, as a scan created before the setting changed would be.
        scan = Scan(url=f"{site.base_url}/index.html", status=ScanStatus.QUEUED, settings={"max_pages": 5})
        db.session.add(scan)
        db.session.commit()
        run_stored_scan(scan.id)

        db.session.refresh(scan)
        assert scan.status == ScanStatus.FAILED
        assert "127.0.0.1" in scan.error
        assert "CXAUDIT_SCAN_ALLOWED_NETWORKS" in scan.error
        assert [page.status for page in scan.pages] == [PageStatus.FAILED]
    assert site.requests == []
