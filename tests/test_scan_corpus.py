"""A scan of the W3C WAI "Before and After Demonstration" pages from the corpus."""

from __future__ import annotations

import functools
import http.server
import threading

import pytest
from conftest import _QuietHandler  # the UTF-8 static handler behind the serve_directory fixture

from cxaudit.app import create_app
from cxaudit.database import upgrade_database
from cxaudit.extensions import db
from cxaudit.models import Outcome, PageStatus, Scan, ScanStatus
from cxaudit.scan.runner import create_scan, run_stored_scan

pytestmark = [pytest.mark.browser, pytest.mark.corpus]

DEMO_PAGES = ("home", "news", "tickets", "survey", "template")
# Rules that every "before" page violates: the pages have no lang attribute,
# images without alt text and links without a name.
BEFORE_RULES = {"html-has-lang", "image-alt", "link-name"}


@pytest.fixture(scope="module")
def wai_scan(corpus, browser_config, tmp_path_factory):
    """Scan the demonstration once for every test in this module: it loads about 40 pages."""
    folder = tmp_path_factory.mktemp("wai")
    handler = functools.partial(_QuietHandler, directory=str(corpus / "wai-bad" / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base_url = f"http://127.0.0.1:{server.server_port}"

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": f"sqlite:///{folder / 'cxaudit.db'}",
            "HUEY_SQLITE_PATH": str(folder / "jobs.db"),
            # The W3C demo's "after" pages are clean for axe; the forms audit
            # rightly flags their forms on plain HTTP, so it is left out here.
            "ENABLED_PLUGINS": ["axe"],
            **browser_config,
        }
    )
    with app.app_context():
        upgrade_database()
        scan_id = create_scan(f"{base_url}/before/home.html", 50).id
        run_stored_scan(scan_id)

    yield app, scan_id, base_url

    server.shutdown()
    server.server_close()
    with app.app_context():
        db.engine.dispose()


def _pages(app, scan_id: int, base_url: str) -> dict:
    scan = db.session.get(Scan, scan_id)
    return {page.url.removeprefix(base_url): page for page in scan.pages}


def _violations(page) -> set[str]:
    return {finding.rule for finding in page.findings if finding.outcome == Outcome.VIOLATION}


def test_wai_scan_finishes(wai_scan):
    app, scan_id, _ = wai_scan
    with app.app_context():
        scan = db.session.get(Scan, scan_id)
        assert scan.status == ScanStatus.FINISHED
        assert scan.pages_done == len(scan.pages)
        assert scan.pages_done <= 50


@pytest.mark.parametrize("version", ["before", "after"])
@pytest.mark.parametrize("name", DEMO_PAGES)
def test_wai_demo_page_reached(wai_scan, version, name):
    app, scan_id, base_url = wai_scan
    with app.app_context():
        page = _pages(app, scan_id, base_url).get(f"/{version}/{name}.html")
        assert page is not None
        assert page.status == PageStatus.AUDITED


@pytest.mark.parametrize("name", DEMO_PAGES)
def test_wai_before_page_violations(wai_scan, name):
    app, scan_id, base_url = wai_scan
    with app.app_context():
        page = _pages(app, scan_id, base_url)[f"/before/{name}.html"]
        assert BEFORE_RULES <= _violations(page)


@pytest.mark.parametrize("name", DEMO_PAGES)
def test_wai_after_page_clean(wai_scan, name):
    app, scan_id, base_url = wai_scan
    with app.app_context():
        page = _pages(app, scan_id, base_url)[f"/after/{name}.html"]
        assert _violations(page) == set()
