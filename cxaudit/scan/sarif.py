"""The SARIF 2.1.0 export of a scan, for code-scanning dashboards and CI.

One result per element (per finding when it names none), with the page URL
as the artifact and the CSS selector as a logical location of kind
``element``. Inventory records are not results of a check and are left out.
docs/scan-exports.md documents the mapping.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from flask_babel import gettext as _

from cxaudit.models import Finding, Outcome, PageResult, PageStatus, Scan, ScanStatus
from cxaudit.rule_help import rule_help
from cxaudit.scan.diff import FindingKey, finding_keys, page_key
from cxaudit.scan.export_csv import EXPORTED_OUTCOMES
from cxaudit.timestamps import utc_isoformat

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
# SARIF has three levels for a failed check, so axe-core's four impacts share them.
LEVEL_BY_IMPACT = {"critical": "error", "serious": "error", "moderate": "warning", "minor": "note"}
UNKNOWN_IMPACT_LEVEL = "warning"
# The fingerprint is the diff's matching key, so dashboards track an alert
# across scans the same way `cxaudit scan diff` does.
FINGERPRINT_NAME = "cxauditFindingKey/v1"


def export_sarif(scan: Scan) -> dict[str, Any]:
    """Return the scan as a SARIF 2.1.0 log with one run."""
    rules = _RuleTable()
    results = []
    for page in scan.pages:
        page_match = page_key(page.url, scan.url)
        for finding in page.findings:
            if finding.outcome in EXPORTED_OUTCOMES:
                results.extend(_results(page, page_match, finding, rules))
    run: dict[str, Any] = {
        "tool": {"driver": _driver(rules), "extensions": _extensions(scan)},
        "invocations": [_invocation(scan)],
        "results": results,
        "properties": {"scanId": scan.id, "startUrl": scan.url},
    }
    if not run["tool"]["extensions"]:
        del run["tool"]["extensions"]
    return {"$schema": SARIF_SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


class _RuleTable:
    """The run's rule descriptors, one per plugin and rule, in order of first use."""

    def __init__(self) -> None:
        self.descriptors: list[dict[str, Any]] = []
        self._index: dict[str, int] = {}

    def index_of(self, finding: Finding) -> int:
        rule_id = sarif_rule_id(finding)
        if rule_id not in self._index:
            self._index[rule_id] = len(self.descriptors)
            self.descriptors.append(_rule_descriptor(rule_id, finding))
        return self._index[rule_id]


def sarif_rule_id(finding: Finding) -> str:
    """Return the rule's SARIF id, ``plugin/rule``, unique across plugins."""
    return f"{finding.plugin}/{finding.rule}"


def _rule_descriptor(rule_id: str, finding: Finding) -> dict[str, Any]:
    descriptor: dict[str, Any] = {
        "id": rule_id,
        "name": finding.rule,
        "shortDescription": {"text": rule_help(finding.plugin, finding.rule, finding.help) or finding.rule},
        "defaultConfiguration": {"level": _level(finding.impact)},
        "properties": {"plugin": finding.plugin, "tags": _tags(finding)},
    }
    if finding.help_url:
        descriptor["helpUri"] = finding.help_url
    return descriptor


def _tags(finding: Finding) -> list[str]:
    return ["accessibility", *(f"WCAG {criterion}" for criterion in finding.wcag or [])]


def _level(impact: str | None) -> str:
    return LEVEL_BY_IMPACT.get(impact or "", UNKNOWN_IMPACT_LEVEL)


def _results(page: PageResult, page_match: str, finding: Finding, rules: _RuleTable) -> list[dict[str, Any]]:
    rule_index = rules.index_of(finding)
    # Looked up once per finding: a finding may name hundreds of elements.
    help_text = rule_help(finding.plugin, finding.rule, finding.help) or finding.rule
    return [_result(page, finding, key, rule_index, help_text) for key in finding_keys(page_match, finding)]


def _result(page: PageResult, finding: Finding, key: FindingKey, rule_index: int, help_text: str) -> dict[str, Any]:
    location: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": page.url}}}
    if key.target:
        location["logicalLocations"] = [{"fullyQualifiedName": key.target, "kind": "element"}]
    result: dict[str, Any] = {
        "ruleId": sarif_rule_id(finding),
        "ruleIndex": rule_index,
        "message": {"text": f"{help_text}: {key.target}" if key.target else help_text},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT_NAME: _fingerprint(key)},
        "properties": {"impact": finding.impact, "wcag": finding.wcag or []},
    }
    # SARIF requires the level "none" for any kind but "fail". A needs-review
    # result is of kind "review": a person must decide it.
    if finding.outcome == Outcome.NEEDS_REVIEW:
        result.update(kind="review", level="none")
    else:
        result.update(kind="fail", level=_level(finding.impact))
    return result


def _fingerprint(key: FindingKey) -> str:
    text = "\n".join((key.plugin, key.rule, key.page, key.target))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _driver(rules: _RuleTable) -> dict[str, Any]:
    return {"name": "cxaudit", "version": _cxaudit_version(), "rules": rules.descriptors}


def _cxaudit_version() -> str:
    try:
        return version("cxaudit")
    except PackageNotFoundError:
        return "unknown"


def _extensions(scan: Scan) -> list[dict[str, Any]]:
    # The engines the plugins ran, such as axe-core, with their versions.
    tools = (scan.settings or {}).get("tools") or {}
    return [{"name": name, "version": str(tool_version)} for name, tool_version in sorted(tools.items())]


def _invocation(scan: Scan) -> dict[str, Any]:
    invocation: dict[str, Any] = {
        "executionSuccessful": scan.status == ScanStatus.FINISHED,
        "toolExecutionNotifications": _notifications(scan),
    }
    if scan.started_at:
        invocation["startTimeUtc"] = _utc_timestamp(scan.started_at)
    if scan.finished_at:
        invocation["endTimeUtc"] = _utc_timestamp(scan.finished_at)
    return invocation


def _notifications(scan: Scan) -> list[dict[str, Any]]:
    """Return the scan's error, failed pages and plugin errors as error notifications."""
    notifications = []
    if scan.error:
        notifications.append(_notification("scan-failed", scan.error, scan.url))
    for page in scan.pages:
        if page.status == PageStatus.FAILED:
            message = _("The page could not be audited: %(error)s", error=page.error or "")
            notifications.append(_notification("page-failed", message, page.url))
        for error in page.audit_errors or []:
            message = _("Plugin %(plugin)s failed: %(error)s", plugin=error.get("plugin"), error=error.get("error"))
            notifications.append(_notification("plugin-failed", message, page.url))
    return notifications


def _notification(descriptor_id: str, message: str, url: str) -> dict[str, Any]:
    return {
        "descriptor": {"id": descriptor_id},
        "level": "error",
        "message": {"text": message},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": url}}}],
    }


def _utc_timestamp(value: datetime) -> str:
    return utc_isoformat(value).replace("+00:00", "Z")
