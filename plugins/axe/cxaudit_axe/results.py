"""Turning axe-core results into cxaudit findings."""

from __future__ import annotations

import re
from typing import Any

from cxaudit.audit import AuditFinding

# axe names a WCAG success criterion "wcag" + principle digit + guideline digit
# + criterion number: wcag111 is 1.1.1, wcag1410 is 1.4.10, wcag2411 is 2.4.11.
# Level tags such as wcag2aa or wcag21a end in letters and do not match.
WCAG_CRITERION_TAG = re.compile(r"^wcag(\d)(\d)(\d+)$")

# Separates the parts of an element's address that axe gives as a list: one
# selector per iframe level or shadow root, each inside the previous one.
TARGET_SEPARATOR = " >>> "

OUTCOMES = {"violations": "violation", "incomplete": "needs-review"}

# Reported as frame-not-tested findings by cxaudit_axe.untested instead.
FRAME_TESTED_RULE = "frame-tested"


def wcag_criteria(tags: list[str]) -> list[str]:
    """Return the WCAG success criteria named in axe ``tags``, such as ``["1.4.10"]``."""
    criteria = []
    for tag in tags:
        match = WCAG_CRITERION_TAG.match(tag)
        if match:
            criteria.append(".".join(match.groups()))
    return criteria


def flatten_target(target: Any) -> str:
    """Join an axe node target into one string.

    A target is a list with one entry per frame level. Each entry is a
    selector, or a list of selectors when the element is in shadow DOM.
    """
    if isinstance(target, str):
        return target
    return TARGET_SEPARATOR.join(flatten_target(part) for part in target)


def findings_from_results(results: dict[str, Any]) -> list[AuditFinding]:
    """Map axe ``violations`` to violations and ``incomplete`` to needs-review findings.

    The ``frame-tested`` rule is left out: its results are not about the page
    but about frames axe-core could not reach.
    """
    findings = []
    for result_type, outcome in OUTCOMES.items():
        for rule in results.get(result_type) or []:
            if rule["id"] == FRAME_TESTED_RULE:
                continue
            nodes = rule.get("nodes") or []
            findings.append(
                AuditFinding(
                    rule=rule["id"],
                    outcome=outcome,
                    impact=rule.get("impact"),
                    wcag=wcag_criteria(rule.get("tags") or []),
                    count=len(nodes),
                    targets=[flatten_target(node.get("target") or []) for node in nodes],
                    help=rule.get("help"),
                    help_url=rule.get("helpUrl"),
                )
            )
    return findings
