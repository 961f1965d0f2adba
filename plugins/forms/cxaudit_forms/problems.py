"""A failed check in one form, before it becomes a stored finding."""

from __future__ import annotations

from dataclasses import dataclass, field

from cxaudit_forms.i18n import _

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


# Longer field names are shortened, at a word boundary, to this many characters.
NAME_LENGTH = 60


def quoted(text: str) -> str:
    """``text`` in the quotation marks of the current language („…” in Polish)."""
    return _("\"%(text)s\"", text=text)


def names_of(fields) -> str:
    """Return the quoted names of ``fields`` for a message, each chosen by ``describe``."""
    return ", ".join(quoted(describe(item)) for item in fields)


def describe(item) -> str:
    """Return the first of: the visible label, a label wired to the wrong element, the group's question, a code name."""
    stray = (item.stray_label or {}).get("text", "")
    question = (item.group or item.question) if item.is_choice else ""
    text = (item.label or stray or question or item.accessible_name or item.placeholder or item.name or item.id
            or item.selector)
    return shorten(text.strip().rstrip(":*").strip())


def shorten(text: str, length: int = NAME_LENGTH) -> str:
    """Cut ``text`` at the last word boundary within ``length`` characters and add an ellipsis."""
    if len(text) <= length:
        return text
    cut = text[:length]
    if " " in cut and not text[length].isspace():
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-–") + "…"
