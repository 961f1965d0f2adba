"""The site audit: find the declaration, load it, check it and run axe on it."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from typing import Any

from cxaudit.audit import AuditFinding
from cxaudit.scan.urls import is_same_origin
from cxaudit_declaration.axe_check import axe_findings
from cxaudit_declaration.browser import load, run_script
from cxaudit_declaration.checks import DeclarationPage, check_declaration, summary_finding
from cxaudit_declaration.i18n import _
from cxaudit_declaration.locate import Location, locate_declaration
from cxaudit_declaration.messages import review_finding

logger = logging.getLogger(__name__)

# Scan setting that fixes "today" for the review deadline, as YYYY-MM-DD (tests set it).
TODAY_SETTING = "declaration_today"


def audit_today(settings: dict[str, Any]) -> date:
    """Return the date the review deadline is computed from: ``settings["declaration_today"]`` or today (UTC)."""
    value = settings.get(TODAY_SETTING)
    if value:
        return date.fromisoformat(str(value))
    return datetime.now(UTC).date()


def audit_site_declaration(driver: Any, start_url: str, settings: dict[str, Any]) -> list[AuditFinding]:
    """Find the site's declaration from its home page and check it; return the findings."""
    location = locate_declaration(driver, start_url)
    if not location.home_loaded:
        return [home_unreachable(location.home_urls)]
    findings = location_findings(location, start_url)

    url = location.declaration_url
    if url is None:
        return findings
    if not is_same_origin(url, start_url):
        return [*findings, off_site(url)]

    page = load(driver, url)
    if page.failed:
        return [*findings, unreachable(url, page.http_status, page.error)]
    if not page.is_html:
        return [*findings, not_html(url, page.content_type)]

    described = DeclarationPage.from_script(page.url, run_script(driver, "read_declaration.js"), location.store_links)
    page_findings, facts = check_declaration(described, audit_today(settings))
    findings += page_findings
    summary = summary_finding(facts)
    if summary is not None:
        findings.append(summary)
    findings += axe_findings(driver, page.url, settings)
    logger.info("Declaration of %s checked at %s: %d findings", start_url, page.url, len(findings))
    return findings


def location_findings(location: Location, start_url: str) -> list[AuditFinding]:
    """Report a missing declaration, a badly named or missing link and a missing <meta> tag."""
    home = location.home_urls[0]
    findings = []
    if location.declaration_url is None:
        findings.append(
            AuditFinding(
                rule="declaration-not-found",
                outcome="violation",
                impact="critical",
                help=_(
                    "No accessibility declaration was found: the start page of the scan (%(url)s) has no link named "
                    "\"Deklaracja dostępności\" (\"Accessibility statement\" on English pages) and no "
                    "<meta name=\"deklaracja-dostępności\"> tag. Publish the declaration and link it from the site's "
                    "main page or from the header or footer of every page.",
                    url=home,
                ),
            )
        )
        return findings

    if location.named_link is None and location.address_link is not None:
        link = location.address_link
        findings.append(
            AuditFinding(
                rule="declaration-link-name",
                outcome="violation",
                impact="serious",
                targets=[f'a[href="{link.raw_href}"]'],
                help=_(
                    "The link to the declaration (%(href)s) is named \"%(name)s\", so people do not recognise it. "
                    "Name the link \"Deklaracja dostępności\" (\"Accessibility statement\" on English pages).",
                    href=link.href,
                    name=link.name,
                ),
            )
        )
    elif location.named_link is None:
        findings.append(
            AuditFinding(
                rule="declaration-link-missing",
                outcome="violation",
                impact="serious",
                help=_(
                    "The start page of the scan (%(url)s) does not link to the declaration %(declaration)s. Add a link "
                    "named \"Deklaracja dostępności\" to the site's main page or to the header or footer of every page.",
                    url=home,
                    declaration=location.declaration_url,
                ),
            )
        )

    if location.meta_url is None:
        findings.append(
            review_finding("declaration-meta-missing", "meta-missing", {"url": location.declaration_url}, targets=["head"])
        )
    return findings


def home_unreachable(home_urls: list[str]) -> AuditFinding:
    logger.info("Declaration audit skipped: no home page of %s loaded", home_urls[0])
    return review_finding("declaration-home-unreachable", "home-unreachable", {"urls": list(home_urls)}, impact="moderate")


def off_site(url: str) -> AuditFinding:
    return review_finding("declaration-off-site", "off-site", {"url": url}, impact="moderate", help_url=url)


def unreachable(url: str, http_status: int | None, error: str | None) -> AuditFinding:
    if http_status is not None:
        help_text = _(
            "The declaration link %(url)s answers with HTTP status %(status)s. Fix the link or publish the "
            "declaration at that address.",
            url=url,
            status=http_status,
        )
    else:
        help_text = _(
            "The declaration page %(url)s did not load (%(error)s). Check that the address works.",
            url=url,
            error=error,
        )
    return AuditFinding(rule="declaration-unreachable", outcome="violation", impact="critical", help=help_text, help_url=url)


def not_html(url: str, content_type: str | None) -> AuditFinding:
    return AuditFinding(
        rule="declaration-not-html",
        outcome="violation",
        impact="serious",
        help=_(
            "The declaration at %(url)s is not an HTML page (content type %(type)s). Publish it as an HTML page; "
            "a PDF or a scan does not meet the technical conditions.",
            url=url,
            type=content_type,
        ),
        help_url=url,
    )
