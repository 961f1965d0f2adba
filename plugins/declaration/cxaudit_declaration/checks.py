"""Checks of a loaded declaration page; each returns findings in the active language.

``read_declaration.js`` describes the page as a dict. Its ``elements`` map
each a11y-* id to the element's tag, text, section text, href, ``<time
datetime>``, list items and number of occurrences. Its ``malformed`` list
holds ids such as ``”a11y-architektura”``, meant as a11y-* ids but written
wrongly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from cxaudit.audit import AuditFinding
from cxaudit_declaration import content
from cxaudit_declaration.dates import is_review_current, last_review_deadline, parse_iso_date, parse_text_date
from cxaudit_declaration.elements import (
    CONDITIONAL,
    DATE_IDS,
    ELEMENTS,
    LEGACY_IDS,
    MANDATORY,
    SECTION_IDS,
)
from cxaudit_declaration.i18n import _
from cxaudit_declaration.messages import review_finding
from cxaudit_declaration.status import NON_COMPLIANT, PARTIAL, classify_status
from cxaudit_declaration.unmarked import TextBlock, find_unmarked


@dataclass
class DeclarationFacts:
    """The status and dates read from a declaration, for the summary finding and the scorecard."""

    url: str
    status: str | None = None
    dates: dict[str, date] = field(default_factory=dict)


@dataclass
class DeclarationPage:
    """A declaration page as ``read_declaration.js`` describes it, plus where it is."""

    url: str
    elements: dict[str, dict[str, Any]]
    malformed: dict[str, dict[str, Any]]
    text: str
    store_links: list[str]
    # The page's text in blocks, where elements without an id are looked for (see unmarked.py).
    blocks: list[TextBlock] = field(default_factory=list)

    @classmethod
    def from_script(cls, url: str, data: dict[str, Any], home_store_links: Sequence[str] = ()) -> DeclarationPage:
        malformed = {}
        for entry in data.get("malformed") or []:
            malformed.setdefault(entry["id"], {**entry["description"], "raw": entry["raw"], "count": 1})
        return cls(
            url=url,
            elements=data.get("elements") or {},
            malformed=malformed,
            text=data.get("text") or "",
            store_links=[*(data.get("storeLinks") or []), *home_store_links],
            blocks=[TextBlock(block["selector"], block["text"], block.get("heading") or "") for block in data.get("blocks") or []],
        )

    def element(self, element_id: str) -> dict[str, Any] | None:
        """Return the element with ``element_id``, or its malformed look-alike, or ``None``."""
        return self.elements.get(element_id) or self.malformed.get(element_id)


def target(element_id: str, page: DeclarationPage) -> str:
    """Return the CSS selector of an element, quoting a malformed id exactly as written."""
    if element_id in page.malformed and element_id not in page.elements:
        raw = page.malformed[element_id]["raw"].replace("\\", "\\\\").replace('"', '\\"')
        return f'[id="{raw}"]'
    return f"#{element_id}"


def check_declaration(page: DeclarationPage, today: date) -> tuple[list[AuditFinding], DeclarationFacts]:
    """Run every check on ``page`` and return the findings and the facts read from it."""
    facts = DeclarationFacts(url=page.url)
    if not page.elements and not page.malformed:
        return [ids_missing(page)], facts

    findings: list[AuditFinding] = []
    findings += element_presence(page)
    findings += duplicates_and_legacy(page)
    findings += date_checks(page, today, facts)
    findings += status_checks(page, facts)
    findings += contact_checks(page)
    findings += procedure_checks(page)
    findings += conditional_checks(page, today, facts)
    return findings, facts


def ids_missing(page: DeclarationPage) -> AuditFinding:
    return AuditFinding(
        rule="declaration-ids-missing",
        outcome="violation",
        impact="serious",
        help=_(
            "The declaration at %(url)s has no elements marked with a11y-* ids, so software cannot read it. "
            "Mark its parts with the ids of the technical conditions, for example id=\"a11y-status\" on the "
            "compliance status and id=\"a11y-email\" on the contact e-mail.",
            url=page.url,
        ),
        help_url=page.url,
    )


def element_presence(page: DeclarationPage) -> list[AuditFinding]:
    findings = []
    # A misspelt id of a known element, mandatory or conditional, is accepted
    # with a warning, like the old ids; the element's content is still checked.
    for element_id in ELEMENTS:
        if element_id in page.malformed and element_id not in page.elements:
            findings.append(
                review_finding(
                    "declaration-id-malformed",
                    "id-malformed",
                    {"id": element_id, "raw": page.malformed[element_id]["raw"]},
                    targets=[target(element_id, page)],
                    help_url=page.url,
                )
            )

    for element in MANDATORY:
        if page.element(element.id) is not None:
            continue
        found = find_unmarked(page.blocks, element.id)
        if found is not None:
            findings.append(
                review_finding(
                    "declaration-element-unmarked",
                    "element-unmarked",
                    {"id": element.id, "excerpt": found.excerpt, "heading": found.heading},
                    targets=[found.selector],
                    help_url=page.url,
                )
            )
            continue
        findings.append(
            AuditFinding(
                rule="declaration-element-missing",
                outcome="violation",
                impact="serious",
                targets=[f"#{element.id}"],
                help=_(
                    "The declaration lacks the element %(id)s: %(content)s. Add it and mark it with id=\"%(id)s\".",
                    id=element.id,
                    content=element.content,
                ),
                help_url=page.url,
            )
        )

    for element in MANDATORY:
        described = page.element(element.id)
        if described is None or element.id in DATE_IDS:
            continue
        text = described["sectionText"] if element.id in SECTION_IDS else described["text"]
        if element.id in SECTION_IDS and described["tag"] in ("h1", "h2", "h3", "h4", "h5", "h6"):
            # A heading marks the section; its content is what follows it.
            text = described["sectionText"][len(described["text"]):].strip()
        if element.id == "a11y-url" and described.get("href"):
            continue
        if not text.strip():
            findings.append(
                AuditFinding(
                    rule="declaration-element-empty",
                    outcome="violation",
                    impact="serious",
                    targets=[target(element.id, page)],
                    help=_(
                        "The element %(id)s is empty. It must contain %(content)s.",
                        id=element.id,
                        content=element.content,
                    ),
                    help_url=page.url,
                )
            )
    return findings


def duplicates_and_legacy(page: DeclarationPage) -> list[AuditFinding]:
    findings = []
    duplicated = sorted(element_id for element_id, described in page.elements.items() if described.get("count", 1) > 1)
    if duplicated:
        findings.append(
            review_finding(
                "declaration-id-duplicate",
                "id-duplicate",
                {"ids": duplicated},
                count=len(duplicated),
                targets=[f"#{element_id}" for element_id in duplicated],
                help_url=page.url,
            )
        )
    legacy = [element_id for element_id in LEGACY_IDS if element_id in page.elements]
    if legacy:
        findings.append(
            review_finding(
                "declaration-legacy-elements",
                "legacy-elements",
                {"ids": legacy},
                count=len(legacy),
                targets=[f"#{element_id}" for element_id in legacy],
                help_url=page.url,
            )
        )
    return findings


def date_checks(page: DeclarationPage, today: date, facts: DeclarationFacts) -> list[AuditFinding]:
    findings = []
    for element_id in DATE_IDS:
        described = page.element(element_id)
        if described is None:
            continue
        machine_date = parse_iso_date(described.get("datetime"))
        if machine_date is not None:
            facts.dates[element_id] = machine_date
            continue
        text_date = parse_text_date(described["text"])
        if text_date is None:
            findings.append(
                AuditFinding(
                    rule="declaration-date-invalid",
                    outcome="violation",
                    impact="serious",
                    targets=[target(element_id, page)],
                    help=_(
                        "The element %(id)s contains no date (its text is \"%(text)s\"). Enter the date; for the "
                        "webmaster: mark it up as <time datetime=\"YYYY-MM-DD\">.",
                        id=element_id,
                        text=described["text"][:80],
                    ),
                    help_url=page.url,
                )
            )
            continue
        facts.dates[element_id] = text_date
        findings.append(
            AuditFinding(
                rule="declaration-date-format",
                outcome="violation",
                impact="moderate",
                targets=[target(element_id, page)],
                help=_(
                    "The date in %(id)s is written only as text (\"%(text)s\"), so software such as screen readers "
                    "and search engines cannot read it as a date. For the webmaster: mark it up as "
                    "<time datetime=\"%(iso)s\">.",
                    id=element_id,
                    text=described["text"][:80],
                    iso=text_date.isoformat(),
                ),
                help_url=page.url,
            )
        )

    reviewed = latest_review(facts)
    if reviewed is not None and not is_review_current(reviewed, today):
        deadline = last_review_deadline(today)
        findings.append(
            AuditFinding(
                rule="declaration-review-overdue",
                outcome="violation",
                impact="serious",
                targets=[f"#{element_id}" for element_id in ("a11y-data-sporzadzenie", "a11y-data-przeglad") if page.element(element_id)],
                help=_(
                    "The declaration was last prepared or reviewed on %(reviewed)s, before the review due by "
                    "%(deadline)s. Review and update it every year by 31 March, and give the date in "
                    "a11y-data-przeglad.",
                    reviewed=reviewed.isoformat(),
                    deadline=deadline.isoformat(),
                ),
                help_url=page.url,
            )
        )
    return findings


def latest_review(facts: DeclarationFacts) -> date | None:
    """Return the later of the preparation and review dates of the declaration itself.

    The website's publication and update dates do not count: they describe
    the website, not the declaration.
    """
    dates = [facts.dates[key] for key in ("a11y-data-sporzadzenie", "a11y-data-przeglad") if key in facts.dates]
    return max(dates) if dates else None


def status_checks(page: DeclarationPage, facts: DeclarationFacts) -> list[AuditFinding]:
    described = page.element("a11y-status")
    if described is None:
        return []
    facts.status = classify_status(described["text"])
    if facts.status is None:
        return [
            AuditFinding(
                rule="declaration-status-invalid",
                outcome="violation",
                impact="serious",
                targets=[target("a11y-status", page)],
                help=_(
                    "The status \"%(text)s\" is not one of the prescribed sentences. Write that the website is "
                    "compliant (zgodna), partially compliant (częściowo zgodna) or non-compliant (niezgodna) with "
                    "the Act of 4 April 2019 on digital accessibility.",
                    text=described["text"][:120],
                ),
                help_url=page.url,
            )
        ]
    if facts.status in (PARTIAL, NON_COMPLIANT) and described.get("listItems", 0) == 0:
        return [
            AuditFinding(
                rule="declaration-inaccessible-content-missing",
                outcome="violation",
                impact="serious",
                targets=[target("a11y-status", page)],
                help=_(
                    "The declaration says the website is not fully compliant but lists no inaccessible content "
                    "after the status. List the content that is not accessible and the reasons, one item each."
                ),
                help_url=page.url,
            )
        ]
    return []


def contact_checks(page: DeclarationPage) -> list[AuditFinding]:
    findings = []
    email = page.element("a11y-email")
    if email is not None and content.email_address(email["text"], email.get("href")) is None:
        findings.append(
            AuditFinding(
                rule="declaration-email-invalid",
                outcome="violation",
                impact="serious",
                targets=[target("a11y-email", page)],
                help=_(
                    "The element a11y-email contains no valid e-mail address (its text is \"%(text)s\"). "
                    "Write the address, ideally as a mailto: link.",
                    text=email["text"][:80],
                ),
                help_url=page.url,
            )
        )
    phone = page.element("a11y-telefon")
    if phone is not None and content.phone_number(phone["text"], phone.get("href")) is None:
        findings.append(
            AuditFinding(
                rule="declaration-phone-invalid",
                outcome="violation",
                impact="serious",
                targets=[target("a11y-telefon", page)],
                help=_(
                    "The element a11y-telefon contains no valid phone number (its text is \"%(text)s\"). "
                    "Write the number with its area code, ideally as a tel: link.",
                    text=phone["text"][:80],
                ),
                help_url=page.url,
            )
        )
    return findings


def procedure_checks(page: DeclarationPage) -> list[AuditFinding]:
    described = page.element("a11y-procedura")
    if described is None:
        return []
    missing = content.missing_procedure_parts(described["sectionText"])
    if not missing:
        return []
    names = {
        "7-days": _("the 7-day deadline for handling a request"),
        "2-months": _("the extension of that deadline to at most 2 months"),
        "ombudsman": _("the right to turn to the Commissioner for Human Rights (Rzecznik Praw Obywatelskich)"),
    }
    return [
        AuditFinding(
            rule="declaration-procedure-incomplete",
            outcome="violation",
            impact="serious",
            count=len(missing),
            targets=[target("a11y-procedura", page)],
            help=_(
                "The request and complaint procedure does not state %(parts)s. Describe the whole procedure: "
                "requests are handled within 7 days, at most 2 months when the body says why, and after a "
                "refused complaint a person may turn to the Commissioner for Human Rights.",
                parts="; ".join(names[part] for part in missing),
            ),
            help_url=page.url,
        )
    ]


def conditional_checks(page: DeclarationPage, today: date, facts: DeclarationFacts) -> list[AuditFinding]:
    """Check the conditional elements that apply and list those that cannot be decided.

    - a11y-data-przeglad applies when the preparation date alone does not meet
      the last 31 March deadline, so the declaration must have been reviewed since.
    - a11y-ocena applies when the text states that an external body assessed the website.
    - a11y-aplikacje applies when the declaration or the home page links to an app store.
    - a11y-architektura-url applies when the architectural section gives its
      information through a link.
    """
    required: list[str] = []
    unknown: list[str] = []

    prepared = facts.dates.get("a11y-data-sporzadzenie")
    if prepared is not None and not is_review_current(prepared, today):
        required.append("a11y-data-przeglad")

    kind = content.assessment_kind(page.text)
    if kind == "external":
        required.append("a11y-ocena")
    elif kind is None:
        unknown.append("a11y-ocena")

    if page.store_links:
        required.append("a11y-aplikacje")
    else:
        unknown.append("a11y-aplikacje")

    architecture = page.element("a11y-architektura")
    if architecture is not None and any(href and not href.startswith("#") for href in architecture.get("sectionLinks") or []):
        required.append("a11y-architektura-url")

    findings = []
    for element in CONDITIONAL:
        if element.id in required and page.element(element.id) is None:
            findings.append(
                AuditFinding(
                    rule="declaration-conditional-missing",
                    outcome="violation",
                    impact="moderate",
                    targets=[f"#{element.id}"],
                    help=conditional_reason(element.id, element.content),
                    help_url=page.url,
                )
            )
    undecided = [element_id for element_id in unknown if page.element(element_id) is None]
    if undecided:
        findings.append(
            review_finding(
                "declaration-conditional-unknown",
                "conditional-unknown",
                {"ids": undecided},
                count=len(undecided),
                targets=[f"#{element_id}" for element_id in undecided],
                help_url=page.url,
            )
        )
    return findings


def conditional_reason(element_id: str, element_content: object) -> str:
    reasons = {
        "a11y-data-przeglad": _("The declaration was prepared before the last yearly review deadline (31 March), so it must give the date of its latest review."),
        "a11y-ocena": _("The declaration says an external body assessed the website, so it needs a link to that assessment."),
        "a11y-aplikacje": _("The site links to mobile apps in an app store, so the declaration must list them."),
        "a11y-architektura-url": _("The architectural section gives its information through a link, so the link needs its id."),
    }
    return _(
        "%(reason)s Add %(content)s and mark it with id=\"%(id)s\".",
        reason=reasons[element_id],
        content=element_content,
        id=element_id,
    )


def summary_finding(facts: DeclarationFacts) -> AuditFinding | None:
    """Return the finding that records the stated status and dates, for a person to confirm.

    Passes are not stored, so this needs-review finding is the only record of a
    declaration that is otherwise correct. Its rule names the status and its
    ``help_url`` is the declaration. Its ``data`` holds the status and the
    dates, which the targets also carry as ``<time datetime>`` selectors.
    """
    if facts.status is None:
        return None
    dates = {key: value.isoformat() for key, value in facts.dates.items()}
    params = {
        "url": facts.url,
        "status": facts.status,
        "updated": dates.get("a11y-data-aktualizacja", "—"),
        "prepared": dates.get("a11y-data-sporzadzenie", "—"),
    }
    finding = review_finding(
        f"declaration-status-{facts.status}",
        "status",
        params,
        targets=["#a11y-status", *(f'#{key} time[datetime="{value}"]' for key, value in sorted(dates.items()))],
        help_url=facts.url,
    )
    # The scorecard reads the status and dates from data; the targets keep them for scans stored before data.
    return replace(finding, data={**finding.data, "status": facts.status, "dates": dates})
