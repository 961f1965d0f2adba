"""Loading pages for the declaration audit and running its scripts on them."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from cxaudit.scan.browser_session import BROWSER_ERRORS
from cxaudit.scan.quiet_dom import WAIT_FOR_QUIET_DOM

logger = logging.getLogger(__name__)

HTML_TYPES = (None, "text/html", "application/xhtml+xml")


@dataclass(frozen=True)
class LoadedPage:
    """A page the browser loaded: its final URL, HTTP status and content type, or the load error."""

    url: str
    http_status: int | None = None
    content_type: str | None = None
    error: str | None = None

    @property
    def failed(self) -> bool:
        return self.error is not None or (self.http_status is not None and self.http_status >= 400)

    @property
    def is_html(self) -> bool:
        return self.content_type in HTML_TYPES


@cache
def script(name: str) -> str:
    """Return the source of a script shipped with the plugin, such as ``read_home.js``."""
    return (Path(__file__).parent / name).read_text(encoding="utf-8")


def load(driver: Any, url: str) -> LoadedPage:
    """Navigate to ``url`` and wait until the DOM is quiet; a browser error is returned, not raised."""
    try:
        driver.get(url)
        driver.execute_async_script(WAIT_FOR_QUIET_DOM)
        facts = driver.execute_script(
            "const entry = performance.getEntriesByType('navigation')[0];"
            "return {status: entry && entry.responseStatus ? entry.responseStatus : null,"
            " contentType: document.contentType || null, url: location.href};"
        ) or {}
    except BROWSER_ERRORS as error:
        message = (getattr(error, "msg", None) or str(error)).strip().splitlines()
        reason = f"{type(error).__name__}: {message[0]}" if message else type(error).__name__
        logger.info("Declaration audit could not load %s: %s", url, reason)
        return LoadedPage(url=url, error=reason)
    return LoadedPage(url=facts.get("url") or url, http_status=facts.get("status"), content_type=facts.get("contentType"))


def run_script(driver: Any, name: str) -> dict[str, Any]:
    return driver.execute_script(script(name)) or {}
