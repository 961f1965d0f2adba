"""The values that audit plugins receive and return."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

OutcomeName = Literal["violation", "needs-review"]
IMPACTS = ("critical", "serious", "moderate", "minor")


@dataclass(frozen=True)
class AuditFinding:
    """One rule result reported by a plugin.

    ``outcome`` is ``"violation"`` for a failure or ``"needs-review"`` when a
    person must decide; passes are not reported. ``impact`` is one of
    ``IMPACTS`` or ``None``. ``wcag`` lists success criteria such as
    ``"1.1.1"`` and ``targets`` the CSS selectors of the affected elements.
    """

    rule: str
    outcome: OutcomeName
    impact: str | None = None
    wcag: list[str] = field(default_factory=list)
    count: int = 1
    targets: list[str] = field(default_factory=list)
    help: str | None = None
    help_url: str | None = None


@dataclass(frozen=True)
class ToolVersion:
    """The name and version of an engine a plugin runs, such as axe-core."""

    name: str
    version: str


@dataclass
class PageContext:
    """A page loaded in the browser and ready to audit.

    ``driver`` is a Selenium WebDriver already on ``url``; plugins may run
    scripts in it but must not navigate away, submit forms or close it.
    ``settings`` are the scan's settings (for example ``axe_tags``).
    """

    url: str
    driver: Any
    settings: dict[str, Any]


@dataclass
class SiteContext:
    """The site a scan starts from; passed once per scan to site audits.

    ``driver`` is the same browser the scan uses, free to navigate.
    """

    start_url: str
    driver: Any
    settings: dict[str, Any]
