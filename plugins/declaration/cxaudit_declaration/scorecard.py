"""The scorecard section: one row and one score per site, read back from the stored findings."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from flask_babel import format_decimal

from cxaudit.audit import ScorecardSection, SectionTable
from cxaudit.models import Finding, Scan
from cxaudit.scorecard.sections import plugin_findings, plugin_findings_by_scan
from cxaudit_declaration.elements import MANDATORY_IDS
from cxaudit_declaration.i18n import _, ngettext
from cxaudit_declaration.messages import stored_text

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
# Violations whose effect shows in the table or the deductions of a scored site.
SCORED_RULES = ELEMENT_RULES | FATAL_RULES | set(PENALTIES) | set(PENALTIES_PER_COUNT) | {"declaration-conditional-missing"}


@dataclass
class SiteDeclaration:
    """The declaration result of one site, rebuilt from its latest scan."""

    site_url: str
    declaration_url: str | None = None
    status: str = "not-checked"
    dates: dict[str, str] = field(default_factory=dict)
    invalid_elements: list[str] = field(default_factory=list)
    score: float | None = None
    review_overdue: bool = False
    reason: str = ""
    deductions: list[tuple[str, float]] = field(default_factory=list)
    needs_review: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def summarise_scan(scan: Scan, pairs: list[tuple[str, Finding]] | None = None) -> SiteDeclaration:
    """Rebuild the declaration result of one scan from its stored findings.

    ``pairs`` are the scan's ``(page URL, finding)`` pairs when the caller read them already.
    """
    if pairs is None:
        pairs = plugin_findings([scan], PLUGIN_NAME)
    findings = [finding for _url, finding in pairs]
    result = SiteDeclaration(site_url=scan.site.base_url if scan.site else scan.url)
    rules = {finding.rule for finding in findings}

    # Rendered again in the scorecard's language from the stored message id and parameters.
    result.needs_review = [stored_text(finding) for finding in findings if finding.outcome == "needs-review"]
    # Set before the early returns, so a site without a score still shows its violations.
    result.problems = [stored_text(finding) for finding in findings if str(finding.outcome) == "violation"]
    if "declaration-not-found" in rules:
        result.status = "not-found"
    elif "declaration-home-unreachable" in rules:
        result.reason = _("The start page of the scan did not load, so the declaration could not be looked for.")
        return result
    elif "declaration-off-site" in rules:
        result.declaration_url = next(finding.help_url for finding in findings if finding.rule == "declaration-off-site")
        result.reason = _(
            "The declaration %(url)s is on another site, which the scan does not load; check it by hand.",
            url=result.declaration_url,
        )
        return result
    elif rules & {"declaration-unreachable", "declaration-not-html", "declaration-ids-missing"}:
        result.status = "unreadable"
    elif "declaration-status-invalid" in rules:
        result.status = "unrecognised"

    for finding in findings:
        if finding.rule.startswith(STATUS_RULE_PREFIX) and finding.rule != "declaration-status-invalid":
            result.status = finding.rule.removeprefix(STATUS_RULE_PREFIX)
            result.dates = stored_dates(finding)
        if finding.help_url and result.declaration_url is None and finding.rule != "declaration-not-found":
            result.declaration_url = finding.help_url

    result.invalid_elements = sorted(
        {
            element_id
            for finding in findings
            if is_element_failure(finding)
            for target in finding.targets
            for element_id in ELEMENT_ID.findall(target)
        }
    )
    result.review_overdue = "declaration-review-overdue" in rules
    result.problems = [
        stored_text(finding)
        for finding in findings
        if str(finding.outcome) == "violation" and finding.rule not in SCORED_RULES
    ]
    if findings:
        result.deductions = deductions(findings, result.invalid_elements)
        result.score = score(findings, result.invalid_elements)
    return result


def is_element_failure(finding: Finding) -> bool:
    """Tell whether ``finding`` makes a mandatory element count as absent or invalid.

    Only violations do: a misspelt id whose element has content is a
    needs-review warning. Scans stored before that change recorded it as a
    violation, and their scores stay as they were.
    """
    return finding.rule in ELEMENT_RULES and str(finding.outcome) == "violation"


def stored_dates(finding: Finding) -> dict[str, str]:
    """Return the dates of a status finding: from its data, or from its targets for scans stored before data."""
    dates = (finding.data or {}).get("dates")
    if isinstance(dates, dict):
        return dict(dates)
    return dict(match.groups() for target in finding.targets if (match := DATE_TARGET.fullmatch(target)))


def deduction_reason(finding: Finding) -> str:
    """Say in plain words why ``finding`` costs points; technical hints are in brackets for the webmaster."""
    elements = ", ".join(ELEMENT_ID.findall(" ".join(finding.targets)))
    reasons = {
        "declaration-review-overdue": _("The yearly review, due by 31 March, is overdue"),
        "declaration-inaccessible-content-missing": _("The declaration does not list the content that is not accessible"),
        "declaration-link-missing": _("The scanned pages do not link to the declaration"),
        "declaration-axe-violations": _("The declaration page itself has accessibility errors (found by axe)"),
        "declaration-link-name": _("The link to the declaration is not named \"Deklaracja dostępności\""),
        "declaration-date-format": _(
            "A date cannot be read by software (%(elements)s; for the webmaster: mark it up as "
            "<time datetime=\"YYYY-MM-DD\">)",
            elements=elements or "—",
        ),
        "declaration-procedure-incomplete": ngettext(
            "The request procedure lacks %(num)d required part",
            "The request procedure lacks %(num)d required parts",
            finding.count,
        ),
        "declaration-conditional-missing": _("A required conditional element is missing (%(elements)s)", elements=elements or "—"),
    }
    return reasons.get(finding.rule, finding.rule)


def deductions(findings: list[Finding], invalid_elements: list[str]) -> list[tuple[str, float]]:
    """List every deduction from 100 points as (reason, points) in the current locale.

    The share of the 14 mandatory elements that are missing or invalid is one
    deduction; each penalised finding is another. A declaration that cannot be
    read loses all 100 points at once.
    """
    rules = {finding.rule for finding in findings}
    if rules & FATAL_RULES:
        return [(_("No readable declaration was found"), 100.0)]
    result: list[tuple[str, float]] = []
    invalid_mandatory = [element_id for element_id in invalid_elements if element_id in MANDATORY_IDS]
    if invalid_mandatory:
        result.append(
            (
                ngettext(
                    "%(num)d of 14 mandatory elements is missing or invalid: %(elements)s",
                    "%(num)d of 14 mandatory elements are missing or invalid: %(elements)s",
                    len(invalid_mandatory),
                    elements=", ".join(invalid_mandatory),
                ),
                100.0 * len(invalid_mandatory) / len(MANDATORY_IDS),
            )
        )
    for finding in findings:
        points = PENALTIES.get(finding.rule, 0) + PENALTIES_PER_COUNT.get(finding.rule, 0) * finding.count
        if finding.rule == "declaration-conditional-missing":
            points += PENALTY_PER_CONDITIONAL
        if points:
            result.append((deduction_reason(finding), float(points)))
    return result


def score(findings: list[Finding], invalid_elements: list[str]) -> float:
    """Score a declaration from 0 to 100; the method is explained in docs/declaration.md.

    The deductions listed by :func:`deductions` are subtracted from 100 and
    the result is kept within 0 to 100.
    """
    points = 100.0 - sum(points for _reason, points in deductions(findings, invalid_elements))
    return round(min(100.0, max(0.0, points)), 1)


def number(value: float) -> str:
    """Format a score or a number of points with the current locale's decimal separator."""
    return format_decimal(round(value, 1), format="#,##0.#")


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


def reviewed_cell(site: SiteDeclaration) -> str:
    """Return the latest preparation or review date, marked when the yearly review is overdue."""
    latest = max((site.dates[key] for key in ("a11y-data-sporzadzenie", "a11y-data-przeglad") if key in site.dates), default="—")
    if site.review_overdue:
        return _("%(date)s (review overdue)", date=latest)
    return latest


def status_cell(site: SiteDeclaration) -> str:
    """Return the status label, followed by the reason when the declaration could not be checked."""
    if site.reason:
        return _("%(status)s: %(reason)s", status=status_label(site.status), reason=site.reason)
    return status_label(site.status)


def deduction_rows(sites: list[SiteDeclaration]) -> list[list[str]]:
    """Build one row per deduction of each site, then the site's resulting score, so the score can be retraced."""
    rows: list[list[str]] = []
    for site in sites:
        if site.score is None:
            continue
        for reason, points in site.deductions:
            rows.append([site.site_url, reason, "−" + number(points)])
        rows.append([site.site_url, _("Score (100 minus the deductions, not below 0)"), number(site.score)])
    return rows


def declaration_section(scans: list[Scan]) -> ScorecardSection:
    """Build the section: the sites' declarations, their deductions, what to check by hand and the mean score."""
    findings = plugin_findings_by_scan(scans, PLUGIN_NAME)
    sites = [summarise_scan(scan, findings[scan.id]) for scan in scans]
    scores = [site.score for site in sites if site.score is not None]
    mean = round(sum(scores) / len(scores), 1) if scores else None
    rows = [
        [
            site.site_url,
            site.declaration_url or "—",
            status_cell(site),
            site.dates.get("a11y-data-publikacja", "—"),
            site.dates.get("a11y-data-aktualizacja", "—"),
            reviewed_cell(site),
            ", ".join(site.invalid_elements) or "—",
            "—" if site.score is None else number(site.score),
        ]
        for site in sites
    ]
    if not sites:
        summary = _("No finished scan, so no declaration was checked.")
    elif mean is None:
        reasons = " ".join(site.reason for site in sites if site.reason)
        summary = _("The declarations could not be checked by cxaudit; see the table.")
        if reasons:
            summary = f"{summary} {reasons}"
    else:
        summary = _("Average score of the accessibility declarations: %(score)s of 100.", score=number(mean))
    tables = [
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
    ]
    deduction_table = deduction_rows(sites)
    if deduction_table:
        tables.append(
            SectionTable(
                caption=_("Deductions from 100 points"),
                headers=[_("Site"), _("Reason"), _("Points")],
                rows=deduction_table,
            )
        )
    problem_rows = [[site.site_url, item] for site in sites for item in site.problems]
    if problem_rows:
        tables.append(
            SectionTable(
                caption=_("Other problems found"),
                headers=[_("Site"), _("Problem")],
                rows=problem_rows,
            )
        )
    review_rows = [[site.site_url, item] for site in sites for item in site.needs_review]
    if review_rows:
        tables.append(
            SectionTable(
                caption=_("To be confirmed by the auditor"),
                headers=[_("Site"), _("What to check")],
                rows=review_rows,
            )
        )
    return ScorecardSection(
        key=PLUGIN_NAME,
        title=_("Accessibility declaration"),
        summary=summary,
        score=mean,
        tables=tables,
        method=_(
            "Share of the 14 mandatory elements present and valid (100 when all are), minus 20 when the yearly "
            "review due by 31 March is overdue, 10 each for no list of inaccessible content, no link to the "
            "declaration on the scanned pages or accessibility errors on the declaration page, and 5 for each missing "
            "procedure part, missing conditional element, date that software cannot read or badly named link. A site "
            "without a readable declaration scores 0. The section score is the mean over the sites; the deductions "
            "table lists each site's deductions."
        ),
        data={"sites": [asdict(site) for site in sites]},
    )
