"""Running the axe plugin on the declaration page, which must be accessible itself."""

from __future__ import annotations

import importlib
import logging
from typing import Any

from cxaudit.audit import IMPACTS, AuditFinding, PageContext
from cxaudit.scan.browser_session import BROWSER_ERRORS
from cxaudit_declaration.i18n import ngettext
from cxaudit_declaration.messages import review_finding

logger = logging.getLogger(__name__)

AXE_MODULE = "cxaudit_axe"
TARGETS_KEPT = 20


def axe_findings(driver: Any, url: str, settings: dict[str, Any]) -> list[AuditFinding]:
    """Run axe-core on the page the browser shows (the declaration) and sum up its violations.

    Uses ``cxaudit_axe.cxaudit_page_audit``, the axe plugin's page audit, so the
    rules and WCAG tags are the same as for crawled pages. Without the axe
    plugin installed the page is reported as not checked.
    """
    try:
        axe = importlib.import_module(AXE_MODULE)
    except ImportError:
        return [not_run(url, "axe-not-installed", {"url": url})]

    try:
        results = axe.cxaudit_page_audit(PageContext(url=url, driver=driver, settings=settings)) or []
    except BROWSER_ERRORS as error:
        # The declaration's own findings are kept; only the axe part is lost.
        logger.warning("axe failed on the declaration page %s: %s", url, error)
        return [not_run(url, "axe-failed", {"url": url, "error": type(error).__name__})]
    violations = [finding for finding in results if finding.outcome == "violation"]
    if not violations:
        return []
    rules = sorted({finding.rule for finding in violations})
    impacts = [finding.impact for finding in violations if finding.impact in IMPACTS]
    criteria = sorted({criterion for finding in violations for criterion in finding.wcag})
    targets = [selector for finding in violations for selector in finding.targets][:TARGETS_KEPT]
    return [
        AuditFinding(
            rule="declaration-axe-violations",
            outcome="violation",
            impact=min(impacts, key=IMPACTS.index) if impacts else None,
            wcag=criteria,
            count=len(rules),
            targets=targets,
            help=ngettext(
                "The declaration page has %(num)d axe violation (%(rules)s). The declaration must be accessible "
                "itself: fix it as for any page.",
                "The declaration page has %(num)d axe violations (%(rules)s). The declaration must be accessible "
                "itself: fix them as for any page.",
                len(rules),
                rules=", ".join(rules),
            ),
            help_url=url,
        )
    ]


def not_run(url: str, key: str, params: dict[str, Any]) -> AuditFinding:
    return review_finding("declaration-axe-not-run", key, params, help_url=url)
