"""Accessibility summary from the latest finished scan of each site.

Only findings with the outcome "violation" count as failures. Results that
need a person to review them are listed apart and never added to the
violation counts, because the audit tool could not tell whether they fail.
All aggregation happens in the database.

The accessibility score (0 to 100) weights each failing rule by its impact
and by the share of pages it fails on. The impact weights are those of
Lighthouse's accessibility score, which derives them from axe-core's impacts
(critical 10, serious 7, moderate 3, minor 1; see
https://developer.chrome.com/docs/lighthouse/accessibility/scoring). Every
audited page starts at 100 points and loses the weight of each rule failing
on it, never going below 0. The score is the mean over the audited pages, so
a rule that fails on half the pages costs half its weight.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, case, distinct, func, select

from cxaudit.extensions import db
from cxaudit.models import Finding, Outcome, PageResult, PageStatus, Scan, ScanStatus, Site
from cxaudit.rule_help import rule_help
from cxaudit.timestamps import utc_isoformat

# axe-core impact levels, most severe first.
IMPACTS = ("critical", "serious", "moderate", "minor")
UNKNOWN_IMPACT = "unknown"
TOP_RULES_LIMIT = 10

# Points a failing rule takes from a page, by impact (Lighthouse's weights).
IMPACT_WEIGHTS = {"critical": 10, "serious": 7, "moderate": 3, "minor": 1}
# A violation without an impact is weighed as a moderate one: neither ignored nor assumed critical.
UNKNOWN_IMPACT_WEIGHT = IMPACT_WEIGHTS["moderate"]
PAGE_POINTS = 100


@dataclass(frozen=True)
class ScannedSite:
    """The scan of one site that the summary uses."""

    site_id: int
    base_url: str
    scan_id: int
    finished_at: datetime | None
    axe_core_version: str | None


@dataclass(frozen=True)
class ImpactCount:
    """Violations of one impact level: findings (rule × page) and element instances."""

    impact: str
    findings: int
    instances: int


@dataclass(frozen=True)
class RuleSummary:
    """A rule and the number of pages on which it reported a result."""

    plugin: str
    rule: str
    impact: str | None
    pages: int
    instances: int
    help: str | None
    help_url: str | None


@dataclass(frozen=True)
class PluginViolations:
    """Violations of a plugin that shows its findings in a scorecard section of its own."""

    plugin: str
    findings: int


@dataclass(frozen=True)
class AccessibilitySummary:
    """Accessibility results of an institution's sites."""

    sites: list[ScannedSite]
    pages_audited: int
    pages_failed: int
    pages_affected: int
    violation_findings: int
    violation_instances: int
    by_impact: list[ImpactCount]
    top_rules: list[RuleSummary]
    needs_review: list[RuleSummary] = field(default_factory=list)
    # None when no page could be audited.
    score: float | None = None
    # Counted apart so the accessibility block can point to the sections that list them.
    other_plugins: list[PluginViolations] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        values = asdict(self)
        for site in values["sites"]:
            site["finished_at"] = utc_isoformat(site["finished_at"])
        return values


def latest_finished_scans(institution_id: int, rank: int = 1) -> Select:
    """Select the id of the latest finished scan of each of the institution's sites.

    The latest is the finished scan started last, as on the site's history
    page, even when an older scan, resumed by another worker, finished after
    it. ``rank=2`` selects the finished scan before it, for sites scanned more
    than once.
    """
    ranked = (
        select(
            Scan.id.label("scan_id"),
            func.row_number().over(partition_by=Scan.site_id, order_by=Scan.id.desc()).label("rank"),
        )
        .join(Site, Scan.site_id == Site.id)
        .where(Site.institution_id == institution_id, Scan.status == ScanStatus.FINISHED)
        .subquery()
    )
    return select(ranked.c.scan_id).where(ranked.c.rank == rank)


def latest_scan_ids(institution_id: int, rank: int = 1) -> list[int]:
    """Return the ids that ``latest_finished_scans`` selects.

    The summary's queries take these ids as values rather than as a
    subquery, so the planner sizes them for those scans. With the subquery,
    SQLite read every finding of the deployment for each small institution.
    """
    return list(db.session.scalars(latest_finished_scans(institution_id, rank)))


def summarise_accessibility(
    institution_id: int, excluded_plugins: Collection[str] = ()
) -> AccessibilitySummary | None:
    """Summarise the latest finished scan of each site, or return None when no site has one.

    Findings of ``excluded_plugins`` are left out: those plugins present their
    findings in scorecard sections of their own.
    """
    sites = _scanned_sites(latest_finished_scans(institution_id))
    if not sites:
        return None

    scan_ids = [site.scan_id for site in sites]
    pages_audited, pages_failed = _page_counts(scan_ids)
    by_impact = _violations_by_impact(scan_ids, excluded_plugins)
    pages_affected, points_lost = _page_losses(scan_ids, excluded_plugins)
    rules = _rules_by_pages(scan_ids, excluded_plugins)
    return AccessibilitySummary(
        sites=sites,
        pages_audited=pages_audited,
        pages_failed=pages_failed,
        pages_affected=pages_affected,
        violation_findings=sum(item.findings for item in by_impact),
        violation_instances=sum(item.instances for item in by_impact),
        by_impact=by_impact,
        top_rules=rules[Outcome.VIOLATION][:TOP_RULES_LIMIT],
        needs_review=rules[Outcome.NEEDS_REVIEW],
        score=PAGE_POINTS - points_lost / pages_audited if pages_audited else None,
        other_plugins=_violations_of_plugins(scan_ids, excluded_plugins),
    )


def previous_accessibility_score(institution_id: int, excluded_plugins: Collection[str] = ()) -> float | None:
    """Return the score of the finished scan before the latest one of each site, or None without one."""
    scan_ids = latest_scan_ids(institution_id, rank=2)
    pages_audited, _failed = _page_counts(scan_ids)
    return accessibility_score(scan_ids, excluded_plugins, pages_audited)


def impact_weight():
    """Build the SQL expression of the points a violation takes from its page."""
    return case(
        *((Finding.impact == name, weight) for name, weight in IMPACT_WEIGHTS.items()),
        else_=UNKNOWN_IMPACT_WEIGHT,
    )


def accessibility_score(scan_ids: Collection[int], excluded_plugins: Collection[str], pages_audited: int) -> float | None:
    """Return the mean page score of the scans, or None when no page was audited.

    Pages without violations score 100 and need no row, so the database
    only sums the points lost by the pages that have violations.
    """
    if pages_audited == 0:
        return None
    _pages_affected, points_lost = _page_losses(scan_ids, excluded_plugins)
    return PAGE_POINTS - points_lost / pages_audited


def _page_losses(scan_ids: Collection[int], excluded_plugins: Collection[str]) -> tuple[int, float]:
    """Return the number of pages with violations, and the points lost by the audited ones, each capped at PAGE_POINTS."""
    per_page = (
        _findings(scan_ids, excluded_plugins)
        .add_columns(Finding.page_id, PageResult.status, func.sum(impact_weight()).label("lost"))
        .group_by(Finding.page_id, PageResult.status)
        .subquery()
    )
    capped = case((per_page.c.lost > PAGE_POINTS, PAGE_POINTS), else_=per_page.c.lost)
    audited_loss = case((per_page.c.status == PageStatus.AUDITED, capped), else_=0)
    pages, lost = db.session.execute(select(func.count(), func.coalesce(func.sum(audited_loss), 0))).one()
    return int(pages), float(lost)


def _scanned_sites(scan_ids: Select) -> list[ScannedSite]:
    query = (
        select(Site.id, Site.base_url, Scan.id, Scan.finished_at, Scan.axe_core_version)
        .join(Site, Scan.site_id == Site.id)
        .where(Scan.id.in_(scan_ids))
        .order_by(Site.id)
    )
    return [ScannedSite(*row) for row in db.session.execute(query)]


def _page_counts(scan_ids: Collection[int]) -> tuple[int, int]:
    query = select(
        func.count(case((PageResult.status == PageStatus.AUDITED, 1))),
        func.count(case((PageResult.status == PageStatus.FAILED, 1))),
    ).where(PageResult.scan_id.in_(scan_ids))
    audited, failed = db.session.execute(query).one()
    return int(audited), int(failed)


def _findings(
    scan_ids: Collection[int], excluded_plugins: Collection[str], outcomes: Collection[Outcome] = (Outcome.VIOLATION,)
) -> Select:
    query = (
        select()
        .select_from(Finding)
        .join(PageResult, Finding.page_id == PageResult.id)
        .where(PageResult.scan_id.in_(scan_ids), Finding.outcome.in_(list(outcomes)))
    )
    if excluded_plugins:
        query = query.where(Finding.plugin.not_in(list(excluded_plugins)))
    return query


def _violations_by_impact(scan_ids: Collection[int], excluded_plugins: Collection[str]) -> list[ImpactCount]:
    """Count violations per impact level. Every known level is listed, even at zero."""
    impact = func.coalesce(Finding.impact, UNKNOWN_IMPACT)
    query = (
        _findings(scan_ids, excluded_plugins)
        .add_columns(impact, func.count(Finding.id), func.coalesce(func.sum(Finding.count), 0))
        .group_by(impact)
    )
    counts = {name: (int(findings), int(instances)) for name, findings, instances in db.session.execute(query)}

    levels = list(IMPACTS) + sorted(name for name in counts if name not in IMPACTS)
    return [ImpactCount(name, *counts.get(name, (0, 0))) for name in levels]


def _violations_of_plugins(scan_ids: Collection[int], plugins: Collection[str]) -> list[PluginViolations]:
    """Count the violations of each of ``plugins``, leaving out plugins without any."""
    if not plugins:
        return []
    query = (
        select(Finding.plugin, func.count(Finding.id))
        .join(PageResult, Finding.page_id == PageResult.id)
        .where(
            PageResult.scan_id.in_(scan_ids),
            Finding.outcome == Outcome.VIOLATION,
            Finding.plugin.in_(list(plugins)),
        )
        .group_by(Finding.plugin)
        .order_by(Finding.plugin)
    )
    return [PluginViolations(plugin, int(count)) for plugin, count in db.session.execute(query)]


def severity_rank():
    """Build the SQL expression that ranks an impact: 0 for critical, and unknown impacts last."""
    return case(
        *((Finding.impact == name, rank) for rank, name in enumerate(IMPACTS)),
        else_=len(IMPACTS),
    )


def _rules_by_pages(scan_ids: Collection[int], excluded_plugins: Collection[str]) -> dict[Outcome, list[RuleSummary]]:
    """List the violated rules and the rules to review, each by the number of pages they report on, most pages first."""
    pages = func.count(distinct(Finding.page_id))
    # A rule may carry different impacts on different pages, so report the most severe.
    severity = func.min(severity_rank())
    query = (
        _findings(scan_ids, excluded_plugins, (Outcome.VIOLATION, Outcome.NEEDS_REVIEW))
        .add_columns(
            Finding.outcome,
            Finding.plugin,
            Finding.rule,
            severity,
            pages,
            func.coalesce(func.sum(Finding.count), 0),
            func.max(Finding.help),
            func.max(Finding.help_url),
        )
        .group_by(Finding.outcome, Finding.plugin, Finding.rule)
        .order_by(pages.desc(), severity, Finding.rule, Finding.plugin)
    )

    rules: dict[Outcome, list[RuleSummary]] = {Outcome.VIOLATION: [], Outcome.NEEDS_REVIEW: []}
    for outcome, plugin, rule, rank, page_count, instances, help_text, help_url in db.session.execute(query):
        impact = IMPACTS[rank] if rank < len(IMPACTS) else None
        help_text = rule_help(plugin, rule, help_text)
        rules[Outcome(outcome)].append(RuleSummary(plugin, rule, impact, int(page_count), int(instances), help_text, help_url))
    return rules
