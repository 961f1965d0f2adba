"""Breadth-first crawl of one site in one Chromium session, auditing every page once."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _

from cxaudit.extensions import db
from cxaudit.models import PageResult, PageStatus, Scan
from cxaudit.plugins import PluginRegistry
from cxaudit.scan.audits import audit_page, audit_site
from cxaudit.scan.browser_session import BROWSER_ERRORS, BrowserSession, LoadedDocument
from cxaudit.scan.urls import is_crawlable_link, is_same_origin, normalize_url

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[Scan, PageResult], None]


class Crawler:
    """Visit pages of ``scan.url``'s origin breadth first, up to ``max_pages``, storing a
    ``PageResult`` for each URL attempted and committing after every page."""

    def __init__(
        self,
        scan: Scan,
        registry: PluginRegistry,
        session: BrowserSession,
        max_pages: int,
        progress: ProgressCallback | None = None,
    ) -> None:
        self.scan = scan
        self.registry = registry
        self.session = session
        self.max_pages = max_pages
        self.progress = progress
        self.queue: deque[str] = deque()
        self.seen: set[str] = set()
        # The reason the start page failed or was an error page. The runner
        # then fails the scan, so it never replaces the site's results.
        self.start_page_problem: str | None = None
        self.last_http_status: int | None = None

    def run(self) -> None:
        start_url = normalize_url(self.scan.url)
        self._enqueue(start_url)
        start_page: PageResult | None = None

        while self.queue and self.scan.pages_done < self.max_pages:
            url = self.queue.popleft()
            page_result = self._visit(url)
            if start_page is None:
                start_page = page_result
                self._check_start_page(page_result)
            self.scan.pages.append(page_result)
            self.scan.pages_done += 1
            self.scan.pages_queued = min(len(self.queue), self.max_pages - self.scan.pages_done)
            db.session.commit()
            logger.info("Scan %s: %s %s (%s/%s)", self.scan.id, page_result.status, url, self.scan.pages_done, self.max_pages)
            if self.progress:
                self.progress(self.scan, page_result)

        if start_page is not None:
            self._run_site_audits(start_url, start_page)

    def _check_start_page(self, page_result: PageResult) -> None:
        http_status = self.last_http_status
        if page_result.status == PageStatus.FAILED or (http_status and http_status >= 400):
            self.start_page_problem = page_result.error

    def _enqueue(self, url: str) -> None:
        if url not in self.seen:
            self.seen.add(url)
            self.queue.append(url)

    def _visit(self, url: str) -> PageResult:
        page_result = PageResult(url=url, status=PageStatus.AUDITED, audit_errors=[])
        self.last_http_status = None
        try:
            document = self.session.load(url)
        except BROWSER_ERRORS as error:
            return self._fail(page_result, _page_load_error(url, error))

        refusal = self._refusal(document)
        if refusal:
            return self._fail(page_result, refusal)
        self.last_http_status = document.http_status
        if document.http_status and document.http_status >= 400:
            # Visitors see the error page, so it is audited. The status is kept
            # in ``error`` to set the page apart in the results.
            page_result.error = _("The server answered with HTTP status %(status)s.", status=document.http_status)

        try:
            self._collect_links()
        except BROWSER_ERRORS as error:
            return self._fail(page_result, _page_load_error(url, error))

        audit_page(self.registry, page_result, url, self.session.driver, dict(self.scan.settings or {}))
        if not self.session.is_alive():
            # Results from a browser that died mid-audit are incomplete.
            page_result.findings.clear()
            return self._fail(page_result, _("The browser stopped while the page was audited."))
        return page_result

    def _refusal(self, document: LoadedDocument) -> str | None:
        if not is_same_origin(document.url, self.scan.url):
            return _("The page redirected to %(url)s, which is outside the scanned site.", url=document.url)
        if not document.is_html:
            return _("The address is not an HTML page (content type %(type)s).", type=document.content_type)
        self.seen.add(normalize_url(document.url))
        return None

    def _collect_links(self) -> None:
        for link in self.session.links():
            if is_crawlable_link(link, self.scan.url):
                self._enqueue(normalize_url(link))

    def _fail(self, page_result: PageResult, reason: str) -> PageResult:
        page_result.status = PageStatus.FAILED
        page_result.error = reason
        self.session.recover()
        return page_result

    def _run_site_audits(self, start_url: str, start_page: PageResult) -> None:
        settings: dict[str, Any] = dict(self.scan.settings or {})
        try:
            audit_site(self.registry, start_page, start_url, self.session.driver, settings)
        except BROWSER_ERRORS as error:
            # Only starting a replacement browser can raise here; the pages are already stored.
            logger.warning("Scan %s: site audits skipped, the browser could not start: %s", self.scan.id, error)
            return
        db.session.commit()


def _page_load_error(url: str, error: BaseException) -> str:
    name = type(error).__name__
    detail = (getattr(error, "msg", None) or str(error)).strip().splitlines()
    reason = f"{name}: {detail[0]}" if detail else name
    if name == "TimeoutException":
        return _("The page %(url)s did not load in time (%(reason)s).", url=url, reason=reason)
    return _("The browser failed on %(url)s (%(reason)s).", url=url, reason=reason)
