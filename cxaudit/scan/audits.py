"""Running the plugins' audits and turning their results into stored rows."""

from __future__ import annotations

import json
import logging
from typing import Any

from cxaudit.audit import AuditFinding, PageContext, SiteContext, ToolVersion
from cxaudit.models import Finding, Outcome, PageResult
from cxaudit.plugins import HookCall, PluginRegistry

logger = logging.getLogger(__name__)


def collect_tool_versions(registry: PluginRegistry) -> dict[str, str]:
    """Ask every plugin for its engines; a plugin that fails is logged and left out."""
    versions: dict[str, str] = {}
    for call in registry.call_each("cxaudit_tool_versions"):
        for tool in call.result:
            if isinstance(tool, ToolVersion):
                versions[tool.name] = tool.version
            else:
                logger.warning("Plugin %s returned %r from cxaudit_tool_versions, not a ToolVersion", call.plugin, tool)
    return versions


def collect_page_scripts(registry: PluginRegistry, settings: dict[str, Any]) -> list[str]:
    """Ask every plugin for scripts to run at the start of each page; a plugin that fails is logged and left out."""
    scripts: list[str] = []
    for call in registry.call_each("cxaudit_page_scripts", settings=settings):
        for script in call.result:
            if isinstance(script, str):
                scripts.append(script)
            else:
                logger.warning("Plugin %s returned %r from cxaudit_page_scripts, not a script", call.plugin, type(script))
    return scripts


def collect_scan_settings(registry: PluginRegistry, settings: dict[str, Any], config: Any) -> dict[str, Any]:
    """Ask every plugin for its settings of a new scan and merge them.

    Unlike the audit hooks, a ``ValueError`` is not isolated: it is the
    plugin's translated message about invalid input, and the scan must not be
    created.
    """
    merged: dict[str, Any] = {}
    for plugin_settings in registry.manager.hook.cxaudit_scan_settings(settings=dict(settings), config=config):
        for item in plugin_settings or []:
            merged.update(item)
    return merged


def audit_page(registry: PluginRegistry, page_result: PageResult, url: str, driver: Any, settings: dict) -> None:
    """Run every page audit on the loaded page and add their findings to ``page_result``."""
    context = PageContext(url=url, driver=driver, settings=settings)
    store_calls(page_result, registry.call_each("cxaudit_page_audit", page=context))


def audit_site(registry: PluginRegistry, page_result: PageResult, start_url: str, driver: Any, settings: dict) -> None:
    """Run every site audit once and add their findings to the start URL's ``page_result``."""
    context = SiteContext(start_url=start_url, driver=driver, settings=settings)
    store_calls(page_result, registry.call_each("cxaudit_site_audit", site=context))


def store_calls(page_result: PageResult, calls: Any) -> None:
    """Add each call's findings to ``page_result``; a failed call becomes an audit error."""
    errors = list(page_result.audit_errors or [])
    for call in calls:
        if call.error is not None:
            errors.append({"plugin": call.plugin, "error": _describe(call.error)})
            continue
        _add_findings(page_result, call)
    # Assign a new list: the JSON column does not track changes made in place.
    page_result.audit_errors = errors


def _add_findings(page_result: PageResult, call: HookCall) -> None:
    for finding in call.result:
        if not isinstance(finding, AuditFinding):
            logger.warning("Plugin %s returned %r, not an AuditFinding; it was skipped", call.plugin, finding)
            continue
        if finding.outcome not in {outcome.value for outcome in Outcome}:
            logger.warning("Plugin %s returned outcome %r for %s; it was skipped", call.plugin, finding.outcome, finding.rule)
            continue
        page_result.findings.append(
            Finding(
                plugin=call.plugin,
                rule=finding.rule,
                outcome=Outcome(finding.outcome),
                impact=finding.impact,
                wcag=list(finding.wcag),
                count=finding.count,
                targets=list(finding.targets),
                help=finding.help,
                help_url=finding.help_url,
                data=_json_data(call.plugin, finding),
            )
        )


def _json_data(plugin: str, finding: AuditFinding) -> dict[str, Any]:
    """Return the finding's data if it is a JSON object, else log a warning and return an empty dict.

    A value the JSON column cannot store would fail the commit of the whole
    page, and with it the other plugins' findings.
    """
    data = finding.data or {}
    try:
        if not isinstance(data, dict):
            raise TypeError(f"data is a {type(data).__name__}, not a dict")
        json.dumps(data)
    except (TypeError, ValueError) as error:
        logger.warning("Plugin %s returned data for %s that is not a JSON object (%s); it was dropped", plugin, finding.rule, error)
        return {}
    return dict(data)


def _describe(error: BaseException) -> str:
    message = str(error).strip()
    return f"{type(error).__name__}: {message}" if message else type(error).__name__
