"""The forms score: each form starts at 100 and loses points per failed check, by impact."""

from __future__ import annotations

from collections.abc import Iterable

# Points lost once per failed rule in a form (not per field), by impact.
IMPACT_WEIGHTS = {"critical": 25, "serious": 15, "moderate": 8, "minor": 3}
# A result a person must confirm counts half.
REVIEW_FACTOR = 0.5
# Rules that report a check that could not run, not a worse form.
UNSCORED_RULES = frozenset({"forms-errors-not-tested"})


def rule_penalty(rule: str, outcome: str, impact: str | None) -> float:
    if rule in UNSCORED_RULES:
        return 0.0
    weight = IMPACT_WEIGHTS.get(impact or "minor", IMPACT_WEIGHTS["minor"])
    return weight * (REVIEW_FACTOR if outcome == "needs-review" else 1.0)


def form_score(results: Iterable[tuple[str, str, str | None]]) -> float:
    """Score one form from its ``(rule, outcome, impact)`` results; each rule counts once, at its worst."""
    worst: dict[str, float] = {}
    for rule, outcome, impact in results:
        worst[rule] = max(worst.get(rule, 0.0), rule_penalty(rule, outcome, impact))
    return max(0.0, 100.0 - sum(worst.values()))


def mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None
