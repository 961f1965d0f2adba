"""The `--fail-on` gate of `cxaudit scan`: which violations make a CI job fail."""

from __future__ import annotations

from cxaudit.audit import IMPACTS
from cxaudit.models import Outcome, Scan

# `cxaudit scan` exits with 0 when the scan finished, 1 when it failed, 2 for
# invalid options, and with this status when --fail-on found violations. The
# README documents all four for CI jobs.
EXIT_VIOLATIONS_FOUND = 3


def count_violations_at_or_above(scan: Scan, threshold: str) -> int:
    """Count the violations (rule results) of ``threshold`` impact or worse.

    Needs-review results never count. A violation without a known impact
    counts only at the lowest threshold, ``minor``, which means "any violation".
    """
    worst_allowed = IMPACTS.index(threshold)
    return sum(
        1
        for page in scan.pages
        for finding in page.findings
        if finding.outcome == Outcome.VIOLATION and _rank(finding.impact) <= worst_allowed
    )


def _rank(impact: str | None) -> int:
    # Unknown impacts rank with the lowest one, so `minor` catches them.
    return IMPACTS.index(impact) if impact in IMPACTS else len(IMPACTS) - 1
