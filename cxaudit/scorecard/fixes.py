"""The fixes that matter most: the failing rules ranked by impact and reach.

Every violation in the latest finished scans counts, from every plugin (axe,
forms, the declaration). A problem's priority is its impact weight (critical
10, serious 7, moderate 3, minor 1, as in accessibility.IMPACT_WEIGHTS) times
the number of pages it fails on. So a serious problem on many pages comes
before a critical one on a single page. Ties go to the problem on more pages,
then by rule name. The ranking happens in the database, which returns only
the top ten.

Rules of different plugins that report the same problem (equivalent_rules.py)
make one fix: its pages are the union of their pages, its impact the most
severe one, and on each page its affected elements are those of the plugin
that reports the most, so one field is not counted twice.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import Select, func

from cxaudit.extensions import db
from cxaudit.models import Finding, Outcome, PageResult
from cxaudit.scorecard.accessibility import IMPACTS, impact_weight, latest_scan_ids, severity_rank
from cxaudit.scorecard.equivalent_rules import group_order, problem_key
from cxaudit.scorecard.fix_instructions import instruction_for

TOP_FIXES_LIMIT = 10

@dataclass(frozen=True)
class FoundBy:
    """One check that reported a fix's problem."""

    plugin: str
    rule: str


@dataclass(frozen=True)
class Fix:
    """One problem to fix: where it fails, how much it weighs, how to fix it and which checks found it.

    ``plugin`` and ``rule`` name the first check in ``found_by``.
    """

    plugin: str
    rule: str
    impact: str | None
    weight: int
    pages: int
    instances: int
    priority: int
    how_to_fix: str
    help_url: str | None
    found_by: list[FoundBy] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def top_fixes(institution_id: int, excluded_plugins: Collection[str] = (), limit: int = TOP_FIXES_LIMIT) -> list[Fix]:
    """Return the institution's most important fixes, highest priority first."""
    scan_ids = latest_scan_ids(institution_id)
    ranked = db.session.execute(_ranked_problems(scan_ids, excluded_plugins, limit)).all()
    if not ranked:
        return []
    checks = _checks_of(scan_ids, excluded_plugins, [row.problem for row in ranked])
    return [_fix(row, checks[row.problem]) for row in ranked]


def _violations(scan_ids: Collection[int], excluded_plugins: Collection[str]) -> Select:
    query = (
        db.select(problem_key().label("problem"))
        .join(PageResult, Finding.page_id == PageResult.id)
        .where(PageResult.scan_id.in_(scan_ids), Finding.outcome == Outcome.VIOLATION)
    )
    if excluded_plugins:
        query = query.where(Finding.plugin.not_in(list(excluded_plugins)))
    return query


def _ranked_problems(scan_ids: Collection[int], excluded_plugins: Collection[str], limit: int) -> Select:
    """Rank the problems in three steps: per plugin and page, per problem and page, per problem.

    Rules of one plugin report different elements, so their counts on a page
    add up. Plugins may report the same elements, so a page counts the
    elements of the plugin that reports the most.
    """
    per_plugin = (
        _violations(scan_ids, excluded_plugins)
        .add_columns(
            Finding.page_id,
            func.coalesce(func.sum(Finding.count), 0).label("instances"),
            # A rule may carry different impacts on different pages; the most severe one counts.
            func.max(impact_weight()).label("weight"),
            func.min(severity_rank()).label("rank"),
        )
        .group_by(problem_key(), Finding.page_id, Finding.plugin)
        .subquery()
    )
    per_page = (
        db.select(
            per_plugin.c.problem,
            per_plugin.c.page_id,
            func.max(per_plugin.c.instances).label("instances"),
            func.max(per_plugin.c.weight).label("weight"),
            func.min(per_plugin.c.rank).label("rank"),
        )
        .group_by(per_plugin.c.problem, per_plugin.c.page_id)
        .subquery()
    )
    pages = func.count(per_page.c.page_id)
    weight = func.max(per_page.c.weight)
    priority = weight * pages
    return (
        db.select(
            per_page.c.problem,
            func.min(per_page.c.rank).label("rank"),
            weight.label("weight"),
            pages.label("pages"),
            func.sum(per_page.c.instances).label("instances"),
            priority.label("priority"),
        )
        .group_by(per_page.c.problem)
        .order_by(priority.desc(), pages.desc(), per_page.c.problem)
        .limit(limit)
    )


def _checks_of(scan_ids: Collection[int], excluded_plugins: Collection[str], keys: list[str]) -> dict[str, list[Any]]:
    """Return the checks behind each ranked problem with their help, the group's first rule first."""
    query = (
        _violations(scan_ids, excluded_plugins)
        .add_columns(Finding.plugin, Finding.rule, func.max(Finding.help).label("help"), func.max(Finding.help_url).label("help_url"))
        .where(problem_key().in_(keys))
        .group_by(problem_key(), Finding.plugin, Finding.rule)
    )
    checks: dict[str, list[Any]] = {key: [] for key in keys}
    for row in db.session.execute(query):
        checks[row.problem].append(row)
    for key, rows in checks.items():
        rows.sort(key=lambda row, key=key: (group_order(key, row.plugin, row.rule), row.plugin, row.rule))
    return checks


def _fix(row: Any, checks: list[Any]) -> Fix:
    first = checks[0]
    return Fix(
        plugin=first.plugin,
        rule=first.rule,
        impact=IMPACTS[row.rank] if row.rank < len(IMPACTS) else None,
        weight=int(row.weight),
        pages=int(row.pages),
        instances=int(row.instances),
        priority=int(row.priority),
        how_to_fix=_how_to_fix(checks),
        help_url=first.help_url,
        found_by=[FoundBy(check.plugin, check.rule) for check in checks],
    )


def _how_to_fix(checks: list[Any]) -> str:
    """Return the plain instruction of the first check that has one, else the first stored help text."""
    for check in checks:
        instruction = instruction_for(check.plugin, check.rule)
        if instruction:
            return str(instruction)
    return next((check.help for check in checks if check.help), "")
