"""The forms section of the scorecard: a score per form and per site, and each form's main problems."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from babel.numbers import format_decimal as babel_format_decimal
from flask_babel import get_locale

from cxaudit.audit import ScorecardSection, SectionTable
from cxaudit.scorecard.sections import plugin_finding_rows
from cxaudit_forms.i18n import _, _l, ngettext
from cxaudit_forms.kinds import KIND_LABELS, parse_form_label
from cxaudit_forms.score import form_score, mean, rule_penalty

PLUGIN_NAME = "forms"
INVENTORY = "inventory"
MAIN_PROBLEMS = 3
# The HTML and PDF scorecards list this many forms, the worst first; the other formats list them all.
PRINTED_FORMS = 50
RULE_TITLES = {
    "forms-field-no-name": _l("fields without a name"),
    "forms-label-not-visible": _l("no visible label"),
    "forms-label-not-in-name": _l("label not in the name"),
    "forms-label-wrong-target": _l("label tied to the wrong field"),
    "forms-group-unnamed": _l("choices not grouped"),
    "forms-autocomplete-missing": _l("no autocomplete"),
    "forms-autocomplete-invalid": _l("invalid autocomplete"),
    "forms-autocomplete-mismatch": _l("autocomplete to review"),
    "forms-email-type": _l("e-mail field not type email"),
    "forms-required-not-programmatic": _l("required only on screen"),
    "forms-required-not-visible": _l("required only in code"),
    "forms-required-asterisk-unexplained": _l("asterisk not explained"),
    "forms-required-inconsistent": _l("required marked inconsistently"),
    "forms-keyboard-unreachable": _l("not reachable with Tab"),
    "forms-focus-order": _l("focus order"),
    "forms-positive-tabindex": _l("positive tabindex"),
    "forms-focus-not-visible": _l("focus not visible"),
    "forms-paste-blocked": _l("pasting blocked"),
    "forms-captcha-no-alternative": _l("CAPTCHA without alternative"),
    "forms-captcha-review": _l("CAPTCHA to review"),
    "forms-consent-prechecked": _l("consent ticked in advance"),
    "forms-privacy-notice-missing": _l("no privacy notice"),
    "forms-not-https": _l("no HTTPS"),
    "forms-too-many-fields": _l("too many fields"),
    "forms-contact-no-email-link": _l("no e-mail link"),
    "forms-contact-no-phone-link": _l("no phone link"),
    "forms-contact-no-hours": _l("no opening hours"),
    "forms-contact-no-reply-time": _l("no reply time"),
    "forms-errors-not-tested": _l("errors not tested"),
    "forms-error-browser-only": _l("browser's error bubbles only"),
    "forms-error-not-shown": _l("no error shown"),
    "forms-submit-http-error": _l("form address answers an HTTP error"),
    "forms-error-not-linked": _l("errors not tied to fields"),
    "forms-error-no-suggestion": _l("errors without a hint"),
    "forms-error-not-announced": _l("errors not announced"),
    "forms-error-values-lost": _l("typed values lost"),
}


@dataclass
class FormResult:
    """One form of one page, rebuilt from its stored findings."""

    page_url: str
    selector: str
    position: int
    kind: str
    # Fields a visitor fills in, from the inventory record (None for scans stored before inventory records).
    fields: int | None = None
    results: list[tuple[str, str, str | None]] = field(default_factory=list)
    signature: set[tuple[str, tuple[str, ...]]] = field(default_factory=set)

    @property
    def identity(self) -> tuple:
        """What makes two pages' forms the same form: kind, selector and the same findings on the same elements."""
        return self.kind, self.selector, frozenset(self.signature)

    @property
    def score(self) -> float:
        return form_score(self.results)

    def main_problems(self, rule_titles: dict[str, str] | None = None) -> list[str]:
        """Return the titles of the form's worst problems, from ``rule_titles`` (RULE_TITLES translated) when given."""
        if rule_titles is None:
            rule_titles = translated(RULE_TITLES)
        ranked = sorted(self.results, key=lambda result: -rule_penalty(*result))
        titles: list[str] = []
        for rule, outcome, impact in ranked:
            title = rule_titles.get(rule, rule)
            if rule_penalty(rule, outcome, impact) > 0 and title not in titles:
                titles.append(title)
        return titles[:MAIN_PROBLEMS]


def translated(labels: dict[str, object]) -> dict[str, str]:
    """Translate lazy labels into the current locale once, for a section that shows them on many rows."""
    return {key: str(label) for key, label in labels.items()}


def forms_of_scan(scan, findings: list | None = None) -> list[FormResult]:
    """Group a scan's forms findings by page and form selector (the first target).

    Every form has an inventory record, so forms without problems are listed
    too. The form's position and kind come from the finding's ``data``; only
    findings stored before findings had ``data`` are read from the help text.
    ``findings`` are the scan's rows from ``plugin_finding_rows`` when the
    caller read them already.
    """
    if findings is None:
        findings = plugin_finding_rows([scan], PLUGIN_NAME)
    forms: dict[tuple[str, str], FormResult] = {}
    for finding in findings:
        page_url = finding.url
        described = form_of(finding)
        if not finding.targets or described is None:
            continue
        key = (page_url, finding.targets[0])
        if key not in forms:
            forms[key] = FormResult(page_url, finding.targets[0], *described)
        outcome = getattr(finding.outcome, "value", finding.outcome)
        if outcome == INVENTORY:
            forms[key].fields = (finding.data or {}).get("form", {}).get("fields")
            continue
        forms[key].results.append((finding.rule, outcome, finding.impact))
        forms[key].signature.add((finding.rule, tuple(finding.targets)))
    return list(forms.values())


def form_of(finding) -> tuple[int, str] | None:
    """Return the position and kind of the form a finding belongs to, or ``None`` when neither data nor help text contains them."""
    form = (finding.data or {}).get("form")
    if form and form.get("kind") in KIND_LABELS:
        return int(form["position"]), form["kind"]
    return parse_form_label(finding.help)


def site_score(forms: list[FormResult]) -> float | None:
    """Average the site's distinct forms; a form repeated on many pages (such as a search box in the header) counts once."""
    distinct: dict[tuple, float] = defaultdict(lambda: 100.0)
    for form in forms:
        distinct[form.identity] = min(distinct[form.identity], form.score)
    return mean(list(distinct.values()))


def whole(score: float, locale: str | None = None) -> str:
    """Return ``score`` rounded to a whole number and formatted for ``locale``, by default the current one."""
    return format_integer(round(score), "#,##0", locale)


def format_integer(number: int, pattern: str | None = None, locale: str | None = None) -> str:
    """Format a whole number for ``locale``, by default the current one, as flask_babel.format_decimal does."""
    return _formatted_integer(number, locale or current_locale(), pattern)


def current_locale() -> str | None:
    # Looked up once per section by forms_section: Flask-Babel finds it through the request context each time.
    locale = get_locale()
    return str(locale) if locale else None


@lru_cache(maxsize=4096)
def _formatted_integer(number: int, locale: str | None, pattern: str | None) -> str:
    # Cached because a section of a large site formats thousands of the same few
    # numbers (positions and scores from 0 to 100), and Babel takes about 0.1 ms a number.
    return babel_format_decimal(number, format=pattern, locale=locale)


def site_address(scan) -> str:
    """Return the registered website's base address, or the scan's start address when it has no site."""
    return scan.site.base_url if scan.site is not None else scan.url


def worst_rows(rows: list[list[str]], scores: list[float]) -> list[list[str]]:
    """Return the PRINTED_FORMS rows with the lowest scores, worst first; equal scores keep the page order."""
    order = sorted(range(len(rows)), key=lambda index: scores[index])
    return [rows[index] for index in order[:PRINTED_FORMS]]


def forms_section(scans) -> ScorecardSection:
    """Build the section from the latest scans; no forms findings means no data."""
    rows, site_rows, site_scores, data, scores = [], [], [], [], []
    locale = current_locale()
    kind_labels, rule_titles, no_problem = translated(KIND_LABELS), translated(RULE_TITLES), _("none")
    # One query for every scan's findings, split per scan here.
    findings_by_scan: dict[int, list] = {scan.id: [] for scan in scans}
    for finding in plugin_finding_rows(scans, PLUGIN_NAME):
        findings_by_scan[finding.scan_id].append(finding)
    for scan in scans:
        forms = forms_of_scan(scan, findings_by_scan[scan.id])
        if not forms:
            continue
        score = site_score(forms)
        site_scores.append(score)
        site_rows.append([site_address(scan), format_integer(len(forms), locale=locale), whole(score, locale)])
        for form in forms:
            score_of_form = form.score
            scores.append(score_of_form)
            rows.append([form.page_url, format_integer(form.position, locale=locale), kind_labels[form.kind],
                         whole(score_of_form, locale), ", ".join(form.main_problems(rule_titles)) or no_problem])
            data.append({"site": scan.url, "page": form.page_url, "form": form.selector, "position": form.position,
                         "kind": form.kind, "fields": form.fields, "score": score_of_form, "rules": sorted({r for r, _o, _i in form.results})})

    overall = mean(site_scores)
    if overall is None:
        summary = _("No forms were found in the latest scans.")
    else:
        summary = ngettext("%(num)d form checked; the forms score is %(score)s out of 100.",
                           "%(num)d forms checked; the forms score is %(score)s out of 100.",
                           len(rows), score=whole(overall))
    return ScorecardSection(
        key="forms",
        title=_("Forms"),
        summary=summary,
        score=overall,
        tables=[
            SectionTable(caption=_("Forms by page"), headers=[_("Page"), _("Form"), _("Kind"), _("Score"), _("Main problems")], rows=rows,
                         printed_rows=worst_rows(rows, scores) if len(rows) > PRINTED_FORMS else None),
            SectionTable(caption=_("Forms score by site"), headers=[_("Website"), _("Forms"), _("Score")], rows=site_rows),
        ] if rows else [],
        method=_("Each form starts at 100 and loses points once per failed check: 25 for critical, 15 for serious, "
                 "8 for moderate and 3 for minor problems, half as much for results to review, never below 0. A site's "
                 "score is the mean of its distinct forms (a form repeated on many pages counts once, at its worst); "
                 "the section's score is the mean of the sites. A form with no problem scores 100."),
        data={"forms": data, "site_scores": site_scores},
    )
