"""The fixes that matter most: the failing rules ranked by impact and reach.

Every violation in the latest finished scans counts, from every plugin (axe,
forms, the declaration). A rule's priority is its impact weight (critical 10,
serious 7, moderate 3, minor 1, as in accessibility.IMPACT_WEIGHTS) times the
number of pages it fails on. So a serious problem on many pages comes before
a critical one on a single page. Ties go to the rule on more pages, then by
name. The ranking happens in the database, which returns only the top ten.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import asdict, dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, distinct, func

from cxaudit.extensions import db
from cxaudit.models import Finding, Outcome, PageResult
from cxaudit.scorecard.accessibility import IMPACTS, impact_weight, latest_finished_scans, severity_rank

TOP_FIXES_LIMIT = 10

# Plain instructions for the axe-core rules museums and theatres fail most
# often. Other rules fall back to the help text stored with the finding.
HOW_TO_FIX = {
    "image-alt": _l("Give every informative image a short text alternative (alt) that says what it shows; give decorative images alt=\"\"."),
    "color-contrast": _l("Darken the text or lighten its background until the contrast ratio is at least 4.5:1 (3:1 for large text)."),
    "label": _l("Give every form field a visible label tied to it with <label for>, not only a placeholder."),
    "link-name": _l("Give every link text that says where it leads; for a link that is only an icon, add a text alternative."),
    "button-name": _l("Give every button text that says what it does; for a button that is only an icon, add aria-label."),
    "html-has-lang": _l("Set the page language on the html element, for example <html lang=\"pl\">."),
    "html-lang-valid": _l("Use a valid language code in the lang attribute, for example pl or en."),
    "document-title": _l("Give every page a title that names the page and the institution."),
    "heading-order": _l("Use headings in order, without skipping levels: h2 under h1, h3 under h2."),
    "page-has-heading-one": _l("Give every page one main heading (h1) that names its content."),
    "region": _l("Put all content inside landmarks such as header, nav, main and footer."),
    "landmark-one-main": _l("Mark the main content of every page with one main element."),
    "list": _l("Put only li elements directly inside ul and ol lists."),
    "listitem": _l("Put every li element inside a ul or ol list."),
    "frame-title": _l("Give every iframe a title that says what it contains, such as a map or a video."),
    "select-name": _l("Give every drop-down list a visible label tied to it."),
    "meta-viewport": _l("Let visitors zoom: remove user-scalable=no and maximum-scale from the viewport meta tag."),
    "link-in-text-block": _l("Make links in text stand out by more than colour, for example by underlining them."),
}


@dataclass(frozen=True)
class Fix:
    """One rule to fix: where it fails, how much it weighs and how to fix it."""

    plugin: str
    rule: str
    impact: str | None
    weight: int
    pages: int
    instances: int
    priority: int
    how_to_fix: str
    help_url: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def top_fixes(institution_id: int, excluded_plugins: Collection[str] = (), limit: int = TOP_FIXES_LIMIT) -> list[Fix]:
    """Return the institution's most important fixes, highest priority first."""
    return [_fix(*row) for row in db.session.execute(_ranked_rules(latest_finished_scans(institution_id), excluded_plugins, limit))]


def _ranked_rules(scan_ids: Select, excluded_plugins: Collection[str], limit: int) -> Select:
    pages = func.count(distinct(Finding.page_id))
    # A rule may carry different impacts on different pages; the most severe one counts.
    weight = func.max(impact_weight())
    priority = weight * pages
    query = (
        db.select(
            Finding.plugin,
            Finding.rule,
            func.min(severity_rank()),
            weight,
            pages,
            func.coalesce(func.sum(Finding.count), 0),
            priority,
            func.max(Finding.help),
            func.max(Finding.help_url),
        )
        .join(PageResult, Finding.page_id == PageResult.id)
        .where(PageResult.scan_id.in_(scan_ids), Finding.outcome == Outcome.VIOLATION)
        .group_by(Finding.plugin, Finding.rule)
        .order_by(priority.desc(), pages.desc(), Finding.rule, Finding.plugin)
        .limit(limit)
    )
    if excluded_plugins:
        query = query.where(Finding.plugin.not_in(list(excluded_plugins)))
    return query


def _fix(plugin, rule, rank, weight, pages, instances, priority, help_text, help_url) -> Fix:
    instruction = HOW_TO_FIX.get(rule) if plugin == "axe" else None
    return Fix(
        plugin=plugin,
        rule=rule,
        impact=IMPACTS[rank] if rank < len(IMPACTS) else None,
        weight=int(weight),
        pages=int(pages),
        instances=int(instances),
        priority=int(priority),
        how_to_fix=str(instruction) if instruction else (help_text or ""),
        help_url=help_url,
    )
