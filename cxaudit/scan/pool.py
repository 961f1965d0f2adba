"""A fixed set of Chromium sessions that visit pages in parallel threads."""

from __future__ import annotations

import logging
import queue
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from cxaudit.scan.browser_session import BrowserSession

logger = logging.getLogger(__name__)

T = TypeVar("T")


class BrowserPool:
    """``size`` browser sessions, each used by one thread at a time.

    Every session's browser runs ``page_scripts`` at the start of each page
    (see ``BrowserSession``).

    A session is kept for the next pages, so a scan pays Chromium's start-up
    once per session, not once per page. ``start_browsers`` starts them
    ahead of the first pages; a session that is not started yet, or was
    closed after a crash, starts on its next use.
    """

    def __init__(self, config: dict[str, Any], size: int, page_scripts: Sequence[str] = ()) -> None:
        if size < 1:
            raise ValueError(f"A browser pool needs at least one session, not {size}")
        self.size = size
        self.config = config
        self.sessions = [BrowserSession(config, page_scripts) for _ in range(size)]
        self._idle: queue.SimpleQueue[BrowserSession] = queue.SimpleQueue()
        for session in self.sessions:
            self._idle.put(session)
        self._executor = ThreadPoolExecutor(max_workers=size, thread_name_prefix="cxaudit-browser")

    def submit(self, work: Callable[[BrowserSession], T]) -> Future[T]:
        """Run ``work`` with an idle session in a pool thread and return its future."""

        def run_with_session() -> T:
            # There are as many threads as sessions, so a running task always finds one idle.
            session = self._idle.get()
            try:
                return work(session)
            finally:
                self._idle.put(session)

        return self._executor.submit(run_with_session)

    def start_browsers(self) -> list[Future[None]]:
        """Start every session's browser now, in the pool threads; return one future per session.

        The start-ups overlap with the caller's work (the frontier's robots.txt
        and sitemaps), instead of the second browser starting only when the
        crawl has its second page. A future raises the error of a browser that
        could not start. Pages submitted meanwhile wait for the start-ups,
        which were queued first.

        All browsers start at once. Starting the others only after the first
        made it ready about 0.3 s sooner on a two-core machine, but the start
        page's links then waited about 0.8 s for the second browser.
        """
        return [self.submit(BrowserSession.start) for _ in self.sessions]

    def close(self) -> None:
        """Wait for the running tasks, drop the queued ones and quit every browser."""
        self._executor.shutdown(wait=True, cancel_futures=True)
        # Quitting a browser waits for its processes to end; the sessions quit side by side.
        with ThreadPoolExecutor(max_workers=self.size, thread_name_prefix="cxaudit-browser-quit") as quitting:
            list(quitting.map(BrowserSession.close, self.sessions))
        logger.debug("Browser pool of %s session(s) closed", self.size)
