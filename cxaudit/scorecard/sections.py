"""Scorecard sections contributed by plugins."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass

from flask import current_app
from sqlalchemy import Row, Select, select
from sqlalchemy.orm import joinedload

from cxaudit.audit import ScorecardSection
from cxaudit.extensions import db
from cxaudit.models import Finding, Institution, PageResult, Scan
from cxaudit.plugins import PluginRegistry
from cxaudit.scorecard.accessibility import latest_finished_scans

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PluginSections:
    """The sections plugins returned, and the plugins whose hook raised."""

    sections: list[tuple[str, ScorecardSection]]
    errored_plugins: list[str]

    @property
    def plugins_with_sections(self) -> set[str]:
        return {plugin for plugin, _ in self.sections}

    def title_of(self, plugin: str) -> str:
        """Return the title of the plugin's first section, or the plugin's name when it has none."""
        return next((section.title for name, section in self.sections if name == plugin), plugin)

    def to_list(self) -> list[dict]:
        """Return the sections as JSON-ready values; tables keep every row, without the shorter printed list."""
        sections = [{"plugin": plugin, **asdict(section)} for plugin, section in self.sections]
        for section in sections:
            for table in section["tables"]:
                table.pop("printed_rows", None)
        return sections


def latest_scans(institution: Institution) -> list[Scan]:
    """Return the latest finished scan of each of the institution's sites, with its site."""
    return _scans_with_sites(latest_finished_scans(institution.id))


def previous_scans(institution: Institution) -> list[Scan]:
    """Return the finished scan before the latest one of each site that has one, with its site."""
    return _scans_with_sites(latest_finished_scans(institution.id, rank=2))


def _scans_with_sites(scan_ids: Select) -> list[Scan]:
    # Plugin sections name each scan's site; loading the sites in the same query
    # saves a query per scan, for every institution the benchmark scores.
    query = select(Scan).options(joinedload(Scan.site)).where(Scan.id.in_(scan_ids))
    return list(db.session.scalars(query))


def collect_sections(institution: Institution, language: str, scans: list[Scan] | None = None) -> PluginSections:
    """Call every plugin's ``cxaudit_scorecard_sections``; a plugin that raises is logged and named.

    Without ``scans`` the plugins get the latest finished scan of each site.
    """
    registry: PluginRegistry = current_app.extensions["cxaudit_plugins"]
    if scans is None:
        scans = latest_scans(institution)
    sections: list[tuple[str, ScorecardSection]] = []
    errored: list[str] = []

    calls = registry.call_each("cxaudit_scorecard_sections", institution=institution, scans=scans, language=language)
    for call in calls:
        if call.error is not None:
            errored.append(call.plugin)
            continue
        for section in call.result:
            if isinstance(section, ScorecardSection):
                sections.append((call.plugin, section))
            else:
                logger.warning("Plugin %s returned %r, not a ScorecardSection; it was skipped", call.plugin, section)
    return PluginSections(sections=sections, errored_plugins=errored)


def plugin_findings(scans: list[Scan], plugin: str) -> list[tuple[str, Finding]]:
    """Return ``(page URL, finding)`` pairs of one plugin in the given scans, in page order."""
    if not scans:
        return []
    query = _plugin_findings_query([scan.id for scan in scans], plugin)
    return [(url, finding) for _scan_id, url, finding in db.session.execute(query)]


def plugin_findings_by_scan(scans: list[Scan], plugin: str) -> dict[int, list[tuple[str, Finding]]]:
    """Return ``plugin_findings`` of the given scans in one query, per scan id, with an empty list for a scan without any."""
    by_scan: dict[int, list[tuple[str, Finding]]] = {scan.id: [] for scan in scans}
    if not scans:
        return by_scan
    for scan_id, url, finding in db.session.execute(_plugin_findings_query(list(by_scan), plugin)):
        by_scan[scan_id].append((url, finding))
    return by_scan


def _plugin_findings_query(scan_ids: list[int], plugin: str) -> Select:
    """Select (scan id, page URL, finding) of one plugin in the scans, in page order."""
    return (
        select(PageResult.scan_id, PageResult.url, Finding)
        .join(Finding, Finding.page_id == PageResult.id)
        .where(PageResult.scan_id.in_(scan_ids), Finding.plugin == plugin)
        .order_by(PageResult.id, Finding.id)
    )


def plugin_finding_rows(scans: list[Scan], plugin: str) -> list[Row]:
    """Return one plugin's findings in the given scans, in page order, as plain rows rather than ORM objects.

    Each row has the page's ``url`` and ``scan_id`` and the finding's
    ``rule``, ``outcome``, ``impact``, ``targets``, ``help`` and ``data``.
    Rows are cheaper than ORM objects for a section that reads thousands of
    findings, because the session builds and tracks no object per finding.
    """
    if not scans:
        return []
    query = (
        select(PageResult.url, Finding.rule, Finding.outcome, Finding.impact, Finding.targets, Finding.help, Finding.data,
               PageResult.scan_id)
        .join(Finding, Finding.page_id == PageResult.id)
        .where(PageResult.scan_id.in_([scan.id for scan in scans]), Finding.plugin == plugin)
        .order_by(PageResult.id, Finding.id)
    )
    return list(db.session.execute(query))
