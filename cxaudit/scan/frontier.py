"""The crawl frontier: which pages a scan visits, in which order and how fast.

The frontier owns the rules and the queue, and the crawler owns the browser.
The queue starts with the start URL and the pages of the site's sitemaps.
Links join it when they pass the scope, the include and exclude patterns, the
depth limit and robots.txt. After redirects, each page's final URL is checked
against the scope, robots.txt and the SSRF guard. ``to_state`` and
``from_state`` let a scan resume.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from flask_babel import gettext as _

from cxaudit.scan.crawl_settings import CrawlSettings
from cxaudit.scan.fetch import FileUnavailable
from cxaudit.scan.guard import BlockedAddress, guard_from_config
from cxaudit.scan.network_errors import describe_network_error
from cxaudit.scan.robots import RobotsRules, robots_url
from cxaudit.scan.sitemap import iter_sitemap_urls
from cxaudit.scan.urls import (
    DEFAULT_PORTS,
    Scope,
    compile_patterns,
    has_non_html_extension,
    host_key,
    matches_any,
    normalize_url,
)

logger = logging.getLogger(__name__)

FetchText = Callable[[str], "str | None"]

STATE_VERSION = 1
DEFAULT_POLITENESS_DELAY = 0.25
# A robots.txt Crawl-delay above this is capped, so one line in a site's
# file cannot stretch a 50-page scan over hours; the cap is logged.
MAX_CRAWL_DELAY = 30.0
# What RFC 9309 requires a crawler to assume when robots.txt cannot be fetched.
DISALLOW_ALL = "User-agent: *\nDisallow: /\n"
# Network errors of a robots.txt fetch after which the site's pages cannot be
# reached either: no server, no such name, no response, no route.
UNREACHABLE_CODES = frozenset({
    "ERR_CONNECTION_REFUSED", "ERR_NAME_NOT_RESOLVED", "ERR_NAME_RESOLUTION_FAILED",
    "ERR_CONNECTION_TIMED_OUT", "ERR_TIMED_OUT", "ERR_ADDRESS_UNREACHABLE", "ERR_INTERNET_DISCONNECTED",
})
# Depth given to URLs found in sitemaps: one step from the start page, as
# if the start page linked to each of them.
SITEMAP_DEPTH = 1


def _locked(method: Callable) -> Callable:
    """Run ``method`` under the frontier's lock, so several browser sessions may share one frontier."""

    @functools.wraps(method)
    def wrapper(self: Frontier, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return method(self, *args, **kwargs)

    return wrapper


class RobotsUnavailable(Exception):
    """The start page's robots.txt could not be fetched, so the scan cannot run; the message is translated."""


@dataclass(frozen=True)
class CrawlTarget:
    """A page to load: its normalised URL, its distance in links from the start page and
    the first page found linking to it (None for the start page and sitemap entries)."""

    url: str
    depth: int
    # Left out of comparisons: the same page reached from another page is the same target.
    referrer: str | None = field(default=None, compare=False)


class Frontier:
    """The queue of pages of one scan and the rules that admit them.

    Its public methods run under a lock, so browser sessions in several
    threads may share one frontier. The lock stays taken during a robots.txt
    fetch.
    """

    def __init__(
        self,
        scan_url: str,
        settings: Mapping[str, Any],
        config: Mapping[str, Any],
        fetch_text: FetchText,
        fetch_robots: FetchText | None = None,
    ) -> None:
        self.start_url = normalize_url(scan_url)
        self.max_pages = int(settings.get("max_pages") or config.get("SCAN_MAX_PAGES") or 1)
        self.crawl = CrawlSettings.from_settings(settings, config)
        self.scope = Scope(self.start_url, self.crawl.scope)
        self.include = compile_patterns(self.crawl.include)
        self.exclude = compile_patterns(self.crawl.exclude)
        self.guard = guard_from_config(config)
        self.politeness_delay = float(config.get("SCAN_POLITENESS_DELAY", DEFAULT_POLITENESS_DELAY))
        self.fetch_text = fetch_text
        # Raises FileUnavailable when the server fails; a plain fetch_text never does.
        self.fetch_robots = fetch_robots or fetch_text

        self.queue: deque[CrawlTarget] = deque()
        # The page key (see ``page_key``) of every URL queued, loaded or
        # reached by a redirect, so that no page is loaded twice.
        self.seen: set[str] = set()
        self.issued = 0
        self.robots_texts: dict[str, str | None] = {}
        # Why the robots.txt of an origin could not be fetched; its pages are all refused.
        self.robots_problems: dict[str, str] = {}
        # Origins where no server responded at all, as opposed to a failing server.
        self._unreachable_origins: set[str] = set()
        self._robots: dict[str, RobotsRules] = {}
        self._next_load: dict[tuple[str, int | None], float] = {}
        self._capped_origins: set[str] = set()
        self._lock = threading.RLock()

    @property
    def queued(self) -> int:
        """The number of queued pages that the page limit still lets the scan load."""
        with self._lock:
            return min(len(self.queue), max(self.max_pages - self.issued, 0))

    @_locked
    def seed(self) -> None:
        """Queue the start URL, then the in-scope URLs of the site's sitemaps.

        :raises RobotsUnavailable: when the start page's robots.txt cannot be
            fetched and the scan does not ignore robots.txt.
        """
        self._check_start_robots()
        self.seen.add(page_key(self.start_url))
        self.queue.append(CrawlTarget(self.start_url, 0))
        if self.crawl.sitemap:
            self._seed_from_sitemaps()

    @_locked
    def pop(self) -> CrawlTarget | None:
        """Return the next page to load, or ``None`` when the queue or the page limit is exhausted."""
        if self.issued >= self.max_pages or not self.queue:
            return None
        self.issued += 1
        return self.queue.popleft()

    @_locked
    def add_links(self, parent: CrawlTarget, links: Iterable[str]) -> None:
        """Queue the links found on ``parent`` that the scan's rules admit."""
        depth = parent.depth + 1
        for link in links:
            self._admit(link, depth, referrer=parent.url)

    @_locked
    def check_final_url(self, target: CrawlTarget, final_url: str) -> str | None:
        """Return why ``final_url`` must not be audited, or ``None`` when it may.

        Call it with ``target.url`` before loading the page (the guard then
        resolves the host again) and with the browser's URL after loading (a
        redirect may leave the site, reach a refused address or a page the
        scan already audits). The reason is translated.
        """
        final = normalize_url(final_url)
        if page_key(final) != page_key(target.url):
            refusal = self._redirect_refusal(final)
            if refusal:
                return refusal
        try:
            self.guard.check_url(final)
        except BlockedAddress as error:
            return str(error)
        if not self._robots_allow(final):
            problem = self.robots_problems.get(_origin_url(final))
            if problem:
                return _(
                    "cxaudit does not load %(url)s, because the robots.txt of its site could not be fetched. %(problem)s.",
                    url=final,
                    problem=problem,
                )
            return _("The robots.txt of the site does not allow cxaudit to load %(url)s.", url=final)
        return None

    @_locked
    def delay_before(self, url: str) -> float:
        """Return the seconds to wait before loading ``url`` and reserve that moment for its host.

        Loads of one host start at least the politeness delay apart, or the
        robots.txt Crawl-delay when that is longer (capped at ``MAX_CRAWL_DELAY``).
        """
        key = host_key(url)
        interval = max(self.politeness_delay, self._crawl_delay(url))
        now = time.monotonic()
        start = max(now, self._next_load.get(key, now))
        self._next_load[key] = start + interval
        return start - now

    @_locked
    def to_state(self) -> dict[str, Any]:
        """Return the queue, the URLs seen and the robots.txt files read, as JSON-ready data."""
        return {
            "version": STATE_VERSION,
            "queue": [[target.url, target.depth, target.referrer] for target in self.queue],
            "seen": sorted(self.seen),
            "issued": self.issued,
            "robots": dict(self.robots_texts),
            "robots_problems": dict(self.robots_problems),
        }

    @classmethod
    def from_state(
        cls,
        state: Mapping[str, Any],
        scan_url: str,
        settings: Mapping[str, Any],
        config: Mapping[str, Any],
        fetch_text: FetchText,
        fetch_robots: FetchText | None = None,
    ) -> Frontier:
        """Rebuild a frontier saved by ``to_state``; it continues where it stopped, without seeding."""
        frontier = cls(scan_url, settings, config, fetch_text, fetch_robots)
        frontier.queue = deque(target_from_state(entry) for entry in state.get("queue", []))
        frontier.seen = set(state.get("seen", []))
        frontier.issued = int(state.get("issued", 0))
        frontier.robots_texts = dict(state.get("robots", {}))
        frontier.robots_problems = dict(state.get("robots_problems", {}))
        return frontier

    def _seed_from_sitemaps(self) -> None:
        origin_url = _origin_url(self.start_url)
        # Sitemap lines should be absolute URLs, so a relative one is resolved against the host.
        named = [urljoin(f"{origin_url}/", url) for url in self._robots_for(self.start_url).sitemaps()]
        sitemap_urls = named + [f"{origin_url}/sitemap.xml"]
        for url in iter_sitemap_urls(sitemap_urls, self.fetch_text):
            # The start page is one of the max_pages; more queued URLs would never be loaded.
            if len(self.queue) >= self.max_pages:
                break
            self._admit(url, SITEMAP_DEPTH)
        logger.info("Frontier of %s: %s pages queued after reading the sitemaps", self.start_url, len(self.queue))

    def _admit(self, link: str, depth: int, referrer: str | None = None) -> bool:
        try:
            if urlsplit(link).scheme.lower() not in DEFAULT_PORTS:
                return False
            url = normalize_url(link)
            if page_key(url) in self.seen or not self._passes_rules(url, depth):
                return False
        except ValueError as error:
            # A link or sitemap entry with an invalid port or IPv6 address cannot be loaded.
            logger.debug("Frontier of %s: invalid URL %r skipped (%s)", self.start_url, link, error)
            return False
        if not self._robots_allow(url):
            # Debug level: a disallowed menu link is met again on every page.
            logger.debug("Frontier of %s: robots.txt disallows %s", self.start_url, url)
            return False
        self.seen.add(page_key(url))
        self.queue.append(CrawlTarget(url, depth, referrer))
        return True

    def _passes_rules(self, url: str, depth: int) -> bool:
        if self.crawl.max_depth is not None and depth > self.crawl.max_depth:
            return False
        if has_non_html_extension(url) or not self.scope.contains(url):
            return False
        if self.include and not matches_any(url, self.include):
            return False
        return not matches_any(url, self.exclude)

    def _redirect_refusal(self, final: str) -> str | None:
        if not self.scope.contains(final):
            return _("The page redirected to %(url)s, which is outside the scanned site.", url=final)
        key = page_key(final)
        if key in self.seen and not self._drop_from_queue(key):
            return _("The page redirected to %(url)s, which this scan audits already.", url=final)
        self.seen.add(key)
        return None

    def _drop_from_queue(self, key: str) -> bool:
        """Remove the page ``key`` from the queue, because a redirect reached it first; tell whether it was queued."""
        for target in self.queue:
            if page_key(target.url) == key:
                self.queue.remove(target)
                return True
        return False

    def _check_start_robots(self) -> None:
        origin_url = _origin_url(self.start_url)
        self._robots_for(self.start_url)
        problem = self.robots_problems.get(origin_url)
        if problem is None:
            return
        if origin_url in self._unreachable_origins:
            # The pages cannot be reached either, so ignoring robots.txt would not help.
            raise RobotsUnavailable(
                _(
                    "The scan stopped before the first page, because %(site)s could not be reached. %(problem)s.",
                    site=self.start_url,
                    problem=problem,
                )
            )
        raise RobotsUnavailable(
            _(
                "The scan stopped before the first page, because %(robots)s could not be fetched. %(problem)s. "
                "A crawler must then treat the whole site as closed to it (RFC 9309). If the server has a "
                "temporary fault, scan again later. If your institution owns the site and only its robots.txt "
                "fails, you may scan it ignoring robots.txt: tick “Ignore robots.txt” in the scan form, or run "
                "cxaudit scan with --ignore-robots.",
                robots=robots_url(origin_url),
                problem=problem,
            )
        )

    def _robots_allow(self, url: str) -> bool:
        return self.crawl.ignore_robots or self._robots_for(url).allows(url)

    def _robots_for(self, url: str) -> RobotsRules:
        origin_url = _origin_url(url)
        if origin_url not in self._robots:
            if origin_url not in self.robots_texts:
                self.robots_texts[origin_url] = self._fetch_robots(origin_url)
            self._robots[origin_url] = RobotsRules(self.robots_texts[origin_url])
        return self._robots[origin_url]

    def _fetch_robots(self, origin_url: str) -> str | None:
        """Return the robots.txt text of ``origin_url``; one that cannot be fetched disallows everything."""
        try:
            return self.fetch_robots(robots_url(origin_url))
        except FileUnavailable as error:
            logger.warning("Frontier of %s: %s could not be fetched (%s)", self.start_url, error.url, error.detail)
            if self.crawl.ignore_robots:
                return None
            self.robots_problems[origin_url] = robots_problem(error)
            if error.status is None and error.code in UNREACHABLE_CODES:
                self._unreachable_origins.add(origin_url)
            return DISALLOW_ALL

    def _crawl_delay(self, url: str) -> float:
        delay = self._robots_for(url).crawl_delay() or 0.0
        if delay <= MAX_CRAWL_DELAY:
            return delay
        origin_url = _origin_url(url)
        if origin_url not in self._capped_origins:
            self._capped_origins.add(origin_url)
            logger.warning("Crawl-delay of %s s in %s capped at %s s", delay, robots_url(origin_url), MAX_CRAWL_DELAY)
        return MAX_CRAWL_DELAY


def robots_problem(error: FileUnavailable) -> str:
    """Return the translated reason robots.txt could not be fetched, such as "The server answered HTTP 503"."""
    if error.status is not None:
        return _("The server answered HTTP %(status)s", status=error.status)
    reason = describe_network_error(f"net::{error.code}") if error.code else None
    return reason or _("The server could not be reached: %(error)s", error=error.detail)


def target_from_state(entry: list[Any]) -> CrawlTarget:
    """Rebuild a target saved as ``[url, depth, referrer]``; checkpoints saved before referrers have two items."""
    url, depth, *rest = entry
    return CrawlTarget(url, int(depth), rest[0] if rest else None)


def page_key(url: str) -> str:
    """Return the key under which a normalised URL counts as seen.

    ``http://`` and ``https://`` on their default ports name the same page,
    because sites that serve both almost always redirect one to the other.
    A sitemap listing ``http://`` pages of an HTTPS site then costs a
    redirect per page, and no page is audited twice.
    """
    parts = urlsplit(url)
    if parts.scheme in DEFAULT_PORTS and parts.port is None:
        return url.removeprefix(f"{parts.scheme}:")
    return url


def _origin_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}"
