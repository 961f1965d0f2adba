"""The declaration plugin: checks the Polish accessibility declaration of a site.

It is registered through the ``cxaudit`` entry-point group, exactly as a
third-party plugin would be.
"""

from cxaudit_declaration.plugin import cxaudit_scorecard_sections, cxaudit_site_audit

__all__ = ["cxaudit_scorecard_sections", "cxaudit_site_audit"]
