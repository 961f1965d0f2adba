"""Satisfaction figures of each survey kind, computed from a score histogram.

A histogram maps each score to its number of answers; the database returns it
with GROUP BY, so no answer is loaded one by one. Every figure comes with its
95% interval:

- NPS (0–10): see cxaudit.scorecard.nps;
- CSAT (1–5): the share of satisfied answers (4 or 5) with its Wilson
  interval, and the mean score;
- CES (1–7): the mean score with the normal interval mean ± 1.96·s/√n;
- "Was this page helpful?" (1 yes, 0 no): the share of "yes" with its Wilson interval.

Scores outside a kind's range are left out. Shares are in percent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from cxaudit.models import SCORE_RANGES, SurveyKind
from cxaudit.scorecard.intervals import mean_margin, wilson_interval
from cxaudit.scorecard.nps import SMALL_SAMPLE_THRESHOLD, NpsCounts, NpsResult, classify_score, nps_from_counts

CSAT_SATISFIED_MIN = 4
HELPFUL_YES = 1

# The order in which the scorecard shows the kinds.
KIND_ORDER = (SurveyKind.NPS, SurveyKind.CSAT, SurveyKind.CES, SurveyKind.HELPFUL)

Histogram = Mapping[int, int]


def _rounded(values: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    for key in keys:
        if values[key] is not None:
            values[key] = round(values[key], 2)
    values["confidence_level"] = 0.95
    values["small_sample_threshold"] = SMALL_SAMPLE_THRESHOLD
    return values


@dataclass(frozen=True)
class CsatResult:
    """CSAT: the share of answers 4 or 5 in percent with its 95% Wilson interval, and the mean score."""

    responses: int
    satisfied: int
    share: float
    low: float
    high: float
    mean: float
    small_sample: bool

    @property
    def small_sample_threshold(self) -> int:
        return SMALL_SAMPLE_THRESHOLD

    def to_dict(self) -> dict[str, Any]:
        return _rounded(asdict(self), ("share", "low", "high", "mean"))


@dataclass(frozen=True)
class CesResult:
    """CES: the mean score from 1 (hard) to 7 (easy) with its 95% interval.

    ``margin``, ``low`` and ``high`` are None with a single answer, which gives no spread.
    """

    responses: int
    mean: float
    margin: float | None
    low: float | None
    high: float | None
    small_sample: bool

    @property
    def small_sample_threshold(self) -> int:
        return SMALL_SAMPLE_THRESHOLD

    def to_dict(self) -> dict[str, Any]:
        return _rounded(asdict(self), ("mean", "margin", "low", "high"))


@dataclass(frozen=True)
class HelpfulResult:
    """"Was this page helpful?": the share of "yes" in percent with its 95% Wilson interval."""

    responses: int
    helpful: int
    share: float
    low: float
    high: float
    small_sample: bool

    @property
    def small_sample_threshold(self) -> int:
        return SMALL_SAMPLE_THRESHOLD

    def to_dict(self) -> dict[str, Any]:
        return _rounded(asdict(self), ("share", "low", "high"))


KindResult = NpsResult | CsatResult | CesResult | HelpfulResult


def valid_scores(kind: SurveyKind, histogram: Histogram) -> dict[int, int]:
    """Return the histogram without scores outside the kind's range and without empty scores."""
    lowest, highest = SCORE_RANGES[kind]
    return {score: count for score, count in histogram.items() if lowest <= score <= highest and count > 0}


def nps_result(histogram: Histogram) -> NpsResult | None:
    groups = {"promoter": 0, "passive": 0, "detractor": 0}
    for score, count in valid_scores(SurveyKind.NPS, histogram).items():
        groups[classify_score(score)] += count
    return nps_from_counts(
        NpsCounts(promoters=groups["promoter"], passives=groups["passive"], detractors=groups["detractor"])
    )


def csat_result(histogram: Histogram) -> CsatResult | None:
    scores = valid_scores(SurveyKind.CSAT, histogram)
    responses = sum(scores.values())
    if responses == 0:
        return None
    satisfied = sum(count for score, count in scores.items() if score >= CSAT_SATISFIED_MIN)
    interval = wilson_interval(satisfied, responses)
    return CsatResult(
        responses=responses,
        satisfied=satisfied,
        share=100 * satisfied / responses,
        low=100 * interval.low,
        high=100 * interval.high,
        mean=sum(score * count for score, count in scores.items()) / responses,
        small_sample=responses < SMALL_SAMPLE_THRESHOLD,
    )


def ces_result(histogram: Histogram) -> CesResult | None:
    scores = valid_scores(SurveyKind.CES, histogram)
    responses = sum(scores.values())
    if responses == 0:
        return None
    total = sum(score * count for score, count in scores.items())
    total_of_squares = sum(score * score * count for score, count in scores.items())
    mean = total / responses
    margin = mean_margin(responses, total, total_of_squares)
    lowest, highest = SCORE_RANGES[SurveyKind.CES]
    return CesResult(
        responses=responses,
        mean=mean,
        margin=margin,
        low=None if margin is None else max(lowest, mean - margin),
        high=None if margin is None else min(highest, mean + margin),
        small_sample=responses < SMALL_SAMPLE_THRESHOLD,
    )


def helpful_result(histogram: Histogram) -> HelpfulResult | None:
    scores = valid_scores(SurveyKind.HELPFUL, histogram)
    responses = sum(scores.values())
    if responses == 0:
        return None
    helpful = scores.get(HELPFUL_YES, 0)
    interval = wilson_interval(helpful, responses)
    return HelpfulResult(
        responses=responses,
        helpful=helpful,
        share=100 * helpful / responses,
        low=100 * interval.low,
        high=100 * interval.high,
        small_sample=responses < SMALL_SAMPLE_THRESHOLD,
    )


RESULT_BUILDERS = {
    SurveyKind.NPS: nps_result,
    SurveyKind.CSAT: csat_result,
    SurveyKind.CES: ces_result,
    SurveyKind.HELPFUL: helpful_result,
}


def kind_result(kind: SurveyKind, histogram: Histogram) -> KindResult | None:
    """Return the figures of ``kind`` from its score histogram, or None when it has no valid answer."""
    return RESULT_BUILDERS[kind](histogram)


def headline(result: KindResult) -> tuple[float, float | None, float | None]:
    """Return the figure a trend chart plots, with its interval ends: NPS, CSAT share, CES mean or helpful share."""
    if isinstance(result, NpsResult):
        return result.score, result.low, result.high
    if isinstance(result, CesResult):
        return result.mean, result.low, result.high
    return result.share, result.low, result.high
