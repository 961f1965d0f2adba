"""Stored scans built row by row, for tests of exports, diffs and history without a browser."""

from __future__ import annotations

from datetime import UTC, datetime

from cxaudit.extensions import db
from cxaudit.models import Finding, Institution, Outcome, PageResult, PageStatus, Scan, ScanStatus, Site

STARTED = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def add_site(base_url: str = "https://muzeum.example/", slug: str = "muzeum") -> Site:
    institution = Institution(slug=slug, name=slug.title())
    site = Site(institution=institution, base_url=base_url)
    db.session.add(site)
    db.session.commit()
    return site


def violation(rule: str, targets: list[str], impact: str | None = "serious", **fields) -> Finding:
    return Finding(
        plugin=fields.pop("plugin", "axe"),
        rule=rule,
        outcome=fields.pop("outcome", Outcome.VIOLATION),
        impact=impact,
        wcag=fields.pop("wcag", ["1.1.1"]),
        count=len(targets) or 1,
        targets=targets,
        help=fields.pop("help", f"Help for {rule}"),
        help_url=fields.pop("help_url", f"https://rules.example/{rule}"),
        **fields,
    )


def review(rule: str, targets: list[str], impact: str | None = "serious") -> Finding:
    return violation(rule, targets, impact, outcome=Outcome.NEEDS_REVIEW)


def add_scan(
    site: Site | None,
    pages: dict[str, list[Finding]],
    url: str | None = None,
    status: ScanStatus = ScanStatus.FINISHED,
    failed_pages: dict[str, str] | None = None,
) -> Scan:
    """Store a scan whose pages (URL to findings) were audited, plus failed pages (URL to error)."""
    scan = Scan(
        site=site,
        url=url or site.base_url,
        status=status,
        settings={"max_pages": 50, "tools": {"axe-core": "4.10.2"}, "plugins": ["axe"]},
        started_at=STARTED,
        finished_at=STARTED if status in (ScanStatus.FINISHED, ScanStatus.FAILED) else None,
        pages_done=len(pages) + len(failed_pages or {}),
    )
    for page_url, findings in pages.items():
        scan.pages.append(PageResult(url=page_url, status=PageStatus.AUDITED, findings=findings))
    for page_url, error in (failed_pages or {}).items():
        scan.pages.append(PageResult(url=page_url, status=PageStatus.FAILED, error=error))
    db.session.add(scan)
    db.session.commit()
    return scan
