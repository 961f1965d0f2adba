"""A failed check in one form, before it becomes a stored finding."""

from __future__ import annotations

from dataclasses import dataclass, field

# The help link is the W3C "Understanding" page of the first criterion, or the
# named source for checks outside WCAG.
UNDERSTANDING = "https://www.w3.org/WAI/WCAG22/Understanding/"
CRITERIA_PAGES = {
    "1.1.1": "non-text-content", "1.3.1": "info-and-relationships", "1.3.5": "identify-input-purpose",
    "2.1.1": "keyboard", "2.4.3": "focus-order", "2.4.7": "focus-visible", "2.5.3": "label-in-name",
    "3.3.1": "error-identification", "3.3.2": "labels-or-instructions", "3.3.3": "error-suggestion",
    "3.3.7": "redundant-entry", "4.1.2": "name-role-value", "4.1.3": "status-messages",
}
GDPR_URL = "https://eur-lex.europa.eu/eli/reg/2016/679/oj"
BAYMARD_URL = "https://baymard.com/blog/checkout-flow-average-form-fields"
HTML_INPUT_URL = "https://html.spec.whatwg.org/multipage/input.html#email-state-(type=email)"


@dataclass(frozen=True)
class Problem:
    """A failed check in one form; ``targets`` are the selectors of the fields concerned."""

    rule: str
    outcome: str
    impact: str
    message: str
    wcag: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    count: int = 1
    source_url: str | None = None

    @property
    def help_url(self) -> str | None:
        if self.source_url:
            return self.source_url
        for criterion in self.wcag:
            if criterion in CRITERIA_PAGES:
                return UNDERSTANDING + CRITERIA_PAGES[criterion]
        return None


def names_of(fields) -> str:
    """Name fields for a message: their visible label, accessible name, name or id."""
    return ", ".join(f"\"{describe(item)}\"" for item in fields)


def describe(item) -> str:
    text = item.label or item.accessible_name or item.placeholder or item.name or item.id or item.selector
    return text.rstrip(":*").strip()[:60]
