"""The hook implementations of the declaration plugin."""

from __future__ import annotations

from flask_babel import force_locale

from cxaudit.audit import AuditFinding, ScorecardSection, SiteContext
from cxaudit.hookspecs import hookimpl
from cxaudit_declaration.audit import audit_site_declaration
from cxaudit_declaration.scorecard import declaration_section


@hookimpl
def cxaudit_site_audit(site: SiteContext) -> list[AuditFinding]:
    """Find the site's accessibility declaration and check it, in the scan's language."""
    with force_locale(site.settings.get("language", "pl")):
        return audit_site_declaration(site.driver, site.start_url, site.settings)


@hookimpl
def cxaudit_scorecard_sections(scans) -> list[ScorecardSection]:
    return [declaration_section(scans)]
