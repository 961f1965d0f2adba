"""A breadth-first frontier of one origin, with the interface of the crawl frontier the
parallel crawl is written against."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from cxaudit.scan.urls import is_crawlable_link, is_same_origin, normalize_url


@dataclass(frozen=True)
class CrawlTarget:
    """A URL to visit and its distance in links from the start page."""

    url: str
    depth: int


class SameOriginFrontier:
    """URLs of the start page's origin, each handed out once, at most ``max_pages`` in all."""

    def __init__(
        self,
        scan_url: str,
        settings: Mapping[str, Any],
        config: Mapping[str, Any],
        fetch_text: Callable[[str], str | None] | None = None,
    ) -> None:
        self.scan_url = normalize_url(scan_url)
        self.max_pages = int(settings.get("max_pages") or config["SCAN_MAX_PAGES"])
        self.queue: deque[CrawlTarget] = deque()
        self.seen: set[str] = set()
        self.handed_out = 0

    def seed(self) -> None:
        self._enqueue(CrawlTarget(self.scan_url, 0))

    def pop(self) -> CrawlTarget | None:
        if not self.queue or self.handed_out >= self.max_pages:
            return None
        self.handed_out += 1
        return self.queue.popleft()

    def add_links(self, parent: CrawlTarget, links: Iterable[str]) -> None:
        for link in links:
            if is_crawlable_link(link, self.scan_url):
                self._enqueue(CrawlTarget(normalize_url(link), parent.depth + 1))

    def check_final_url(self, target: CrawlTarget, final_url: str) -> str | None:
        if not is_same_origin(final_url, self.scan_url):
            return _("The page redirected to %(url)s, which is outside the scanned site.", url=final_url)
        self.seen.add(normalize_url(final_url))
        return None

    def delay_before(self, url: str) -> float:
        return 0.0

    def to_state(self) -> dict[str, Any]:
        return {
            "queue": [[target.url, target.depth] for target in self.queue],
            "seen": sorted(self.seen),
            "handed_out": self.handed_out,
        }

    @classmethod
    def from_state(
        cls,
        state: Mapping[str, Any],
        scan_url: str,
        settings: Mapping[str, Any],
        config: Mapping[str, Any],
        fetch_text: Callable[[str], str | None] | None = None,
    ) -> SameOriginFrontier:
        frontier = cls(scan_url, settings, config, fetch_text)
        frontier.queue.extend(CrawlTarget(url, depth) for url, depth in state["queue"])
        frontier.seen.update(state["seen"])
        frontier.handed_out = state["handed_out"]
        return frontier

    def _enqueue(self, target: CrawlTarget) -> None:
        if target.url not in self.seen:
            self.seen.add(target.url)
            self.queue.append(target)
