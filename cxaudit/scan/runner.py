"""Creating scans and running a stored scan from start to finish."""

from __future__ import annotations

import logging
from concurrent.futures import Future, as_completed
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from cxaudit.extensions import db
from cxaudit.models import Scan, ScanStatus, Site
from cxaudit.models.base import utcnow
from cxaudit.plugins import PluginRegistry
from cxaudit.scan.audits import collect_page_scripts, collect_scan_settings, collect_tool_versions
from cxaudit.scan.browser_session import BROWSER_ERRORS
from cxaudit.scan.crawl_settings import CrawlSettings
from cxaudit.scan.crawler import Crawler, ProgressCallback, make_fetcher
from cxaudit.scan.frontier import CrawlTarget, Frontier, RobotsUnavailable, target_from_state
from cxaudit.scan.guard import guard_from_config
from cxaudit.scan.lease import LeaseLost, ScanLease, new_worker_id
from cxaudit.scan.pool import BrowserPool
from cxaudit.scan.urls import InvalidScanURL, is_same_origin, validate_scan_url

logger = logging.getLogger(__name__)

AXE_TOOL_NAME = "axe-core"


def find_site(url: str) -> Site | None:
    """Return the registered site that ``url`` belongs to, preferring the longest base URL.

    A site matches when its base URL is a prefix of ``url``, or else when both are
    on the same origin.
    """
    sites = db.session.scalars(select(Site)).all()
    by_prefix = [site for site in sites if url.startswith(site.base_url)]
    if by_prefix:
        return max(by_prefix, key=lambda site: len(site.base_url))
    same_origin = [site for site in sites if is_same_origin(url, site.base_url)]
    return min(same_origin, key=lambda site: site.id) if same_origin else None


def create_scan(
    url: str,
    max_pages: int | None = None,
    settings: dict[str, Any] | None = None,
    allow_submit: bool = False,
    crawl: CrawlSettings | None = None,
) -> Scan:
    """Store a queued scan of ``url``, attached to its registered site if there is one.

    Audits may submit forms (``settings["allow_submit"]``) only when the
    caller asks with ``allow_submit`` and the site's own settings allow it;
    an ad hoc URL never allows it.

    :raises InvalidScanURL: when ``url`` is not an http(s) URL with a host, or
        ``BlockedAddress`` (a subclass) when the SSRF guard refuses its host.
    :raises ValueError: when ``max_pages`` is below 1, or a plugin rejects
        its settings (such as an unknown axe-core tag).
    """
    url = validate_scan_url(url)
    guard_from_config(current_app.config).check_url(url)
    crawl = crawl or CrawlSettings.from_settings({}, current_app.config)
    max_pages = current_app.config["SCAN_MAX_PAGES"] if max_pages is None else max_pages
    if max_pages < 1:
        raise ValueError(_("Invalid maximum number of pages: %(value)s. Give 1 or more.", value=max_pages))

    registry: PluginRegistry = current_app.extensions["cxaudit_plugins"]
    plugin_settings = collect_scan_settings(registry, settings or {}, current_app.config)

    site = find_site(url)
    # Plugins write their findings' texts in the language of the institution
    # that owns the site; ad hoc scans use the deployment's default.
    language = site.institution.default_language if site else current_app.config["DEFAULT_LANGUAGE"]
    scan = Scan(
        url=url,
        site=site,
        status=ScanStatus.QUEUED,
        settings={
            "language": language,
            **crawl.to_settings(),
            **(settings or {}),
            **plugin_settings,
            "max_pages": max_pages,
            "allow_submit": bool(allow_submit and site and site.settings.get("allow_submit")),
        },
        pages_done=0,
        pages_queued=0,
    )
    db.session.add(scan)
    db.session.commit()
    logger.info("Scan %s of %s created (site %s, at most %s pages)", scan.id, url, site.id if site else None, max_pages)
    return scan


def run_stored_scan(scan_id: int, progress: ProgressCallback | None = None, worker_id: str | None = None) -> None:
    """Run the stored scan ``scan_id`` in this process until it is finished, failed or cancelled.

    Needs an app context. Only a queued scan runs: this worker claims it, so a
    scan queued twice still runs once. A scan with a checkpoint (its previous
    worker died) resumes with the pages not yet stored. ``progress`` is called
    after every page.
    """
    scan = db.session.get(Scan, scan_id)
    if scan is None:
        logger.warning("Scan %s not found; nothing to run", scan_id)
        return
    if scan.status == ScanStatus.QUEUED and scan.cancel_requested_at is not None:
        _mark_cancelled(scan)
        return

    config = current_app.config
    lease = ScanLease(scan_id, worker_id or new_worker_id(), float(config["SCAN_LEASE_SECONDS"]))
    if not lease.claim():
        logger.warning("Scan %s is %s, not queued; it is not run again", scan_id, scan.status)
        return
    db.session.refresh(scan)

    registry: PluginRegistry = current_app.extensions["cxaudit_plugins"]
    checkpoint = scan.crawl_state
    _mark_started(scan, registry, resumed=checkpoint is not None)
    max_pages = int(scan.settings.get("max_pages") or config["SCAN_MAX_PAGES"])
    page_scripts = collect_page_scripts(registry, scan.settings)
    pool = BrowserPool(config, max(1, min(int(config["SCAN_BROWSERS"]), max_pages)), page_scripts)
    try:
        _check_scan_url(scan)
        browser_starts = pool.start_browsers()
        frontier = _frontier(scan, max_pages, checkpoint)
        _check_browser_start(browser_starts)
        crawler = Crawler(current_app._get_current_object(), scan, registry, pool, frontier, lease, max_pages, progress)
        crawler.run(_resumed_targets(checkpoint))
        if crawler.start_page_problem:
            raise _ScanCannotRun(
                _(
                    "The start page %(url)s could not be audited: %(problem)s "
                    "Check the address and that the site is reachable, then scan again.",
                    url=scan.url,
                    problem=crawler.start_page_problem,
                )
            )
    except LeaseLost as error:
        # Another worker runs the scan now and owns its row.
        logger.warning("Scan %s: %s; this worker stops", scan_id, error)
        db.session.rollback()
        return
    except KeyboardInterrupt:
        # Ctrl+C on `cxaudit scan` stops the scan for good; without this the
        # scan would stay running and a worker would resume it later.
        logger.warning("Scan %s interrupted; it is cancelled with the pages stored so far", scan_id)
        db.session.rollback()
        _mark_cancelled(scan)
        raise
    except _ScanCannotRun as error:
        _mark_failed(scan, str(error))
        return
    except Exception as error:
        # Anything else is a bug; the scan must not stay "running" forever.
        # scan_id, not scan.id: after a failed flush, reading the row's
        # attributes raises until the session is rolled back.
        logger.exception("Scan %s stopped by an unexpected error", scan_id)
        db.session.rollback()
        _mark_failed(scan, _("The scan stopped because of an internal error: %(error)s", error=str(error)))
        return
    finally:
        pool.close()

    if crawler.cancelled:
        _mark_cancelled(scan)
        return
    _mark_ended(scan, ScanStatus.FINISHED)
    logger.info("Scan %s finished: %s pages", scan.id, scan.pages_done)


def request_cancel(scan: Scan) -> bool:
    """Ask the scan to stop; a queued scan is cancelled at once. False if it has already ended."""
    if scan.status not in (ScanStatus.QUEUED, ScanStatus.RUNNING):
        return False
    if scan.cancel_requested_at is None:
        scan.cancel_requested_at = utcnow()
    if scan.status == ScanStatus.QUEUED:
        _mark_cancelled(scan)
        return True
    db.session.commit()
    logger.info("Scan %s: cancel requested", scan.id)
    return True


def _frontier(scan: Scan, max_pages: int, checkpoint: dict[str, Any] | None) -> Frontier:
    settings = {**(scan.settings or {}), "max_pages": max_pages}
    config = current_app.config
    fetcher = make_fetcher(config)
    if checkpoint is not None:
        return Frontier.from_state(checkpoint["frontier"], scan.url, settings, config, fetcher, fetcher.fetch_robots)
    frontier = Frontier(scan.url, settings, config, fetcher, fetcher.fetch_robots)
    try:
        frontier.seed()
    except RobotsUnavailable as error:
        raise _ScanCannotRun(str(error)) from error
    return frontier


def _resumed_targets(checkpoint: dict[str, Any] | None) -> list[CrawlTarget]:
    if checkpoint is None:
        return []
    return [target_from_state(entry) for entry in checkpoint.get("in_flight", [])]


class _ScanCannotRun(Exception):
    """The scan as a whole cannot run; the message is translated and stored in ``Scan.error``."""


def _mark_started(scan: Scan, registry: PluginRegistry, resumed: bool) -> None:
    tools = collect_tool_versions(registry)
    scan.settings = {**(scan.settings or {}), "tools": tools, "plugins": [info.name for info in registry.infos()]}
    scan.axe_core_version = tools.get(AXE_TOOL_NAME)
    if resumed:
        logger.info("Scan %s resumes after %s stored pages", scan.id, scan.pages_done)
    else:
        scan.started_at = utcnow()
        scan.pages_queued = 1
    db.session.commit()


def _check_scan_url(scan: Scan) -> None:
    try:
        validate_scan_url(scan.url)
    except InvalidScanURL as error:
        raise _ScanCannotRun(str(error)) from error


def _check_browser_start(starts: list[Future[None]]) -> None:
    """Wait until one browser has started, so a broken install fails the scan with one clear message.

    The crawl needs one browser to begin; a session whose start failed tries
    again on its next page.
    """
    error: BaseException | None = None
    for start in as_completed(starts):
        error = start.exception()
        if error is None:
            return
    if isinstance(error, ValueError):
        # A browser setting such as SCAN_JS_HEAP_MB is invalid; the message names it and the fix.
        raise _ScanCannotRun(str(error)) from error
    if not isinstance(error, (*BROWSER_ERRORS, OSError)):
        raise error
    config = current_app.config
    raise _ScanCannotRun(
        _(
            "Chromium could not start: %(error)s. Check that CHROMIUM_PATH (%(chromium)s) and "
            "CHROMEDRIVER_PATH (%(chromedriver)s) point to installed programs of the same version, "
            "or set WEBDRIVER_URL to a running Selenium server.",
            error=_first_line(error.__cause__ or error),
            chromium=config.get("CHROMIUM_PATH"),
            chromedriver=config.get("CHROMEDRIVER_PATH"),
        )
    ) from error


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def _mark_failed(scan: Scan, message: str) -> None:
    scan.error = message
    _mark_ended(scan, ScanStatus.FAILED)
    logger.error("Scan %s failed: %s", scan.id, message)


def _mark_cancelled(scan: Scan) -> None:
    _mark_ended(scan, ScanStatus.CANCELLED)
    logger.info("Scan %s cancelled after %s pages", scan.id, scan.pages_done)


def _mark_ended(scan: Scan, status: ScanStatus) -> None:
    scan.status = status
    scan.pages_queued = 0
    scan.finished_at = utcnow()
    # The checkpoint only serves a scan that may still resume.
    scan.crawl_state = None
    scan.worker_id = None
    db.session.commit()
