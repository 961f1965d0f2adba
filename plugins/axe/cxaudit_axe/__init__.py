"""The axe plugin: runs axe-core on every page of a scan, inside same-origin
frames and open shadow roots, and reports the frames it could not test.

It is registered through the ``cxaudit`` entry-point group, exactly as a
third-party plugin would be.
"""

from cxaudit_axe.plugin import (
    cxaudit_page_audit,
    cxaudit_page_scripts,
    cxaudit_rule_help,
    cxaudit_scan_settings,
    cxaudit_tool_versions,
)

__all__ = [
    "cxaudit_page_audit",
    "cxaudit_page_scripts",
    "cxaudit_rule_help",
    "cxaudit_scan_settings",
    "cxaudit_tool_versions",
]
