"""Visiting one page in one browser session: load with one retry, check, collect links, audit."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, has_app_context
from flask_babel import gettext as _
from selenium.common.exceptions import TimeoutException

from cxaudit.models import PageResult, PageStatus
from cxaudit.browser import DEFAULT_JS_HEAP_MB
from cxaudit.plugins import PluginRegistry
from cxaudit.scan.audits import audit_page
from cxaudit.scan.browser_session import BROWSER_ERRORS, BrowserSession, LoadedDocument, NavigationError
from cxaudit.scan.frontier import CrawlTarget
from cxaudit.scan.network_errors import describe_network_error
from cxaudit.scan.urls import normalize_url

logger = logging.getLogger(__name__)

# Loads of one page: the first one and one retry after a navigation error.
MAX_LOAD_ATTEMPTS = 2
# chromedriver's error when the renderer of the tab died, most often because
# the page's scripts used up the JavaScript heap.
TAB_CRASHED = "tab crashed"


@dataclass(frozen=True)
class VisitSettings:
    """Settings every visit of a scan shares. ``check_final_url`` returns a translated
    reason to skip a page (before loading it and after its redirects), or None.
    ``links_found`` receives the links of a page that is about to be audited,
    so the crawl can send other browsers to them while the audits run."""

    registry: PluginRegistry
    settings: dict[str, Any]
    check_final_url: Callable[[str], str | None]
    links_found: Callable[[list[str]], None] | None = None


@dataclass
class PageVisit:
    """The outcome of one visit: the unsaved ``PageResult`` and the links found on the page.

    A page that failed after its links were read (the browser died during an
    audit) keeps them, so the crawl still reaches the pages it links to.
    """

    page_result: PageResult
    links: list[str] = field(default_factory=list)
    http_status: int | None = None


class _LoadFailed(Exception):
    def __init__(self, error: BaseException, attempts: int) -> None:
        super().__init__(str(error))
        self.error = error
        self.attempts = attempts


def visit_page(session: BrowserSession, target: CrawlTarget, visit: VisitSettings) -> PageVisit:
    """Load ``target`` in ``session`` and audit it; any browser failure becomes a failed page.

    A page that answers with HTTP 400 or above is recorded as an error page
    (a broken link, naming the page that linked to it) and not audited.

    Runs in a pool thread: it builds the ``PageResult`` but never touches the
    database session, which belongs to the coordinating thread.
    """
    url = target.url
    page_result = PageResult(url=url, status=PageStatus.AUDITED, audit_errors=[], attempts=1)
    outcome = PageVisit(page_result)
    # Checked before loading too: the guard resolves the host again, and its
    # address may have changed since the link was queued.
    refusal = visit.check_final_url(url)
    if refusal:
        page_result.attempts = 0
        return _fail(session, outcome, refusal)

    try:
        document, page_result.attempts = _load_with_retry(session, url)
    except _LoadFailed as failure:
        page_result.attempts = failure.attempts
        return _fail(session, outcome, page_load_error(url, failure.error))

    refusal = visit.check_final_url(document.url)
    if refusal is None and not document.is_html:
        refusal = _("The address is not an HTML page (content type %(type)s).", type=document.content_type)
    if refusal:
        return _fail(session, outcome, refusal)

    # After a redirect within the site the page is recorded at the address it was served from.
    url = page_result.url = normalize_url(document.url)
    outcome.http_status = document.http_status
    outcome.links = list(document.links)

    if document.http_status and document.http_status >= 400:
        # The error page is the server's, not the site's content: auditing it
        # would count it as a checked page and charge its faults to the site.
        page_result.status = PageStatus.HTTP_ERROR
        page_result.error = http_error_reason(document.http_status, target.referrer)
        _clear_site_data(session, document.url)
        return outcome

    if visit.links_found is not None:
        visit.links_found(outcome.links)
    audit_page(visit.registry, page_result, url, session.driver, visit.settings)
    # Clearing is the first command after the audits, so it also shows
    # whether the browser survived them; only a failure needs a check.
    if not _clear_site_data(session, document.url):
        # Results from a browser that died mid-audit are incomplete.
        page_result.findings.clear()
        return _fail(session, outcome, _("The browser stopped while the page was audited."))
    return outcome


def _load_with_retry(session: BrowserSession, url: str) -> tuple[LoadedDocument, int]:
    """Load ``url``, once more after a navigation error; return the document and the attempts made.

    A timeout is not retried: a page that took the whole timeout once would
    most likely take it again and double the time the scan spends on it. A
    crashed tab is not retried either: its script would crash the next one.
    """
    for attempt in range(1, MAX_LOAD_ATTEMPTS + 1):
        try:
            return session.load(url), attempt
        except TimeoutException as error:
            raise _LoadFailed(error, attempt) from error
        except BROWSER_ERRORS as error:
            if attempt == MAX_LOAD_ATTEMPTS or is_tab_crash(error):
                raise _LoadFailed(error, attempt) from error
            logger.info("Loading %s failed (%s); retrying once", url, _first_line(error))
            session.recover()
    raise AssertionError("unreachable: the loop returns or raises")


def _clear_site_data(session: BrowserSession, url: str) -> bool:
    """Clear the cookies and storage ``url`` left; return False when the browser has stopped.

    A browser that fails to clear them is replaced, because the next page
    must not see this page's cookies.
    """
    try:
        session.clear_site_data(url)
    except BROWSER_ERRORS as error:
        stopped = not session.is_alive()
        if not stopped:
            logger.warning("Clearing cookies and storage after %s failed (%s); the browser is replaced", url, _first_line(error))
        session.close()
        return not stopped
    return True


def _fail(session: BrowserSession, outcome: PageVisit, reason: str) -> PageVisit:
    outcome.page_result.status = PageStatus.FAILED
    outcome.page_result.error = reason
    session.recover()
    return outcome


def http_error_reason(status: int, referrer: str | None) -> str:
    """Return the translated note of an error page; it starts with "HTTP <status>" in every language."""
    if referrer:
        return _(
            "HTTP %(status)s: the server answered with an error page. The broken link is on %(referrer)s.",
            status=status,
            referrer=referrer,
        )
    return _("HTTP %(status)s: the server answered with an error page.", status=status)


def page_load_error(url: str, error: BaseException) -> str:
    """Return the translated reason a page failed to load, naming ``url`` and the browser's error."""
    name = type(error).__name__
    detail = _first_line(error)
    reason = f"{name}: {detail}" if detail != name else name
    if isinstance(error, TimeoutException):
        return _("The page %(url)s did not load in time (%(reason)s).", url=url, reason=reason)
    if is_tab_crash(error):
        return _(
            "The page %(url)s crashed its browser tab, most likely because its scripts ran out of memory "
            "(each tab may hold %(megabytes)s MB of JavaScript objects). The page is not audited. If the page "
            "works in a desktop browser, raise CXAUDIT_SCAN_JS_HEAP_MB and scan again.",
            url=url,
            megabytes=_js_heap_mb(),
        )
    network = describe_network_error(detail, error_page=isinstance(error, NavigationError))
    if network:
        return _("The page %(url)s could not be opened. %(reason)s", url=url, reason=network)
    return _("The browser failed on %(url)s (%(reason)s).", url=url, reason=reason)


def is_tab_crash(error: BaseException) -> bool:
    """Tell whether ``error`` reports that the renderer of the tab crashed."""
    return TAB_CRASHED in _first_line(error).lower()


def _js_heap_mb() -> object:
    return current_app.config.get("SCAN_JS_HEAP_MB", DEFAULT_JS_HEAP_MB) if has_app_context() else DEFAULT_JS_HEAP_MB


def _first_line(error: BaseException) -> str:
    lines = (getattr(error, "msg", None) or str(error)).strip().splitlines()
    return lines[0] if lines else type(error).__name__
