"""The values that audit plugins receive and return."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

OutcomeName = Literal["violation", "needs-review", "inventory"]
IMPACTS = ("critical", "serious", "moderate", "minor")


@dataclass(frozen=True)
class AuditFinding:
    """One rule result reported by a plugin.

    ``outcome`` is ``"violation"`` for a failure or ``"needs-review"`` when a
    person must decide; passes are not reported. ``"inventory"`` records
    something the plugin checked (such as one form of the page) so that its
    scorecard section can list it; it is never counted as a problem.
    ``impact`` is one of ``IMPACTS`` or ``None``. ``wcag`` lists success
    criteria such as ``"1.1.1"`` and ``targets`` the CSS selectors of the
    affected elements. ``data`` contains JSON-ready values for the plugin's own
    scorecard section, so it never has to read them back from ``help``.
    """

    rule: str
    outcome: OutcomeName
    impact: str | None = None
    wcag: list[str] = field(default_factory=list)
    count: int = 1
    targets: list[str] = field(default_factory=list)
    help: str | None = None
    help_url: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


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


@dataclass(frozen=True)
class SectionTable:
    """A table of a scorecard section: a caption, column headings and rows of cells.

    A long table may set ``printed_rows``: the rows the HTML and PDF
    scorecards show instead of all of them (for example the worst 50), so the
    printed scorecard stays short and quick to lay out. CSV, XLSX and JSON
    always hold every row.
    """

    caption: str
    headers: list[str]
    rows: list[list[str]]
    printed_rows: list[list[str]] | None = None


@dataclass(frozen=True)
class ScorecardSection:
    """A part of the scorecard contributed by a plugin.

    Texts are already translated into the scorecard's language. ``score`` is
    from 0 to 100, or ``None`` when there is no data (shown as "no data",
    never as 0). ``method`` says how the score is computed. ``data`` holds
    JSON-ready figures for the JSON export.
    """

    key: str
    title: str
    summary: str
    score: float | None = None
    tables: list[SectionTable] = field(default_factory=list)
    method: str = ""
    data: dict[str, Any] = field(default_factory=dict)
