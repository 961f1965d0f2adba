"""The User-Agent cxaudit sends: its name, version and the deployment's contact.

Site owners read it in their logs and match ``cxaudit`` in robots.txt, so it
names the tool and a contact for questions about the traffic.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from cxaudit import __version__

logger = logging.getLogger(__name__)

PRODUCT = "cxaudit"


def contact_reference(contact: str | None) -> str | None:
    """Return ``SCAN_CONTACT`` as a URL: a bare e-mail address becomes ``mailto:``."""
    text = (contact or "").strip()
    if not text:
        return None
    if "@" in text and ":" not in text:
        return f"mailto:{text}"
    return text


def build_user_agent(config: Mapping[str, Any]) -> str:
    """Return ``cxaudit/VERSION (+CONTACT)``, or ``cxaudit/VERSION`` without a contact."""
    token = f"{PRODUCT}/{__version__}"
    contact = contact_reference(config.get("SCAN_CONTACT"))
    return f"{token} (+{contact})" if contact else token


def browser_user_agent(browser_agent: str, config: Mapping[str, Any]) -> str:
    """Return Chromium's own User-Agent with cxaudit's appended.

    Keeping Chromium's tokens serves the page a browser would get; the
    ``Headless`` marker is dropped because some sites refuse headless browsers.
    """
    return f"{browser_agent.replace('HeadlessChrome', 'Chrome')} {build_user_agent(config)}"


def apply_browser_user_agent(driver: Any, config: Mapping[str, Any]) -> None:
    """Make ``driver``'s tab send cxaudit's User-Agent, through the DevTools protocol.

    A remote WebDriver without the Chromium DevTools command keeps Chromium's
    User-Agent; that is logged.
    """
    agent = browser_user_agent(driver.execute_script("return navigator.userAgent"), config)
    execute_cdp = getattr(driver, "execute_cdp_cmd", None)
    if execute_cdp is None:
        logger.warning("The WebDriver has no DevTools command; pages see Chromium's User-Agent without cxaudit's")
        return
    execute_cdp("Network.setUserAgentOverride", {"userAgent": agent})
