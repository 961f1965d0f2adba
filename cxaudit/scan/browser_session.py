"""One Chromium session reused across pages, cleaned between them and replaced when it dies or hangs."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from selenium.common.exceptions import JavascriptException, TimeoutException, WebDriverException
from urllib3.exceptions import HTTPError as Urllib3HTTPError

from cxaudit.browser import evaluate_on_new_documents, start_browser
from cxaudit.scan.quiet_dom import QUIET_DOM_WAIT, watch_page_activity
from cxaudit.scan.urls import DEFAULT_PORTS, origin

logger = logging.getLogger(__name__)

# Exceptions of a dead or stuck browser: WebDriverException (TimeoutException,
# "tab crashed" and invalid session are subclasses), or a connection error
# when the chromedriver process itself is gone.
BROWSER_ERRORS: tuple[type[BaseException], ...] = (WebDriverException, Urllib3HTTPError, ConnectionError)

# a.href is the link resolved by the browser against the document's base URL.
COLLECT_LINKS = """
return Array.from(document.querySelectorAll('a[href]'))
  .filter(a => !a.hasAttribute('download'))
  .map(a => a.href);
"""

# The navigation entry contains the HTTP status (``responseStatus``, missing in
# older Chromium versions), and the content type separates HTML from a file
# shown in a viewer. ``errorCode`` reads the network error code (such as
# ERR_EMPTY_RESPONSE) from Chromium's error page, whose markup is not a
# stable interface, so it may come back null.
DESCRIBE_DOCUMENT = """
const entry = performance.getEntriesByType('navigation')[0];
const errorCode = document.querySelector('.error-code');
return {
  status: entry && entry.responseStatus ? entry.responseStatus : null,
  contentType: document.contentType || null,
  url: location.href,
  errorCode: errorCode ? errorCode.textContent.trim() : null
};
"""

# One command instead of three after each navigation: wait for the page to
# settle, then describe it and collect its links.
WAIT_AND_DESCRIBE = (
    "const done = arguments[arguments.length - 1];\n"
    f"{QUIET_DOM_WAIT}(arguments[0], reason => done({{\n"
    f"  reason: reason,\n  document: (function () {{ {DESCRIBE_DOCUMENT} }})(),\n"
    f"  links: (function () {{ {COLLECT_LINKS} }})()\n}}));"
)

# Chromium shows its own error page at this address when a navigation fails
# without an HTTP response (connection reset, empty response). ChromeDriver
# 156 reports some of these failures as an error and loads the error page
# for others, such as ERR_EMPTY_RESPONSE.
CHROMIUM_ERROR_PAGE = "chrome-error://"


class NavigationError(WebDriverException):
    """The browser could not get the page: it shows its network error page instead."""


@dataclass(frozen=True)
class LoadedDocument:
    """Facts the browser reports about the page it just loaded."""

    url: str
    http_status: int | None
    content_type: str | None
    links: tuple[str, ...] = ()

    @property
    def is_html(self) -> bool:
        return self.content_type in (None, "text/html", "application/xhtml+xml")


class BrowserSession:
    """A Chromium session for one scan; ``driver`` is started lazily and restarted after a crash.

    Each browser it starts evaluates ``page_scripts`` (the plugins'
    ``cxaudit_page_scripts``) at the creation of every document it loads.
    """

    def __init__(self, config: dict[str, Any], page_scripts: Sequence[str] = ()) -> None:
        self.config = config
        self.page_scripts = tuple(page_scripts)
        self._driver: Any = None
        # The quiet-DOM wait must end well inside the script timeout (the page
        # timeout), or a page that never stops changing would time out.
        self._quiet_limit_ms = int(min(3.0, float(config.get("SCAN_PAGE_TIMEOUT", 30)) / 2) * 1000)

    @property
    def driver(self) -> Any:
        if self._driver is None:
            driver = start_browser(self.config, scanning=True)
            watch_page_activity(driver)
            # Installed with the browser, so even its first page runs them
            # while it loads, instead of waiting for a plugin to send them.
            for script in self.page_scripts:
                evaluate_on_new_documents(driver, script)
            self._driver = driver
        return self._driver

    def start(self) -> None:
        """Start the browser unless it runs already.

        :raises: one of ``BROWSER_ERRORS``, ``OSError`` when chromedriver cannot be run,
            or ``ValueError`` when a browser setting is invalid.
        """
        self.driver  # noqa: B018 - the property starts Chromium

    def load(self, url: str) -> LoadedDocument:
        """Navigate to ``url``, wait until the DOM is quiet and describe the document.

        After a timeout the browser is closed, so the next call starts a new one:
        a renderer stuck in a script makes every later command wait the whole
        timeout too, while a new browser costs only its start-up.

        :raises: one of ``BROWSER_ERRORS`` when the page times out or the browser fails.
        """
        driver = self.driver
        try:
            driver.get(url)
            loaded = driver.execute_async_script(WAIT_AND_DESCRIBE, self._quiet_limit_ms) or {}
        except TimeoutException:
            logger.warning("Loading %s timed out; the browser is replaced", url)
            self.close()
            raise
        facts = loaded.get("document") or {}
        logger.debug("Loaded %s (%s)", url, loaded.get("reason"))
        if str(facts.get("url") or "").startswith(CHROMIUM_ERROR_PAGE):
            raise NavigationError(facts.get("errorCode") or "unknown network error")
        return LoadedDocument(
            url=facts.get("url") or url,
            http_status=facts.get("status"),
            content_type=facts.get("contentType"),
            links=tuple(loaded.get("links") or ()),
        )

    def clear_site_data(self, url: str) -> None:
        """Delete every cookie and the storage of ``url``'s origin, so the next page starts as a first visit.

        Cookies go for all sites; local storage, IndexedDB, caches and service
        workers only for ``url``'s origin. Session storage belongs to the tab,
        so it is cleared through the page.

        :raises: one of ``BROWSER_ERRORS`` when the browser fails.
        """
        driver = self.driver
        driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
        page_origin = _serialized_origin(url)
        if page_origin:
            driver.execute_cdp_cmd("Storage.clearDataForOrigin", {"origin": page_origin, "storageTypes": "all"})
        try:
            driver.execute_script("window.sessionStorage.clear();")
        except JavascriptException:
            # Error pages and sandboxed documents deny access to storage; they have none to clear.
            pass

    def is_alive(self) -> bool:
        """Tell whether the browser still runs a script, the cheapest round trip."""
        if self._driver is None:
            return True
        try:
            self._driver.execute_script("return 1")
        except BROWSER_ERRORS:
            return False
        return True

    def recover(self) -> None:
        """Stop the browser if it no longer responds, so the next page starts a new one."""
        if self.is_alive():
            return
        logger.warning("Browser stopped responding; a new one starts for the next page")
        self.close()

    def close(self) -> None:
        driver, self._driver = self._driver, None
        if driver is None:
            return
        try:
            driver.quit()
        except BROWSER_ERRORS as error:
            # A crashed browser cannot quit cleanly; its processes are gone or will be reaped.
            logger.info("Browser did not quit cleanly: %s", error)


def _serialized_origin(url: str) -> str | None:
    """Return ``url``'s origin as a browser writes it (``http://host:8000``), or None for other schemes."""
    scheme, host, port = origin(url)
    if scheme not in DEFAULT_PORTS or not host:
        return None
    if ":" in host:
        host = f"[{host}]"
    return f"{scheme}://{host}" if port == DEFAULT_PORTS[scheme] else f"{scheme}://{host}:{port}"
