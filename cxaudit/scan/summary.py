"""Summaries of a scan's results, shared by the command line and the admin UI."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from cxaudit.audit import IMPACTS
from cxaudit.models import Outcome, PageStatus, Scan


@dataclass(frozen=True)
class RuleSummary:
    """One rule (of one plugin) and the number of pages where it was reported."""

    plugin: str
    rule: str
    pages: int
    elements: int
    impact: str | None
    help: str | None
    help_url: str | None


@dataclass(frozen=True)
class ImpactTotal:
    """Violations of one impact: rule results (one per rule and page) and elements affected."""

    impact: str
    results: int
    elements: int


@dataclass
class ScanSummary:
    pages_audited: int = 0
    # Pages whose response had an HTTP status of 400 or above: broken links, not audited.
    pages_http_error: int = 0
    pages_failed: int = 0
    audit_errors: int = 0
    by_impact: list[ImpactTotal] = field(default_factory=list)
    failing_rules: list[RuleSummary] = field(default_factory=list)
    needs_review: list[RuleSummary] = field(default_factory=list)


def summarize_scan(scan: Scan, top: int | None = 10) -> ScanSummary:
    """Count pages, violations by impact, and rank rules by the number of pages they fail on.

    Needs-review results are ranked apart and never counted as violations.
    ``top`` limits both rankings; ``None`` keeps every rule.
    """
    summary = ScanSummary()
    results: Counter[str] = Counter()
    elements: Counter[str] = Counter()
    for page in scan.pages:
        if page.status == PageStatus.AUDITED:
            summary.pages_audited += 1
        elif page.status == PageStatus.HTTP_ERROR:
            summary.pages_http_error += 1
        else:
            summary.pages_failed += 1
        summary.audit_errors += len(page.audit_errors or [])
        for finding in page.findings:
            if finding.outcome == Outcome.VIOLATION:
                impact = finding.impact if finding.impact in IMPACTS else "unknown"
                results[impact] += 1
                elements[impact] += finding.count

    impacts = [*IMPACTS, "unknown"] if results["unknown"] else list(IMPACTS)
    summary.by_impact = [ImpactTotal(impact, results[impact], elements[impact]) for impact in impacts]
    summary.failing_rules = _rank_rules(scan, Outcome.VIOLATION)[:top]
    summary.needs_review = _rank_rules(scan, Outcome.NEEDS_REVIEW)[:top]
    return summary


def _rank_rules(scan: Scan, outcome: Outcome) -> list[RuleSummary]:
    pages: Counter[tuple[str, str]] = Counter()
    elements: Counter[tuple[str, str]] = Counter()
    examples = {}
    # A rule's findings may differ in impact from page to page, so the rule
    # is shown with its most severe one, as the scorecard shows it.
    worst_impacts: dict[tuple[str, str], str | None] = {}
    for page in scan.pages:
        # A plugin may report one rule several times on a page (once per
        # form, say); the page still counts once.
        rules_on_page: set[tuple[str, str]] = set()
        for finding in page.findings:
            if finding.outcome != outcome:
                continue
            key = (finding.plugin, finding.rule)
            rules_on_page.add(key)
            elements[key] += finding.count
            examples.setdefault(key, finding)
            seen = worst_impacts.get(key, finding.impact)
            worst_impacts[key] = _more_severe(seen, finding.impact)
        pages.update(rules_on_page)

    ranked = sorted(pages, key=lambda key: (-pages[key], -elements[key], key))
    return [
        RuleSummary(
            plugin=key[0],
            rule=key[1],
            pages=pages[key],
            elements=elements[key],
            impact=worst_impacts[key],
            help=examples[key].help,
            help_url=examples[key].help_url,
        )
        for key in ranked
    ]


def _more_severe(first: str | None, second: str | None) -> str | None:
    """Return the more severe of two impacts; a known impact outranks an unknown one or None."""
    def rank(impact: str | None) -> int:
        return IMPACTS.index(impact) if impact in IMPACTS else len(IMPACTS)

    return first if rank(first) <= rank(second) else second
