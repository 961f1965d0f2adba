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
    """Add each call's findings to ``page_result``; a failed call or an invalid finding becomes an audit error."""
    errors = list(page_result.audit_errors or [])
    for call in calls:
        if call.error is not None:
            errors.append({"plugin": call.plugin, "error": _describe(call.error)})
            continue
        errors += _add_findings(page_result, call)
    # Assign a new list: the JSON column does not track changes made in place.
    page_result.audit_errors = errors


# The lengths of the finding columns, so a longer value is rejected here
# instead of failing the whole page's commit on PostgreSQL.
MAX_RULE_LENGTH = Finding.__table__.c.rule.type.length
MAX_IMPACT_LENGTH = Finding.__table__.c.impact.type.length
MAX_HELP_URL_LENGTH = Finding.__table__.c.help_url.type.length
OUTCOME_VALUES = frozenset(outcome.value for outcome in Outcome)


def _add_findings(page_result: PageResult, call: HookCall) -> list[dict[str, str]]:
    """Store the call's valid findings; return an audit error for each finding skipped as invalid."""
    errors = []
    for finding in call.result:
        problem = _finding_problem(finding)
        if problem:
            logger.warning("Plugin %s returned an invalid finding, which was skipped: %s", call.plugin, problem)
            errors.append({"plugin": call.plugin, "error": f"Invalid finding skipped: {problem}"})
            continue
        page_result.findings.append(
            Finding(
                plugin=call.plugin,
                rule=finding.rule,
                outcome=Outcome(finding.outcome),
                impact=finding.impact,
                wcag=_strings(finding.wcag),
                count=finding.count,
                targets=_strings(finding.targets),
                help=finding.help,
                help_url=finding.help_url,
                data=_json_data(call.plugin, finding),
            )
        )
    return errors


def _finding_problem(finding: Any) -> str | None:
    """Return why ``finding`` cannot be stored, or None when it can."""
    if not isinstance(finding, AuditFinding):
        return f"{finding!r:.80} is not an AuditFinding"
    if finding.outcome not in OUTCOME_VALUES:
        return f"outcome {finding.outcome!r} of rule {finding.rule!r:.80} is not violation, needs-review or inventory"
    if not isinstance(finding.rule, str) or not 0 < len(finding.rule) <= MAX_RULE_LENGTH:
        return f"rule id {finding.rule!r:.80} is not a text of 1 to {MAX_RULE_LENGTH} characters"
    if finding.impact is not None and (not isinstance(finding.impact, str) or len(finding.impact) > MAX_IMPACT_LENGTH):
        return f"impact {finding.impact!r:.80} of rule {finding.rule!r} is longer than {MAX_IMPACT_LENGTH} characters"
    if finding.help_url is not None and (not isinstance(finding.help_url, str) or len(finding.help_url) > MAX_HELP_URL_LENGTH):
        return f"help_url of rule {finding.rule!r} is longer than {MAX_HELP_URL_LENGTH} characters"
    if not isinstance(finding.count, int) or finding.count < 0:
        return f"count {finding.count!r:.80} of rule {finding.rule!r} is not a whole number of 0 or more"
    return None


def _strings(values: Any) -> list[str]:
    # One string given for a list (wcag="1.1.1") is one item, not a list of its characters.
    if isinstance(values, str):
        return [values]
    return [str(value) for value in values or []]


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
