"""The scorecard section: one row and one score per site, read back from the stored findings."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from cxaudit.audit import ScorecardSection, SectionTable
from cxaudit.models import Finding, Scan
from cxaudit.scorecard.sections import plugin_findings
from cxaudit_declaration.elements import MANDATORY_IDS
from cxaudit_declaration.i18n import _

PLUGIN_NAME = "declaration"
STATUS_RULE_PREFIX = "declaration-status-"
ELEMENT_ID = re.compile(r"a11y-[a-z-]+")
DATE_TARGET = re.compile(r'#(a11y-[a-z-]+) time\[datetime="(\d{4}-\d{2}-\d{2})"\]')

# Findings that make one mandatory element count as absent or invalid.
ELEMENT_RULES = frozenset(
    {
        "declaration-element-missing",
        "declaration-id-malformed",
        "declaration-element-empty",
        "declaration-date-invalid",
        "declaration-status-invalid",
        "declaration-email-invalid",
        "declaration-phone-invalid",
    }
)
# Findings after which there is no declaration to score: the score is 0.
FATAL_RULES = frozenset({"declaration-not-found", "declaration-unreachable", "declaration-not-html", "declaration-ids-missing"})
# Points taken off the element share, once per finding (times its count where marked).
PENALTIES = {
    "declaration-review-overdue": 20,
    "declaration-inaccessible-content-missing": 10,
    "declaration-link-missing": 10,
    "declaration-axe-violations": 10,
    "declaration-link-name": 5,
    "declaration-date-format": 5,
}
PENALTIES_PER_COUNT = {"declaration-procedure-incomplete": 5}
PENALTY_PER_CONDITIONAL = 5


@dataclass
class SiteDeclaration:
    """The declaration result of one site, rebuilt from its latest scan."""

    site_url: str
    declaration_url: str | None = None
    status: str = "not-checked"
    dates: dict[str, str] = field(default_factory=dict)
    invalid_elements: list[str] = field(default_factory=list)
    score: float | None = None


def summarise_scan(scan: Scan) -> SiteDeclaration:
    """Rebuild the declaration result of one scan from its stored findings."""
    findings = [finding for _url, finding in plugin_findings([scan], PLUGIN_NAME)]
    result = SiteDeclaration(site_url=scan.site.base_url if scan.site else scan.url)
    rules = {finding.rule for finding in findings}

    if "declaration-not-found" in rules:
        result.status = "not-found"
    elif "declaration-home-unreachable" in rules:
        return result
    elif "declaration-off-site" in rules:
        result.declaration_url = next(finding.help_url for finding in findings if finding.rule == "declaration-off-site")
        return result
    elif rules & {"declaration-unreachable", "declaration-not-html", "declaration-ids-missing"}:
        result.status = "unreadable"
    elif "declaration-status-invalid" in rules:
        result.status = "unrecognised"

    for finding in findings:
        if finding.rule.startswith(STATUS_RULE_PREFIX) and finding.rule != "declaration-status-invalid":
            result.status = finding.rule.removeprefix(STATUS_RULE_PREFIX)
            result.dates = dict(match.groups() for target in finding.targets if (match := DATE_TARGET.fullmatch(target)))
        if finding.help_url and result.declaration_url is None and finding.rule != "declaration-not-found":
            result.declaration_url = finding.help_url

    result.invalid_elements = sorted(
        {
            element_id
            for finding in findings
            if finding.rule in ELEMENT_RULES
            for target in finding.targets
            for element_id in ELEMENT_ID.findall(target)
        }
    )
    result.score = score(findings, result.invalid_elements) if findings else None
    return result


def score(findings: list[Finding], invalid_elements: list[str]) -> float:
    """Score a declaration from 0 to 100; the method is explained in docs/declaration.md.

    The share of the 14 mandatory elements that are present and valid gives up
    to 100 points. The penalties above are subtracted, and the result is kept
    within 0 to 100.
    """
    rules = {finding.rule for finding in findings}
    if rules & FATAL_RULES:
        return 0.0
    invalid_mandatory = [element_id for element_id in invalid_elements if element_id in MANDATORY_IDS]
    points = 100.0 * (len(MANDATORY_IDS) - len(invalid_mandatory)) / len(MANDATORY_IDS)
    for finding in findings:
        points -= PENALTIES.get(finding.rule, 0)
        points -= PENALTIES_PER_COUNT.get(finding.rule, 0) * finding.count
        if finding.rule == "declaration-conditional-missing":
            points -= PENALTY_PER_CONDITIONAL
    return round(min(100.0, max(0.0, points)), 1)


def status_label(status: str) -> str:
    labels = {
        "compliant": _("compliant (zgodna)"),
        "partial": _("partially compliant (częściowo zgodna)"),
        "non-compliant": _("non-compliant (niezgodna)"),
        "not-found": _("not found"),
        "unreadable": _("not readable"),
        "unrecognised": _("status not recognised"),
        "not-checked": _("not checked"),
    }
    return labels.get(status, status)


def declaration_section(scans: list[Scan]) -> ScorecardSection:
    """Build the section: a table of the sites' declarations and the mean of their scores."""
    sites = [summarise_scan(scan) for scan in scans]
    scores = [site.score for site in sites if site.score is not None]
    mean = round(sum(scores) / len(scores), 1) if scores else None
    rows = [
        [
            site.site_url,
            site.declaration_url or "—",
            status_label(site.status),
            site.dates.get("a11y-data-publikacja", "—"),
            site.dates.get("a11y-data-aktualizacja", "—"),
            max((site.dates[key] for key in ("a11y-data-sporzadzenie", "a11y-data-przeglad") if key in site.dates), default="—"),
            ", ".join(site.invalid_elements) or "—",
            "—" if site.score is None else f"{site.score:g}",
        ]
        for site in sites
    ]
    if not sites:
        summary = _("No finished scan, so no declaration was checked.")
    elif mean is None:
        summary = _("The declarations could not be checked by cxaudit; see the table.")
    else:
        summary = _("Average score of the accessibility declarations: %(score)s of 100.", score=f"{mean:g}")
    return ScorecardSection(
        key=PLUGIN_NAME,
        title=_("Accessibility declaration"),
        summary=summary,
        score=mean,
        tables=[
            SectionTable(
                caption=_("Accessibility declaration of each site"),
                headers=[
                    _("Site"),
                    _("Declaration"),
                    _("Status"),
                    _("Website published"),
                    _("Website updated"),
                    _("Declaration prepared or reviewed"),
                    _("Missing or invalid elements"),
                    _("Score"),
                ],
                rows=rows,
            )
        ],
        method=_(
            "Share of the 14 mandatory elements present and valid (100 when all are), minus 20 when the yearly "
            "review due by 31 March is overdue, 10 each for no list of inaccessible content, no link from the home "
            "page or axe violations on the declaration, and 5 for each missing procedure part, missing conditional "
            "element, date not in <time datetime> or badly named link. A site without a readable declaration scores "
            "0. The section score is the mean over the sites."
        ),
        data={"sites": [asdict(site) for site in sites]},
    )
