"""Starting headless Chromium through Selenium, locally or on a remote WebDriver."""

from __future__ import annotations

import logging
import os
from typing import Any

from flask_babel import gettext as _
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chromium.remote_connection import ChromiumRemoteConnection
from selenium.webdriver.remote.client_config import ClientConfig

from cxaudit.orphans import OrphanProofService
from cxaudit.scan.browser_rules import host_resolver_rules
from cxaudit.scan.user_agent import apply_browser_user_agent

logger = logging.getLogger(__name__)

# Keep Chromium off the network except for the pages it is sent to: no
# update checks, sync, safe-browsing or metrics, which would also be blocked
# on closed networks and slow every start.
CHROMIUM_ARGUMENTS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    # No field-trial settings, crash reporter or background component
    # extensions: each scan runs the same browser, and starts it sooner.
    "--disable-field-trial-config",
    "--disable-breakpad",
    "--disable-component-extensions-with-background-pages",
    # Without the omnibox popups: headless Chromium 156 still loads these
    # pages of its address bar at start, in two renderers that took about
    # 0.5 s of CPU per browser, which a scan never shows.
    "--disable-features=OptimizationHints,MediaRouter,Translate,AutofillServerCommunication,"
    "CertificateTransparencyComponentUpdater,WebUIOmniboxPopup,WebUIOmniboxAimPopup",
    "--metrics-recording-only",
    "--no-first-run",
    "--no-default-browser-check",
    "--no-pings",
    "--disable-quic",
    "--mute-audio",
    "--window-size=1280,900",
)

# A page's scripts may hold this many megabytes of JavaScript objects. A page
# that needs more crashes its own tab, and the scan records it as failed,
# instead of a runaway script taking the memory of the machine.
DEFAULT_JS_HEAP_MB = 512
# A floor, so that a typing error such as 5 cannot make every page crash.
# An estimate of what ordinary pages need, not a limit of V8.
MIN_JS_HEAP_MB = 16


def chrome_options(config: dict[str, Any], *, scanning: bool = False) -> webdriver.ChromeOptions:
    """Build Chromium's options; ``scanning`` adds the host rules that keep a scan off special addresses."""
    arguments = list(CHROMIUM_ARGUMENTS)
    if scanning:
        arguments = _with_scan_host_rules(arguments, host_resolver_rules(config))
    options = webdriver.ChromeOptions()
    for argument in arguments:
        options.add_argument(argument)
    options.add_argument(f"--js-flags=--max-old-space-size={js_heap_mb(config)}")
    if not config.get("WEBDRIVER_URL"):
        # Over a pipe instead of a port, Chromium exits as soon as its
        # chromedriver does, even when chromedriver is killed.
        options.add_argument("--remote-debugging-pipe")
    # The binary path travels in goog:chromeOptions, so on a remote WebDriver
    # it must be the path on the remote machine, not this one's.
    binary = config.get("WEBDRIVER_CHROMIUM_PATH") if config.get("WEBDRIVER_URL") else config.get("CHROMIUM_PATH")
    if binary:
        options.binary_location = binary
    # "eager" returns at DOMContentLoaded. With "normal", a page whose load
    # event never fires (an image or script that never finishes) would time
    # out; BrowserSession.load waits for a quiet DOM itself, with an upper bound.
    options.page_load_strategy = "eager"
    # Page loads and scripts time out inside the browser after the page
    # timeout. Asked for with the session, they cost no command after it.
    timeout_ms = int(float(config.get("SCAN_PAGE_TIMEOUT", 30)) * 1000)
    options.timeouts = {"pageLoad": timeout_ms, "script": timeout_ms}
    return options


def _with_scan_host_rules(arguments: list[str], rules: str) -> list[str]:
    """Join the scan's host rules with any already in ``arguments``.

    Chromium reads only the last ``--host-resolver-rules`` switch, so one
    added by a caller (a test that maps every other host to "not found")
    would otherwise replace the scan's rules, or the scan's would replace it.
    """
    prefix = "--host-resolver-rules="
    earlier = [argument.removeprefix(prefix) for argument in arguments if argument.startswith(prefix)]
    others = [argument for argument in arguments if not argument.startswith(prefix)]
    joined = ", ".join(rule for rule in (rules, *earlier) if rule)
    return [*others, prefix + joined] if joined else others


def start_browser(config: dict[str, Any], *, scanning: bool = False) -> webdriver.Remote:
    """Start a Chromium session from the app's config (``CHROMEDRIVER_PATH``,
    ``CHROMIUM_PATH``, or ``WEBDRIVER_URL`` for a Selenium Grid).

    A scan's session (``scanning``) refuses the addresses the SSRF guard
    refuses, for subresources and redirects too (cxaudit.scan.browser_rules).

    The driver path is always given, so Selenium Manager never downloads a
    driver; ``SE_AVOID_STATS`` stops it from sending usage statistics.
    """
    os.environ.setdefault("SE_AVOID_STATS", "true")
    options = chrome_options(config, scanning=scanning)
    page_timeout = config.get("SCAN_PAGE_TIMEOUT", 30)

    if config.get("WEBDRIVER_URL"):
        driver = webdriver.Remote(command_executor=_remote_connection(config["WEBDRIVER_URL"]), options=options)
    else:
        service = OrphanProofService(executable_path=config["CHROMEDRIVER_PATH"])
        driver = webdriver.Chrome(service=service, options=options)

    # The HTTP timeout bounds any command to the driver, so a browser that
    # stopped responding at all raises instead of blocking its thread for good.
    driver.command_executor.client_config.timeout = command_timeout(page_timeout)
    apply_browser_user_agent(driver, config)
    return driver


def js_heap_mb(config: dict[str, Any]) -> int:
    """Return ``SCAN_JS_HEAP_MB``, the JavaScript heap limit of each tab in megabytes.

    :raises ValueError: naming the value and the fix when it is not a whole number of 16 or more.
    """
    value = config.get("SCAN_JS_HEAP_MB", DEFAULT_JS_HEAP_MB)
    try:
        megabytes = int(value)
    except (TypeError, ValueError):
        megabytes = 0
    if megabytes < MIN_JS_HEAP_MB or str(megabytes) != str(value).strip():
        raise ValueError(
            _(
                "Invalid SCAN_JS_HEAP_MB: %(value)s. Give a whole number of megabytes, "
                "%(min)s or more, such as %(default)s.",
                value=value,
                min=MIN_JS_HEAP_MB,
                default=DEFAULT_JS_HEAP_MB,
            )
        )
    return megabytes


def command_timeout(page_timeout: float) -> float:
    """Return the seconds any one WebDriver command may take: twice the page timeout plus a margin."""
    return 2 * page_timeout + 10


def _remote_connection(url: str) -> ChromiumRemoteConnection:
    # The Chromium connection adds the vendor commands, among them the CDP
    # command BrowserSession uses to clear cookies and storage between pages.
    return ChromiumRemoteConnection(
        remote_server_addr=url,
        vendor_prefix="goog",
        browser_name="chrome",
        client_config=ClientConfig(remote_server_addr=url, timeout=120),
    )


def evaluate_on_new_documents(driver: Any, source: str) -> bool:
    """Make ``driver``'s tab evaluate ``source`` in every document it creates from now on, before the page's scripts.

    Returns False when the WebDriver has no DevTools command or the browser
    rejects the script, so the caller falls back to sending it to each page.
    """
    execute_cdp = getattr(driver, "execute_cdp_cmd", None)
    if execute_cdp is None:
        return False
    try:
        execute_cdp("Page.addScriptToEvaluateOnNewDocument", {"source": source})
    except WebDriverException as error:
        logger.info("Browser rejected a script for new documents, so it is sent to each page instead: %s", error)
        return False
    return True
