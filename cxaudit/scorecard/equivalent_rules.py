"""Rules of different plugins that report the same problem, merged into one fix.

axe-core and the forms plugin both check form fields, so one missing label
can fail axe's ``label`` and the forms plugin's ``forms-field-no-name`` on
the same page. The list of fixes counts such a problem once. Each group is
named after its first rule and lists its members as (plugin, rule) pairs.
The pairs come from the rule texts in plugins/axe/cxaudit_axe/rule_texts.py
and from the checks table in docs/forms.md. axe's ``tabindex`` also fails
outside forms, and such pages then count towards the merged fix as well.
"""

from __future__ import annotations

from sqlalchemy import and_, case, literal_column

from cxaudit.models import Finding

EQUIVALENT_RULES: dict[str, tuple[tuple[str, str], ...]] = {
    # A field without an accessible name: axe's label covers inputs and
    # textareas, select-name covers drop-down lists.
    "label": (("axe", "label"), ("axe", "select-name"), ("forms", "forms-field-no-name")),
    # No visible label: only a title or aria-describedby (axe), or no <label> shown at all (forms).
    "label-title-only": (("axe", "label-title-only"), ("forms", "forms-label-not-visible")),
    # The visible label is not part of the accessible name (WCAG 2.5.3).
    "label-content-name-mismatch": (("axe", "label-content-name-mismatch"), ("forms", "forms-label-not-in-name")),
    # An autocomplete value that is not a valid token list (WCAG 1.3.5).
    "autocomplete-valid": (("axe", "autocomplete-valid"), ("forms", "forms-autocomplete-invalid")),
    # A tabindex above 0 changes the order of keyboard focus.
    "tabindex": (("axe", "tabindex"), ("forms", "forms-positive-tabindex")),
}


def problem_key():
    """Build the SQL expression that names the problem a finding reports.

    A rule in EQUIVALENT_RULES gets its group's name. Any other rule gets
    ``rule@plugin``, which no group name contains, so sorting by the key
    still sorts by rule name first.
    """
    # Constants are inlined rather than bound, so the expression renders the same in SELECT and GROUP BY,
    # which PostgreSQL needs to match them. The names are fixed in this file and contain no quote.
    members = [
        (and_(Finding.plugin == literal_column(f"'{plugin}'"), Finding.rule == literal_column(f"'{rule}'")), literal_column(f"'{group}'"))
        for group, pairs in EQUIVALENT_RULES.items()
        for plugin, rule in pairs
    ]
    return case(*members, else_=Finding.rule + literal_column("'@'") + Finding.plugin)


def group_order(group: str, plugin: str, rule: str) -> int:
    """Return the position of (plugin, rule) in its group, so the group's first rule comes first."""
    pairs = EQUIVALENT_RULES.get(group, ())
    return pairs.index((plugin, rule)) if (plugin, rule) in pairs else len(pairs)
