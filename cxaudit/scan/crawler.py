"""Breadth-first crawl of one site in one Chromium session, auditing every page once.

Which pages are visited, and when, is decided by ``Frontier``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from cxaudit.extensions import db
from cxaudit.models import PageResult, PageStatus, Scan
from cxaudit.plugins import PluginRegistry
from cxaudit.scan.audits import audit_page, audit_site
from cxaudit.scan.browser_session import BROWSER_ERRORS, BrowserSession, LoadedDocument
from cxaudit.scan.fetch import GuardedFetcher
from cxaudit.scan.frontier import CrawlTarget, Frontier
from cxaudit.scan.guard import guard_from_config
from cxaudit.scan.urls import normalize_url
from cxaudit.scan.user_agent import build_user_agent

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[Scan, PageResult], None]


class Crawler:
    """Visit the pages ``Frontier`` admits, up to ``max_pages``, storing a
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
        config = current_app.config
        self.frontier = Frontier(
            scan.url,
            {**(scan.settings or {}), "max_pages": max_pages},
            config,
            fetch_text=make_fetcher(config),
        )
        # The reason the start page failed or was an error page. The runner
        # then fails the scan, so it never replaces the site's results.
        self.start_page_problem: str | None = None
        self.last_http_status: int | None = None

    def run(self) -> None:
        self.frontier.seed()
        start_page: PageResult | None = None
        start_url: str | None = None

        while self.scan.pages_done < self.max_pages:
            target = self.frontier.pop()
            if target is None:
                break
            page_result = self._visit(target)
            if start_page is None:
                start_page, start_url = page_result, target.url
                self._check_start_page(page_result)
            self.scan.pages.append(page_result)
            self.scan.pages_done += 1
            self.scan.pages_queued = self.frontier.queued
            db.session.commit()
            logger.info("Scan %s: %s %s (%s/%s)", self.scan.id, page_result.status, target.url, self.scan.pages_done, self.max_pages)
            if self.progress:
                self.progress(self.scan, page_result)

        if start_page is not None and start_url is not None:
            self._run_site_audits(start_url, start_page)

    def _check_start_page(self, page_result: PageResult) -> None:
        http_status = self.last_http_status
        if page_result.status == PageStatus.FAILED or (http_status and http_status >= 400):
            self.start_page_problem = page_result.error

    def _visit(self, target: CrawlTarget) -> PageResult:
        url = target.url
        page_result = PageResult(url=url, status=PageStatus.AUDITED, audit_errors=[])
        self.last_http_status = None
        refusal = self.frontier.check_final_url(target, url)
        if refusal:
            return self._fail(page_result, refusal)

        time.sleep(self.frontier.delay_before(url))
        try:
            document = self.session.load(url)
        except BROWSER_ERRORS as error:
            return self._fail(page_result, _page_load_error(url, error))

        refusal = self._refusal(target, document)
        if refusal:
            return self._fail(page_result, refusal)
        # After a redirect within the site the page is recorded at the address it was served from.
        url = page_result.url = normalize_url(document.url)
        self.last_http_status = document.http_status
        if document.http_status and document.http_status >= 400:
            # Visitors see the error page, so it is audited. The status is kept
            # in ``error`` to set the page apart in the results.
            page_result.error = _("The server answered with HTTP status %(status)s.", status=document.http_status)

        try:
            self.frontier.add_links(target, self.session.links())
        except BROWSER_ERRORS as error:
            return self._fail(page_result, _page_load_error(url, error))

        audit_page(self.registry, page_result, url, self.session.driver, dict(self.scan.settings or {}))
        if not self.session.is_alive():
            # Results from a browser that died mid-audit are incomplete.
            page_result.findings.clear()
            return self._fail(page_result, _("The browser stopped while the page was audited."))
        return page_result

    def _refusal(self, target: CrawlTarget, document: LoadedDocument) -> str | None:
        refusal = self.frontier.check_final_url(target, document.url)
        if refusal:
            return refusal
        if not document.is_html:
            return _("The address is not an HTML page (content type %(type)s).", type=document.content_type)
        return None

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


def make_fetcher(config: Any) -> GuardedFetcher:
    """Return the frontier's ``fetch_text``: robots.txt and sitemaps through the guard."""
    return GuardedFetcher(
        guard_from_config(config),
        user_agent=build_user_agent(config),
        timeout=float(config.get("SCAN_PAGE_TIMEOUT", 30)),
    )


def _page_load_error(url: str, error: BaseException) -> str:
    name = type(error).__name__
    detail = (getattr(error, "msg", None) or str(error)).strip().splitlines()
    reason = f"{name}: {detail[0]}" if detail else name
    if name == "TimeoutException":
        return _("The page %(url)s did not load in time (%(reason)s).", url=url, reason=reason)
    return _("The browser failed on %(url)s (%(reason)s).", url=url, reason=reason)
