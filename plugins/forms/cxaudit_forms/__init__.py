"""The forms plugin: finds every form of a page, classifies it and checks it.

It is registered through the ``cxaudit`` entry-point group, exactly as a
third-party plugin would be.
"""

from cxaudit_forms.plugin import cxaudit_page_audit, cxaudit_scorecard_sections

__all__ = ["cxaudit_page_audit", "cxaudit_scorecard_sections"]
