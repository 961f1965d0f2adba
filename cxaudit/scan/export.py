"""The JSON export of a scan, documented in docs/scan-json.md."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cxaudit.models import Finding, PageResult, Scan

def export_scan(scan: Scan) -> dict[str, Any]:
    """Return the scan, its pages and their findings as JSON-ready data."""
    return {
        "scan": {
            "id": scan.id,
            "url": scan.url,
            "status": str(scan.status),
            "started_at": _timestamp(scan.started_at),
            "finished_at": _timestamp(scan.finished_at),
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
        "help": finding.help,
        "help_url": finding.help_url,
        "data": finding.data or {},
    }

def _timestamp(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
