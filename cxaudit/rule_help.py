"""Rule descriptions in the reader's language, asked from the plugins at render time.

Findings store the help text the audit tool wrote, often English only. A
plugin with texts for its rules returns a translated one through the
``cxaudit_rule_help`` hook; when none does, the stored text is kept.
"""

from __future__ import annotations

from flask import current_app


def rule_help(plugin: str, rule: str, stored: str | None) -> str | None:
    """Return the text of ``rule`` of ``plugin`` in the active language, or ``stored`` when no plugin has a text for it."""
    registry = current_app.extensions.get("cxaudit_plugins")
    if registry is None:
        return stored
    for call in registry.call_each("cxaudit_rule_help", plugin=plugin, rule=rule):
        if call.result:
            return str(call.result[0])
    return stored
