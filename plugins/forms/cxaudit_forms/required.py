"""Check 6: required fields are marked in code and on screen, consistently, and an asterisk is explained."""

from __future__ import annotations

import re

from cxaudit_forms.i18n import _, ngettext
from cxaudit_forms.model import Form
from cxaudit_forms.problems import Problem, names_of

REQUIRED_WORDS = re.compile(r"wymagan|obowiązk|obowiazk|required|mandatory", re.IGNORECASE)
ALL_REQUIRED = re.compile(r"wszystkie pola (są |sa )?(wymagane|obowiązkowe)|all fields are (required|mandatory)", re.IGNORECASE)
ASTERISK_EXPLAINED = re.compile(
    r"\*[^*]{0,60}(wymag|obowiązk|obowiazk|required|mandatory)|(wymag|obowiązk|obowiazk|required|mandatory)[^*]{0,60}\*",
    re.IGNORECASE)


def check_required(form: Form) -> list[Problem]:
    """Return the problems of required-field marking in ``form``."""
    fields = [item for item in form.live_fields if item.type != "radio" or item.name]
    free_text = form.text
    for item in fields:
        if item.label:
            free_text = free_text.replace(item.label, " ")
    all_required = bool(ALL_REQUIRED.search(free_text))
    marked = [item for item in fields if all_required or "*" in item.label or REQUIRED_WORDS.search(item.label)]
    problems = []

    not_coded = [item for item in marked if not item.required]
    if not_coded:
        problems.append(Problem(
            "forms-required-not-programmatic", "violation", "serious",
            ngettext("Marked as required on screen but not in the code: %(fields)s. A screen reader does not say "
                     "\"required\". Add the required attribute (or aria-required=\"true\").",
                     "Marked as required on screen but not in the code: %(fields)s. A screen reader does not say "
                     "\"required\". Add the required attribute (or aria-required=\"true\") to each.",
                     len(not_coded), fields=names_of(not_coded)),
            wcag=["1.3.1", "3.3.2"], targets=[item.selector for item in not_coded], count=len(not_coded)))

    not_shown = [item for item in fields if item.required and item not in marked]
    if not_shown:
        problems.append(Problem(
            "forms-required-not-visible", "violation", "serious",
            ngettext("Required in the code but not marked on screen: %(fields)s. Mark the field as required in its "
                     "label, e.g. with an asterisk explained above the form.",
                     "Required in the code but not marked on screen: %(fields)s. Mark each required field in its "
                     "label, e.g. with an asterisk explained above the form.",
                     len(not_shown), fields=names_of(not_shown)),
            wcag=["3.3.2"], targets=[item.selector for item in not_shown], count=len(not_shown)))

    starred = [item for item in fields if "*" in item.label]
    if starred and not ASTERISK_EXPLAINED.search(free_text):
        problems.append(Problem(
            "forms-required-asterisk-unexplained", "violation", "moderate",
            ngettext("Marked with an asterisk that the form does not explain: %(fields)s. Add a line such as "
                     "\"Fields marked * are required\" before the fields.",
                     "Marked with an asterisk that the form does not explain: %(fields)s. Add a line such as "
                     "\"Fields marked * are required\" before the fields.",
                     len(starred), fields=names_of(starred)),
            wcag=["3.3.2"], targets=[item.selector for item in starred], count=len(starred)))

    styles = {("*" in item.label, bool(REQUIRED_WORDS.search(item.label))) for item in fields if item.required and item in marked}
    if not all_required and len(styles) > 1:
        problems.append(Problem(
            "forms-required-inconsistent", "needs-review", "moderate",
            _("Required fields are marked in different ways (an asterisk on some, a word on others). Mark them all "
              "the same way."),
            wcag=["3.3.2"], targets=[item.selector for item in fields if item.required]))
    return problems
