"""A site's scan history: the previous scan to compare with, and per-rule trends."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select

from cxaudit.extensions import db
from cxaudit.models import Finding, Outcome, PageResult, Scan, ScanStatus, Site

# Scans shown in a site's trend, the most recent ones.
TREND_SCANS = 10


@dataclass(frozen=True)
class RuleTrend:
    """Pages where one rule was violated, one number per scan of ``SiteTrend.scans``."""

    plugin: str
    rule: str
    pages: list[int]


@dataclass
class SiteTrend:
    """Per-rule counts of affected pages over a site's latest finished scans, oldest first."""

    scans: list[Scan]
    rules: list[RuleTrend]


def site_trend(site: Site, max_scans: int = TREND_SCANS) -> SiteTrend:
    """Return how many pages each rule was violated on in the site's last ``max_scans`` finished scans."""
    latest = db.session.scalars(
        select(Scan)
        .where(Scan.site_id == site.id, Scan.status == ScanStatus.FINISHED)
        .order_by(Scan.id.desc())
        .limit(max_scans)
    ).all()
    scans = list(reversed(latest))
    if not scans:
        return SiteTrend(scans=[], rules=[])

    counts = _pages_per_rule([scan.id for scan in scans])
    rules = [
        RuleTrend(plugin, rule, [by_scan.get(scan.id, 0) for scan in scans])
        for (plugin, rule), by_scan in counts.items()
    ]
    # The rules failing on most pages now come first; fixed ones sink to the end.
    rules.sort(key=lambda trend: (-trend.pages[-1], -sum(trend.pages), trend.plugin, trend.rule))
    return SiteTrend(scans=scans, rules=rules)


def _pages_per_rule(scan_ids: list[int]) -> dict[tuple[str, str], dict[int, int]]:
    rows = db.session.execute(
        select(PageResult.scan_id, Finding.plugin, Finding.rule, func.count(func.distinct(PageResult.id)))
        .join(Finding, Finding.page_id == PageResult.id)
        .where(PageResult.scan_id.in_(scan_ids), Finding.outcome == Outcome.VIOLATION)
        .group_by(PageResult.scan_id, Finding.plugin, Finding.rule)
    ).all()
    counts: dict[tuple[str, str], dict[int, int]] = defaultdict(dict)
    for scan_id, plugin, rule, pages in rows:
        counts[(plugin, rule)][scan_id] = pages
    return counts


def previous_finished_scan(scan: Scan) -> Scan | None:
    """Return the latest finished scan of the same site before ``scan``, or None."""
    if scan.site_id is None:
        return None
    return db.session.scalars(
        select(Scan)
        .where(Scan.site_id == scan.site_id, Scan.status == ScanStatus.FINISHED, Scan.id < scan.id)
        .order_by(Scan.id.desc())
        .limit(1)
    ).first()
