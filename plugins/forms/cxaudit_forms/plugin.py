"""The hook implementations of the forms plugin."""

from __future__ import annotations

from flask_babel import force_locale

from cxaudit.audit import AuditFinding, PageContext, ScorecardSection
from cxaudit.hookspecs import hookimpl
from cxaudit_forms.audit import audit_page
from cxaudit_forms.scorecard import forms_section


@hookimpl
def cxaudit_page_audit(page: PageContext) -> list[AuditFinding]:
    """Find, classify and check every form of the page, in the scan's language."""
    with force_locale(page.settings.get("language", "pl")):
        return audit_page(page)


@hookimpl
def cxaudit_scorecard_sections(institution, scans, language: str) -> list[ScorecardSection]:
    return [forms_section(scans)]
