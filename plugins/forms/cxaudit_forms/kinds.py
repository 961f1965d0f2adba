"""The form label that starts every finding's help text, and its parser for the scorecard."""

from __future__ import annotations

import re

from flask_babel import force_locale

from cxaudit_forms.i18n import _, _l

KIND_LABELS = {
    "contact": _l("contact"),
    "newsletter": _l("newsletter"),
    "booking": _l("booking or ticket"),
    "search": _l("search"),
    "login": _l("login"),
    "other": _l("other"),
}
LANGUAGES = ("pl", "en")
# The rule of the inventory record stored for every form found, with or without problems.
INVENTORY_RULE = "forms-form"


def form_label(position: int, kind: str) -> str:
    """Build the prefix of every finding's help text, e.g. "Form 2 (contact)"."""
    return _("Form %(position)s (%(kind)s)", position=position, kind=str(KIND_LABELS[kind]))


def parse_form_label(help_text: str) -> tuple[int, str] | None:
    """Read the position and kind back from a help text written in any supported language.

    Only findings stored before findings had ``data`` need this.
    """
    for language in LANGUAGES:
        with force_locale(language):
            template = _("Form %(position)s (%(kind)s)")
            kinds = {str(label): kind for kind, label in KIND_LABELS.items()}
        pattern = re.escape(template).replace(re.escape("%(position)s"), r"(\d+)").replace(re.escape("%(kind)s"), "(.+?)")
        match = re.match(pattern + ":", help_text or "")
        if match and match.group(2) in kinds:
            return int(match.group(1)), kinds[match.group(2)]
    return None
