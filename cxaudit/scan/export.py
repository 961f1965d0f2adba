"""Exports of a scan: JSON (docs/scan-json.md), CSV and SARIF (docs/scan-exports.md)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from cxaudit.models import Finding, PageResult, Scan
from cxaudit.rule_help import rule_help
from cxaudit.scan.export_csv import export_csv
from cxaudit.scan.loading import load_results
from cxaudit.scan.sarif import export_sarif
from cxaudit.timestamps import utc_isoformat

EXPORT_FORMATS = ("json", "csv", "sarif")
MEDIA_TYPES = {
    "json": "application/json",
    "csv": "text/csv",
    "sarif": "application/sarif+json",
}


def render_export(scan: Scan, fmt: str) -> str:
    """Return the scan as text in ``fmt``, one of ``EXPORT_FORMATS``."""
    load_results(scan)
    if fmt == "csv":
        return export_csv(scan)
    if fmt == "sarif":
        # SARIF logs are read by programs and get large, so they are written
        # compact, which also lets the json module use its C encoder.
        return json.dumps(export_sarif(scan), ensure_ascii=False, separators=(",", ":")) + "\n"
    return json.dumps(export_scan(scan), ensure_ascii=False, indent=2) + "\n"


def export_filename(scan: Scan, fmt: str) -> str:
    """Return the download name of the scan's export in ``fmt``."""
    return f"cxaudit-scan-{scan.id}.{fmt}"


def export_scan(scan: Scan) -> dict[str, Any]:
    """Return the scan, its pages and their findings as JSON-ready data."""
    return {
        "scan": {
            "id": scan.id,
            "url": scan.url,
            "status": str(scan.status),
            "started_at": _timestamp(scan.started_at),
            "finished_at": _timestamp(scan.finished_at),
            "error": scan.error,
            "axe_core_version": scan.axe_core_version,
            "settings": scan.settings or {},
        },
        "pages": [_export_page(page) for page in scan.pages],
    }

def _export_page(page: PageResult) -> dict[str, Any]:
    return {
        "url": page.url,
        "status": str(page.status),
        "error": page.error,
        "audit_errors": page.audit_errors or [],
        "findings": [_export_finding(finding) for finding in page.findings],
    }

def _export_finding(finding: Finding) -> dict[str, Any]:
    return {
        "plugin": finding.plugin,
        "rule": finding.rule,
        "outcome": str(finding.outcome),
        "impact": finding.impact,
        "wcag": finding.wcag or [],
        "count": finding.count,
        "targets": finding.targets or [],
        "help": rule_help(finding.plugin, finding.rule, finding.help),
        "help_url": finding.help_url,
        "data": finding.data or {},
    }

def _timestamp(value: datetime | None) -> str | None:
    return utc_isoformat(value)
