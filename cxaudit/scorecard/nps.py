"""Net Promoter Score with its 95% confidence interval.

Scores run from 0 to 10. Promoters respond 9–10, passives 7–8 and detractors
0–6. NPS = 100 · (p − d), where p and d are the promoter and detractor shares.
Its variance is Var(NPS) = 100² · (p + d − (p − d)²) / n, so the 95% interval
is NPS ± 1.96 · sqrt(Var), clamped to the possible range [−100, 100].
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import case, func, select

from cxaudit.extensions import db
from cxaudit.models import Response, Survey, SurveyKind

# Two-sided 95% quantile of the standard normal distribution.
Z_95 = 1.96
# Below this many responses the normal approximation behind the interval is
# rough, so the scorecard warns the reader.
SMALL_SAMPLE_THRESHOLD = 30

PROMOTER_MIN = 9
PASSIVE_MIN = 7
SCORE_MIN = 0
SCORE_MAX = 10


@dataclass(frozen=True)
class NpsCounts:
    """Numbers of promoters, passives and detractors among valid responses."""

    promoters: int = 0
    passives: int = 0
    detractors: int = 0

    @property
    def responses(self) -> int:
        return self.promoters + self.passives + self.detractors


@dataclass(frozen=True)
class NpsResult:
    """An NPS with its 95% interval. ``score``, ``low``, ``high`` and ``margin`` are in points."""

    responses: int
    promoters: int
    passives: int
    detractors: int
    score: float
    margin: float
    low: float
    high: float
    small_sample: bool

    @property
    def small_sample_threshold(self) -> int:
        return SMALL_SAMPLE_THRESHOLD

    def to_dict(self) -> dict[str, Any]:
        values = asdict(self)
        for key in ("score", "margin", "low", "high"):
            values[key] = round(values[key], 2)
        values["confidence_level"] = 0.95
        values["small_sample_threshold"] = SMALL_SAMPLE_THRESHOLD
        return values


def classify_score(score: int) -> str:
    """Return "promoter", "passive" or "detractor" for a score from 0 to 10."""
    if not SCORE_MIN <= score <= SCORE_MAX:
        raise ValueError(f"NPS score must be from {SCORE_MIN} to {SCORE_MAX}, got {score}")
    if score >= PROMOTER_MIN:
        return "promoter"
    if score >= PASSIVE_MIN:
        return "passive"
    return "detractor"


def nps_margin(promoter_share: float, detractor_share: float, responses: int) -> float:
    """Return the half-width of the 95% interval, in NPS points."""
    if responses <= 0:
        raise ValueError(f"the margin needs at least one response, got {responses}")
    difference = promoter_share - detractor_share
    # Rounding can push the variance a hair below zero when every response falls in one group.
    variance = max(0.0, 100**2 * (promoter_share + detractor_share - difference**2) / responses)
    return Z_95 * math.sqrt(variance)


def nps_from_counts(counts: NpsCounts) -> NpsResult | None:
    """Compute the NPS and its interval, or return None when there are no responses."""
    responses = counts.responses
    if responses == 0:
        return None

    promoter_share = counts.promoters / responses
    detractor_share = counts.detractors / responses
    score = 100 * (promoter_share - detractor_share)
    margin = nps_margin(promoter_share, detractor_share, responses)
    return NpsResult(
        responses=responses,
        promoters=counts.promoters,
        passives=counts.passives,
        detractors=counts.detractors,
        score=score,
        margin=margin,
        low=max(-100.0, score - margin),
        high=min(100.0, score + margin),
        small_sample=responses < SMALL_SAMPLE_THRESHOLD,
    )


def count_nps_responses(institution_id: int) -> NpsCounts:
    """Count promoters, passives and detractors over the institution's NPS surveys.

    The database does the counting, so no response row is loaded. Scores
    outside 0–10 are left out.
    """

    def count_where(condition) -> Any:
        # CASE without ELSE yields NULL, which COUNT skips.
        return func.count(case((condition, 1)))

    score = Response.score
    query = (
        select(
            count_where(score >= PROMOTER_MIN),
            count_where((score >= PASSIVE_MIN) & (score < PROMOTER_MIN)),
            count_where(score < PASSIVE_MIN),
        )
        .select_from(Response)
        .join(Survey, Response.survey_id == Survey.id)
        .where(
            Survey.institution_id == institution_id,
            Survey.kind == SurveyKind.NPS,
            score.between(SCORE_MIN, SCORE_MAX),
        )
    )
    promoters, passives, detractors = db.session.execute(query).one()
    return NpsCounts(promoters=int(promoters), passives=int(passives), detractors=int(detractors))


def institution_nps(institution_id: int) -> NpsResult | None:
    """Return the institution's NPS over all its responses, or None when it has none."""
    return nps_from_counts(count_nps_responses(institution_id))
