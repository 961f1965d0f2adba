"""Starting headless Chromium through Selenium, locally or on a remote WebDriver."""

from __future__ import annotations

import os
from typing import Any

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from cxaudit.scan.user_agent import apply_browser_user_agent

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
    "--disable-features=OptimizationHints,MediaRouter,Translate,AutofillServerCommunication,CertificateTransparencyComponentUpdater",
    "--metrics-recording-only",
    "--no-first-run",
    "--no-default-browser-check",
    "--no-pings",
    "--disable-quic",
    "--mute-audio",
    "--window-size=1280,900",
)


def chrome_options(config: dict[str, Any]) -> webdriver.ChromeOptions:
    options = webdriver.ChromeOptions()
    for argument in CHROMIUM_ARGUMENTS:
        options.add_argument(argument)
    if config.get("CHROMIUM_PATH") and not config.get("WEBDRIVER_URL"):
        options.binary_location = config["CHROMIUM_PATH"]
    # Pages are audited once their DOM is ready; waiting for every image and
    # third-party script would let one slow resource stall the scan.
    options.page_load_strategy = "normal"
    return options


def start_browser(config: dict[str, Any]) -> webdriver.Remote:
    """Start a Chromium session from the app's config (``CHROMEDRIVER_PATH``,
    ``CHROMIUM_PATH``, or ``WEBDRIVER_URL`` for a Selenium Grid).

    The driver path is always given, so Selenium Manager never downloads a
    driver; ``SE_AVOID_STATS`` stops it from sending usage statistics.
    """
    os.environ.setdefault("SE_AVOID_STATS", "true")
    options = chrome_options(config)

    if config.get("WEBDRIVER_URL"):
        driver = webdriver.Remote(command_executor=config["WEBDRIVER_URL"], options=options)
    else:
        service = Service(executable_path=config["CHROMEDRIVER_PATH"])
        driver = webdriver.Chrome(service=service, options=options)

    driver.set_page_load_timeout(config.get("SCAN_PAGE_TIMEOUT", 30))
    driver.set_script_timeout(config.get("SCAN_PAGE_TIMEOUT", 30))
    apply_browser_user_agent(driver, config)
    return driver
