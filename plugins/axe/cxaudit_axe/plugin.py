"""The hook implementations of the axe plugin."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app, has_app_context
from flask_babel import force_locale

from cxaudit.audit import AuditFinding, PageContext, ToolVersion
from cxaudit.hookspecs import hookimpl
from cxaudit_axe.bundle import axe_source, bundled_axe_version
from cxaudit_axe.frames import prepare_frames, remove_markers
from cxaudit_axe.preload import preload_source
from cxaudit_axe.results import findings_from_results
from cxaudit_axe.rule_texts import rule_help
from cxaudit_axe.run import run_axe
from cxaudit_axe.selection import resolve_selection
from cxaudit_axe.untested import frame_not_tested_findings


@hookimpl
def cxaudit_scan_settings(settings: Mapping[str, Any], config: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Fix the rule selection of a new scan: ``axe_tags`` and ``axe_rules``.

    :raises InvalidAxeSelection: when a tag or rule id is unknown.
    """
    return [resolve_selection(settings, config).to_settings()]


@hookimpl
def cxaudit_page_scripts() -> list[str]:
    """Have the scan's browsers evaluate axe-core in every top-level page they load (cxaudit_axe.preload)."""
    return [preload_source()]


@hookimpl
def cxaudit_page_audit(page: PageContext) -> list[AuditFinding]:
    """Run axe-core on the page and its same-origin frames with the scan's rule selection."""
    selection = resolve_selection(page.settings, _app_config())
    driver = page.driver

    frames = prepare_frames(driver, axe_source())
    try:
        results = run_axe(driver, selection.run_options())
    finally:
        remove_markers(driver, frames)

    with force_locale(page.settings.get("language", "pl")):
        return findings_from_results(results) + frame_not_tested_findings(results, frames)


def _app_config() -> Mapping[str, Any]:
    # Scans store their selection when they are created; the configuration
    # only matters for a page audited outside a stored scan.
    return current_app.config if has_app_context() else {}


@hookimpl
def cxaudit_rule_help(plugin: str, rule: str) -> list[str]:
    return rule_help(plugin, rule)


@hookimpl
def cxaudit_tool_versions() -> list[ToolVersion]:
    return [ToolVersion(name="axe-core", version=bundled_axe_version())]
