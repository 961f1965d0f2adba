"""Compare two scans of one site: new, fixed and remaining violations.

Two violations match when they share a ``FindingKey``: the plugin, the rule,
the page and the CSS selector of the element. The page is its address with
the fragment removed, the host and scheme lower-cased, the scheme's default
port dropped, an empty path written as ``/`` and the query parameters
sorted. On the scan's own origin only the path and query count, so a site
that moves from http to https, or a staging copy compared with ``force``,
still matches page by page. Needs-review results are left out: they are not
violations. docs/scan-exports.md explains the key to users.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask_babel import gettext as _

from cxaudit.audit import IMPACTS
from cxaudit.models import Finding, Outcome, PageResult, Scan, ScanStatus
from cxaudit.scan.loading import load_results
from cxaudit.scan.urls import DEFAULT_PORTS, is_same_origin, origin


@dataclass(frozen=True, order=True)
class FindingKey:
    """The identity of one violation on one element, shared by every scan that reports it."""

    plugin: str
    rule: str
    page: str
    target: str


@dataclass(frozen=True)
class DiffItem:
    """One violation on one element, as stored in the scan it comes from."""

    key: FindingKey
    page_url: str
    impact: str | None
    help: str | None
    help_url: str | None


@dataclass
class ScanDiff:
    """Violations of ``compared`` that ``base`` did not have, the reverse, and those in both."""

    base: Scan
    compared: Scan
    new: list[DiffItem] = field(default_factory=list)
    fixed: list[DiffItem] = field(default_factory=list)
    remaining: list[DiffItem] = field(default_factory=list)


class ScansNotComparable(ValueError):
    """Error raised for scans that cannot be compared. Its message is translated and names the scans."""

    def __init__(self, message: str, different_sites: bool = False) -> None:
        super().__init__(message)
        # Only this reason can be overridden with ``force``.
        self.different_sites = different_sites


def diff_scans(base: Scan, compared: Scan, force: bool = False) -> ScanDiff:
    """Return the violations that are new in ``compared``, fixed since ``base`` and remaining.

    :raises ScansNotComparable: when a scan has not finished, or when the scans
        belong to different sites and ``force`` is false.
    """
    check_comparable(base, compared, force)
    load_results(base)
    load_results(compared)
    before = violation_items(base)
    after = violation_items(compared)
    return ScanDiff(
        base=base,
        compared=compared,
        new=_ordered(after[key] for key in after.keys() - before.keys()),
        fixed=_ordered(before[key] for key in before.keys() - after.keys()),
        remaining=_ordered(after[key] for key in after.keys() & before.keys()),
    )


def check_comparable(base: Scan, compared: Scan, force: bool = False) -> None:
    """Raise ``ScansNotComparable`` unless both scans finished and belong to one site (or ``force``)."""
    for scan in (base, compared):
        if scan.status in (ScanStatus.QUEUED, ScanStatus.RUNNING):
            raise ScansNotComparable(
                _("Scan %(id)s has not finished yet. Wait until it finishes, then compare it.", id=scan.id)
            )
        if scan.status != ScanStatus.FINISHED:
            # A failed scan, or one stopped before its end: its pages are a partial list.
            raise ScansNotComparable(
                _(
                    "Scan %(id)s stopped before the end, so its results are incomplete. "
                    "Compare finished scans only.",
                    id=scan.id,
                )
            )

    if force or site_label(base) == site_label(compared):
        return
    raise ScansNotComparable(
        _(
            "Scans %(base)s and %(compared)s belong to different sites (%(base_site)s and %(compared_site)s). "
            "Compare two scans of the same site, or force the comparison to match pages by their path.",
            base=base.id,
            compared=compared.id,
            base_site=site_label(base),
            compared_site=site_label(compared),
        ),
        different_sites=True,
    )


def site_label(scan: Scan) -> str:
    """Return the base URL of the scan's site, or the origin of its URL for an ad hoc scan."""
    if scan.site is not None:
        return scan.site.base_url
    return _origin_text(scan.url)


def violation_items(scan: Scan) -> dict[FindingKey, DiffItem]:
    """Return every violation of ``scan``, one per element, by its matching key."""
    items: dict[FindingKey, DiffItem] = {}
    for page in scan.pages:
        page_match = page_key(page.url, scan.url)
        for finding in page.findings:
            if finding.outcome != Outcome.VIOLATION:
                continue
            for key in finding_keys(page_match, finding):
                items.setdefault(key, _item(key, page, finding))
    return items


def finding_keys(page_match: str, finding: Finding) -> list[FindingKey]:
    """Return one matching key per element of ``finding``, or one key with an empty target when it names none.

    ``page_match`` is the page's ``page_key``.
    """
    targets = [target.strip() for target in finding.targets or []] or [""]
    return [FindingKey(finding.plugin, finding.rule, page_match, target) for target in targets]


def page_key(page_url: str, start_url: str) -> str:
    """Return ``page_url`` normalised for matching, relative to ``start_url``'s origin when it shares it."""
    parts = urlsplit(page_url)
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    path_and_query = urlunsplit(("", "", parts.path or "/", query, ""))
    if is_same_origin(page_url, start_url):
        return path_and_query
    return _origin_text(page_url) + path_and_query


def _origin_text(url: str) -> str:
    scheme, host, port = origin(url)
    netloc = host if port == DEFAULT_PORTS.get(scheme) else f"{host}:{port}"
    return f"{scheme}://{netloc}"


def _item(key: FindingKey, page: PageResult, finding: Finding) -> DiffItem:
    return DiffItem(key=key, page_url=page.url, impact=finding.impact, help=finding.help, help_url=finding.help_url)


def _ordered(items) -> list[DiffItem]:
    # Worst first, then by plugin, rule, page and element, so the list reads
    # like a to-do list. A plain tuple sorts much faster than the dataclass.
    return sorted(items, key=_sort_key)


def _sort_key(item: DiffItem) -> tuple[int, str, str, str, str]:
    key = item.key
    return (impact_rank(item.impact), key.plugin, key.rule, key.page, key.target)


def impact_rank(impact: str | None) -> int:
    """Return 0 for critical up to 3 for minor, and 4 for a missing or unknown impact."""
    return IMPACTS.index(impact) if impact in IMPACTS else len(IMPACTS)
