"""Checks 1–4: names, visible labels, label in name and named groups."""

from __future__ import annotations

import re
from collections import defaultdict

from cxaudit_forms.i18n import _, ngettext
from cxaudit_forms.model import Field, Form
from cxaudit_forms.problems import Problem, names_of, quoted, shorten

MARKERS = re.compile(r"[*:\s]+$")


def check_labels(form: Form) -> list[Problem]:
    """Return the problems of checks 1 to 4 for ``form``."""
    fields = form.live_fields
    problems = []

    unnamed = [item for item in fields if not item.accessible_name]
    if unnamed:
        problems.append(Problem(
            "forms-field-no-name", "violation", "critical",
            ngettext("No accessible name: %(fields)s. A screen reader announces only the kind of field, not what to "
                     "enter. Connect a <label for> to the field, or name it with aria-labelledby.",
                     "No accessible name: %(fields)s. A screen reader announces only the kind of field, not what to "
                     "enter. Connect a <label for> to each field, or name it with aria-labelledby.",
                     len(unnamed), fields=names_of(unnamed)),
            wcag=["1.3.1", "4.1.2"], targets=[item.selector for item in unnamed], count=len(unnamed)))

    unlabelled = [item for item in fields if not item.label and not item.stray_label]
    problems.extend(miswired_labels([item for item in fields if not item.label and item.stray_label]))
    if unlabelled:
        problems.append(Problem(
            "forms-label-not-visible", "violation", "serious",
            ngettext("No visible label: %(fields)s. A placeholder, a title or a value that disappears while typing "
                     "is not a label. Show a <label> next to the field.",
                     "No visible label: %(fields)s. A placeholder, a title or a value that disappears while typing "
                     "is not a label. Show a <label> next to each field.",
                     len(unlabelled), fields=names_of(unlabelled)),
            wcag=["3.3.2"], targets=[item.selector for item in unlabelled], count=len(unlabelled)))

    mismatched = [item for item in fields if item.label and item.accessible_name and not label_in_name(item.label, item.accessible_name)]
    if mismatched:
        problems.append(Problem(
            "forms-label-not-in-name", "violation", "serious",
            ngettext("The accessible name does not contain the visible label: %(fields)s. People who use voice "
                     "control cannot say the label to reach the field. Start the aria-label with the visible words, "
                     "or use the label itself.",
                     "The accessible names do not contain the visible labels: %(fields)s. People who use voice "
                     "control cannot say a label to reach its field. Start each aria-label with the visible words, "
                     "or use the label itself.",
                     len(mismatched), fields=names_of(mismatched)),
            wcag=["2.5.3"], targets=[item.selector for item in mismatched], count=len(mismatched)))

    ungrouped = ungrouped_choices(form)
    if ungrouped:
        problems.append(Problem(
            "forms-group-unnamed", "violation", "moderate",
            ngettext("Choices not grouped under a name: %(groups)s. A screen reader reads each option without the "
                     "question. Put them in a <fieldset> whose <legend> is the question.",
                     "Groups of choices not grouped under a name: %(groups)s. A screen reader reads each option "
                     "without the question. Put each group in a <fieldset> whose <legend> is the question.",
                     len(ungrouped),
              groups=", ".join(quoted(shorten(group_name(name, members)))
                             for name, members in ungrouped.items())),
            wcag=["1.3.1"], targets=[item.selector for group in ungrouped.values() for item in group],
            count=len(ungrouped)))
    return problems


def miswired_labels(fields: list[Field]) -> list[Problem]:
    """Return one problem per field whose nearest visible label has a for= naming a missing element or another field."""
    problems = []
    for item in fields:
        stray = item.stray_label
        values = {"label": quoted(shorten(stray["text"].rstrip(":* "))), "target": stray["target"],
                  "field": quoted(item.name or item.id or item.selector), "id": item.id}
        if not stray["exists"]:
            message = _("The label %(label)s points to #%(target)s, which does not exist, so the field %(field)s "
                        "after it has no label. Set for=\"%(id)s\" on the label (give the field an id first if it "
                        "has none).", **values)
        else:
            message = _("The label %(label)s points to #%(target)s, another field, so the field %(field)s after it "
                        "has no label. Set for=\"%(id)s\" on the label (give the field an id first if it has none).",
                        **values)
        problems.append(Problem("forms-label-wrong-target", "violation", "serious", message,
                                wcag=["1.3.1", "3.3.2"], targets=[item.selector]))
    return problems


def label_in_name(label: str, name: str) -> bool:
    """Return whether the visible label, without trailing colons and asterisks, is part of the accessible name."""
    expected = " ".join(MARKERS.sub("", label).lower().split())
    return expected in " ".join(name.lower().split())


def group_name(name: str, members: list[Field]) -> str:
    """Return the visible question before a group of choices, or the group's code name when there is none."""
    question = next((member.question for member in members if member.question), "")
    return question.rstrip(":* ").strip() or name


def ungrouped_choices(form: Form) -> dict:
    """Radio buttons, and check boxes sharing a name, that are not inside a named group, by group name."""
    groups = defaultdict(list)
    for item in form.live_fields:
        if item.is_choice and item.name:
            groups[(item.type, item.name)].append(item)
    return {
        name: members
        for (kind, name), members in groups.items()
        if (kind == "radio" or len(members) > 1) and not any(member.group for member in members)
    }
