"""The CSV export of a scan: one row per finding, plus one row per page not audited.

Findings are violations and needs-review results. Inventory records (what a
plugin checked, such as each form) are not problems and stay in the JSON
export only. The columns are documented in docs/scan-exports.md.
"""

from __future__ import annotations

import csv
import io

from cxaudit.models import Finding, Outcome, PageResult, PageStatus, Scan
from cxaudit.rule_help import rule_help
from cxaudit.spreadsheet import neutralise_formula

CSV_COLUMNS = (
    "page_url",
    "page_status",
    "page_error",
    "plugin",
    "rule",
    "outcome",
    "impact",
    "wcag",
    "count",
    "targets",
    "help",
    "help_url",
)
# Several WCAG criteria share one cell, and so do several selectors. Selectors
# may contain spaces and commas, so each gets a line of its own.
WCAG_SEPARATOR = " "
TARGET_SEPARATOR = "\n"
EXPORTED_OUTCOMES = (Outcome.VIOLATION, Outcome.NEEDS_REVIEW)


def export_csv(scan: Scan) -> str:
    """Return the scan's findings, and its failed and HTTP error pages, as CSV text with a header row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for page in scan.pages:
        # A broken link (an HTTP error page) has no findings, so without a
        # row of its own it would be missing from the export.
        if page.status != PageStatus.AUDITED:
            writer.writerow(_safe_row(_unaudited_page_row(page)))
        for finding in page.findings:
            if finding.outcome in EXPORTED_OUTCOMES:
                writer.writerow(_safe_row(_finding_row(page, finding)))
    return buffer.getvalue()


def _unaudited_page_row(page: PageResult) -> list[object]:
    return [page.url, str(page.status), page.error, *[None] * (len(CSV_COLUMNS) - 3)]


def _finding_row(page: PageResult, finding: Finding) -> list[object]:
    return [
        page.url,
        str(page.status),
        page.error,
        finding.plugin,
        finding.rule,
        str(finding.outcome),
        finding.impact,
        WCAG_SEPARATOR.join(finding.wcag or []),
        finding.count,
        TARGET_SEPARATOR.join(finding.targets or []),
        rule_help(finding.plugin, finding.rule, finding.help),
        finding.help_url,
    ]


def _safe_row(values: list[object]) -> list[str]:
    # Page texts, selectors and plugin messages come from the audited site,
    # so any cell could carry a formula.
    return [neutralise_formula(value) for value in values]
