"""Parallel crawl of one site: this thread hands the frontier's URLs to a pool of browser
sessions and stores each page when its visit ends, so every database write comes from here."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, wait
from typing import Any

from flask import Flask

from cxaudit.extensions import db
from cxaudit.models import PageResult, PageStatus, Scan
from cxaudit.plugins import PluginRegistry
from cxaudit.scan.audits import audit_site
from cxaudit.scan.browser_session import BROWSER_ERRORS, BrowserSession
from cxaudit.scan.lease import ScanLease, cancel_requested
from cxaudit.scan.pool import BrowserPool
from cxaudit.scan.fetch import GuardedFetcher
from cxaudit.scan.frontier import CrawlTarget, Frontier
from cxaudit.scan.guard import guard_from_config
from cxaudit.scan.urls import normalize_url
from cxaudit.scan.user_agent import build_user_agent
from cxaudit.scan.visit import PageVisit, VisitSettings, visit_page

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[Scan, PageResult], None]


class Crawler:
    """Visit the frontier's pages in parallel, up to ``max_pages``, storing a ``PageResult``
    for each URL attempted and committing it with a checkpoint of the crawl.

    The pool threads call ``frontier.check_final_url`` too; ``Frontier``
    serialises its public methods with its own lock.
    """

    def __init__(
        self,
        app: Flask,
        scan: Scan,
        registry: PluginRegistry,
        pool: BrowserPool,
        frontier: Frontier,
        lease: ScanLease,
        max_pages: int,
        progress: ProgressCallback | None = None,
    ) -> None:
        self.app = app
        self.scan = scan
        self.registry = registry
        self.pool = pool
        self.frontier = frontier
        self.lease = lease
        self.max_pages = max_pages
        self.progress = progress
        self.settings: dict[str, Any] = dict(scan.settings or {})
        self.start_url = normalize_url(scan.url)
        # The reason the start page failed or was an error page. The runner
        # then fails the scan, so it never replaces the site's results.
        self.start_page_problem: str | None = None
        self.cancelled = False
        # The start page's address as stored, which differs from start_url after a redirect.
        self._start_page_url: str | None = (scan.crawl_state or {}).get("start_page_url")
        self._in_flight: dict[Future[PageVisit], CrawlTarget] = {}
        # Per page in flight, the links it reports before its audits run.
        self._early_links: dict[Future[list[str]], CrawlTarget] = {}

    def run(self, resumed_targets: list[CrawlTarget] | None = None) -> None:
        """Crawl until the frontier is empty, the page limit is reached or the scan is cancelled.

        ``resumed_targets`` are the pages a previous worker was visiting when
        it stopped; pages already stored are not visited again.
        """
        stored = {page.url for page in self.scan.pages}
        for target in resumed_targets or []:
            if target.url not in stored:
                self._submit(target)

        while True:
            if not self._stopping():
                self._dispatch()
            if not self._in_flight:
                break
            waiting = [*self._early_links, *self._in_flight]
            finished, _pending = wait(waiting, timeout=self.lease.heartbeat_interval, return_when=FIRST_COMPLETED)
            # Links first: a page whose visit also ended in this round still queues them before it is stored.
            for future in finished:
                if future in self._early_links:
                    self.frontier.add_links(self._early_links.pop(future), future.result())
            for future in finished:
                if future in self._in_flight:
                    self._store(self._in_flight.pop(future), future.result())
            self._check_lease_and_cancel()

        if self._stopping():
            return
        start_page = next((page for page in self.scan.pages if page.url == self._start_page_url), None)
        if start_page is not None:
            self._run_site_audits(start_page)

    def _stopping(self) -> bool:
        return self.cancelled or self.start_page_problem is not None

    def _dispatch(self) -> None:
        while len(self._in_flight) < self.pool.size and self.scan.pages_done + len(self._in_flight) < self.max_pages:
            target = self.frontier.pop()
            if target is None:
                return
            self._submit(target)

    def _submit(self, target: CrawlTarget) -> None:
        delay = self.frontier.delay_before(target.url)
        links_found: Future[list[str]] = Future()
        future = self.pool.submit(lambda session: self._visit_in_thread(session, target, delay, links_found))
        self._in_flight[future] = target
        self._early_links[links_found] = target

    def _visit_in_thread(
        self, session: BrowserSession, target: CrawlTarget, delay: float, links_found: Future[list[str]]
    ) -> PageVisit:
        def check_final_url(final_url: str) -> str | None:
            return self.frontier.check_final_url(target, final_url)

        with self.app.app_context():
            if delay > 0:
                time.sleep(delay)
            settings = VisitSettings(self.registry, self.settings, check_final_url, links_found.set_result)
            return visit_page(session, target, settings)

    def _store(self, target: CrawlTarget, visit: PageVisit) -> None:
        page_result = visit.page_result
        self.scan.pages.append(page_result)
        self.scan.pages_done += 1
        self._forget_early_links(target)
        if visit.links:
            # Links reported early are queued already; the frontier skips URLs it has seen.
            self.frontier.add_links(target, visit.links)
        if target.url == self.start_url:
            self._start_page_url = page_result.url
            self._check_start_page(visit)

        self.scan.pages_queued = self.frontier.queued + len(self._in_flight)
        self.scan.crawl_state = self._checkpoint()
        db.session.commit()
        logger.info(
            "Scan %s: %s %s (%s/%s)", self.scan.id, page_result.status, target.url, self.scan.pages_done, self.max_pages
        )
        if self.progress:
            self.progress(self.scan, page_result)

    def _forget_early_links(self, target: CrawlTarget) -> None:
        # A page that failed or was not audited never reports its links early.
        for links_found, waiting_target in list(self._early_links.items()):
            if waiting_target is target:
                del self._early_links[links_found]

    def _check_start_page(self, visit: PageVisit) -> None:
        page_result = visit.page_result
        if page_result.status in (PageStatus.FAILED, PageStatus.HTTP_ERROR):
            self.start_page_problem = page_result.error
            logger.warning("Scan %s: the start page failed, no more pages are visited", self.scan.id)

    def _checkpoint(self) -> dict[str, Any]:
        """Return what a resumed scan needs: the frontier's state and the pages still being visited."""
        frontier_state = self.frontier.to_state()
        in_flight = [[target.url, target.depth, target.referrer] for target in self._in_flight.values()]
        return {"frontier": frontier_state, "in_flight": in_flight, "start_page_url": self._start_page_url}

    def _check_lease_and_cancel(self) -> None:
        self.lease.beat_if_due()
        if not self.cancelled and cancel_requested(self.scan.id):
            self.cancelled = True
            logger.info("Scan %s: cancel requested; finishing the %s page(s) being visited", self.scan.id, len(self._in_flight))

    def _run_site_audits(self, start_page: PageResult) -> None:
        """Run the site audits in a pool session, keeping the lease alive while they run."""

        def audit_in_thread(session: BrowserSession) -> PageResult:
            # The findings go to an unsaved row first: the stored start page
            # belongs to this thread's database session.
            collected = PageResult(url=start_page.url, audit_errors=[])
            with self.app.app_context():
                audit_site(self.registry, collected, self.start_url, session.driver, self.settings)
            return collected

        future = self.pool.submit(audit_in_thread)
        while not wait([future], timeout=self.lease.heartbeat_interval).done:
            self.lease.beat_if_due()
        try:
            collected = future.result()
        except BROWSER_ERRORS as error:
            # Only starting a replacement browser can raise here; the pages are already stored.
            logger.warning("Scan %s: site audits skipped, the browser could not start: %s", self.scan.id, error)
            return

        # Detach the findings from the unsaved row first, so the flush does not
        # follow them back to it.
        findings = list(collected.findings)
        collected.findings.clear()
        start_page.findings.extend(findings)
        start_page.audit_errors = [*(start_page.audit_errors or []), *(collected.audit_errors or [])]
        db.session.commit()


def make_fetcher(config: Any) -> GuardedFetcher:
    """Return the frontier's ``fetch_text``: robots.txt and sitemaps through the guard."""
    return GuardedFetcher(
        guard_from_config(config),
        user_agent=build_user_agent(config),
        timeout=float(config.get("SCAN_PAGE_TIMEOUT", 30)),
    )
