"""The hook implementations of the axe plugin."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import axe_selenium_python
from axe_selenium_python import Axe
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By

from cxaudit.audit import AuditFinding, PageContext, ToolVersion
from cxaudit.hookspecs import hookimpl
from cxaudit_axe.results import findings_from_results
from cxaudit_axe.rule_texts import rule_help

# WCAG 2.0 and 2.1 success criteria of levels A and AA.
DEFAULT_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")

AXE_SCRIPT = Path(axe_selenium_python.__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
VERSION_HEADER = re.compile(r"axe v(\d+\.\d+\.\d+\S*)")
# Frames nested deeper than this are not audited.
MAX_FRAME_DEPTH = 3


@hookimpl
def cxaudit_page_audit(page: PageContext) -> list[AuditFinding]:
    """Run axe-core with the WCAG tags from ``settings["axe_tags"]`` (default: 2.0 and 2.1 A and AA)."""
    tags = list(page.settings.get("axe_tags") or DEFAULT_TAGS)
    options = {"runOnly": {"type": "tag", "values": tags}, "resultTypes": ["violations", "incomplete"]}

    axe = Axe(page.driver, script_url=str(AXE_SCRIPT))
    axe.inject()
    # Axe.inject reaches the top document only; axe.run audits a frame's
    # content only when axe-core is loaded in that frame too.
    inject_into_frames(page.driver, _axe_source())
    page.driver.switch_to.default_content()
    # Axe.run pastes ``options`` into the script with %s, so it must be JSON text.
    results = axe.run(options=json.dumps(options))
    return findings_from_results(results)


def inject_into_frames(driver, source: str, depth: int = 1) -> None:
    """Load axe-core into every iframe and frame of the current document, recursively."""
    if depth > MAX_FRAME_DEPTH:
        return
    for frame in driver.find_elements(By.CSS_SELECTOR, "iframe, frame"):
        try:
            driver.switch_to.frame(frame)
        except WebDriverException:
            # The frame was removed or cannot be entered, so its content stays unaudited.
            continue
        try:
            driver.execute_script(source)
            inject_into_frames(driver, source, depth + 1)
        finally:
            driver.switch_to.parent_frame()


@cache
def _axe_source() -> str:
    return AXE_SCRIPT.read_text(encoding="utf-8")


@hookimpl
def cxaudit_rule_help(plugin: str, rule: str) -> list[str]:
    return rule_help(plugin, rule)


@hookimpl
def cxaudit_tool_versions() -> list[ToolVersion]:
    return [ToolVersion(name="axe-core", version=bundled_axe_version())]


@cache
def bundled_axe_version() -> str:
    """Read the axe-core version from the banner of the bundled ``axe.min.js``."""
    with AXE_SCRIPT.open(encoding="utf-8") as script:
        banner = script.read(200)
    match = VERSION_HEADER.search(banner)
    if not match:
        raise RuntimeError(f"No axe-core version in the banner of {AXE_SCRIPT}")
    return match.group(1)
