"""One overall score from the dimensions that have data, and its comparison
with the previous period.

A dimension is a part of the service scored from 0 to 100: satisfaction,
accessibility, forms, the accessibility declaration, funnel completion and
the share of inquiries answered within one business day.
Each is registered once in DIMENSIONS with a default weight and a function
that reads its current and previous value from what the scorecard already
computed, so a new measure plugs in with one ``register_dimension`` call.

overall = Σ weight · score / Σ weight, over the dimensions with data and a
weight above zero. A dimension without data is shown as "no data" and left
out of both sums, never counted as zero. Without any such dimension there
is no overall score. Weights come from the CXAUDIT_SCORECARD_WEIGHTS setting
(JSON, merged over the defaults) and bands from CXAUDIT_SCORECARD_BANDS.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from statistics import fmean
from typing import TYPE_CHECKING, Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from cxaudit.forms import InvalidValue
from cxaudit.scorecard.accessibility import previous_accessibility_score
from cxaudit.scorecard.nps import NpsResult
from cxaudit.scorecard.response_times import institution_response_times
from cxaudit.scorecard.satisfaction import CesResult, KindResult
from cxaudit.scorecard.sections import PluginSections, collect_sections, previous_scans

if TYPE_CHECKING:
    from cxaudit.models import Institution
    from cxaudit.scorecard.data import Scorecard

# Lower bounds of each band; the first band starts at 0.
DEFAULT_BANDS = {"poor": 0, "fair": 50, "good": 75, "very_good": 90}
BAND_LABELS = {
    "poor": _l("poor"),
    "fair": _l("fair"),
    "good": _l("good"),
    "very_good": _l("very good"),
}
# Comparison baseline of each dimension: audit results with the previous
# finished scan, survey responses with the previous period of the same length.
PREVIOUS_SCAN = "previous_scan"
PREVIOUS_PERIOD = "previous_period"


@dataclass
class MeasureContext:
    """The figures a dimension reads. Plugin sections of the previous scans are built on first use."""

    institution: Institution
    scorecard: Scorecard
    # False skips the comparison, for the benchmark, which needs current values only.
    with_previous: bool = True

    @cached_property
    def previous_sections(self) -> PluginSections:
        scans = previous_scans(self.institution) if self.with_previous else []
        if not scans:
            return PluginSections([], [])
        # Plugins translate their texts as they build them.
        with force_locale(self.scorecard.language):
            return collect_sections(self.institution, self.scorecard.language, scans=scans)


Measure = Callable[[MeasureContext], tuple[float | None, float | None]]


@dataclass(frozen=True)
class Dimension:
    """A registered dimension: its key, label, default weight, comparison and how to measure it."""

    key: str
    label: Any
    default_weight: float
    compared_with: str
    measure: Measure


@dataclass(frozen=True)
class DimensionScore:
    """One dimension's score now and before. ``score`` None means no data."""

    key: str
    label: str
    weight: float
    compared_with: str
    score: float | None
    previous: float | None
    band: str | None
    # False when the previous scan measured something else (scan_changes.py), so no change is shown.
    like_for_like: bool = True

    @property
    def change(self) -> float | None:
        if self.score is None or self.previous is None or not self.like_for_like:
            return None
        return self.score - self.previous

    def to_dict(self) -> dict[str, Any]:
        change = self.change
        return {
            "key": self.key,
            "label": self.label,
            "weight": self.weight,
            "compared_with": self.compared_with,
            "score": _rounded(self.score),
            "previous": _rounded(self.previous),
            "change": _rounded(change),
            "band": self.band,
            "like_for_like": self.like_for_like,
        }


@dataclass(frozen=True)
class OverallScore:
    """The weighted mean of the dimensions with data, and the dimensions it covers."""

    score: float
    band: str
    covered: list[str]
    not_covered: list[str]
    # Both computed over the dimensions with data now and before, so a
    # dimension that gained data does not count as a change.
    previous: float | None = None
    comparable: list[str] = field(default_factory=list)
    change: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": _rounded(self.score),
            "band": self.band,
            "covered": self.covered,
            "not_covered": self.not_covered,
            "previous": _rounded(self.previous),
            "comparable": self.comparable,
            "change": _rounded(self.change),
        }


DIMENSIONS: dict[str, Dimension] = {}


def register_dimension(dimension: Dimension) -> None:
    """Add a dimension to the overall score; the key must be new."""
    if dimension.key in DIMENSIONS:
        raise ValueError(f"scorecard dimension {dimension.key!r} is already registered")
    DIMENSIONS[dimension.key] = dimension


def satisfaction_points(result: KindResult) -> float:
    """Put a satisfaction figure on the 0–100 scale.

    NPS −100…100 becomes (NPS + 100) / 2, the CES mean 1…7 becomes
    (mean − 1) / 6 · 100, and CSAT and "helpful" shares are already percent.
    """
    if isinstance(result, NpsResult):
        return (result.score + 100) / 2
    if isinstance(result, CesResult):
        return (result.mean - 1) / 6 * 100
    return result.share


def _mean_or_none(values: list[float]) -> float | None:
    return fmean(values) if values else None


def _measure_satisfaction(context: MeasureContext) -> tuple[float | None, float | None]:
    report = context.scorecard.satisfaction
    if report is None:
        return None, None
    current = [satisfaction_points(kind.current) for kind in report.kinds if kind.current]
    previous = [satisfaction_points(kind.previous) for kind in report.kinds if kind.previous]
    return _mean_or_none(current), _mean_or_none(previous)


def _measure_accessibility(context: MeasureContext) -> tuple[float | None, float | None]:
    summary = context.scorecard.accessibility
    if summary is None or summary.score is None:
        return None, None
    if not context.with_previous:
        return summary.score, None
    excluded = context.scorecard.plugin_sections.plugins_with_sections
    return summary.score, previous_accessibility_score(context.institution.id, excluded)


def _section_score(sections: PluginSections, key: str) -> float | None:
    return next((section.score for _plugin, section in sections.sections if section.key == key), None)


def _plugin_measure(key: str) -> Measure:
    """Measure the score of the plugin section ``key``, before and now."""

    def measure(context: MeasureContext) -> tuple[float | None, float | None]:
        current = _section_score(context.scorecard.plugin_sections, key)
        if current is None:
            return None, None
        return current, _section_score(context.previous_sections, key)

    return measure


def _measure_funnels(context: MeasureContext) -> tuple[float | None, float | None]:
    funnels = context.scorecard.funnels
    current = [funnel.current.completion_rate for funnel in funnels if funnel.current]
    previous = [funnel.previous.completion_rate for funnel in funnels if funnel.previous]
    return _mean_or_none(current), _mean_or_none(previous)


def _measure_response_times(context: MeasureContext) -> tuple[float | None, float | None]:
    """Score the share of inquiries answered within one business day, in percent."""
    current = context.scorecard.response_times
    if current is None:
        return None, None
    previous = None
    if context.with_previous:
        previous = institution_response_times(context.institution.id, context.scorecard.period.previous())
    return 100 * current.overall.share_within_business_day, (
        100 * previous.overall.share_within_business_day if previous else None
    )


register_dimension(Dimension("satisfaction", _l("Visitor satisfaction"), 30, PREVIOUS_PERIOD, _measure_satisfaction))
register_dimension(Dimension("accessibility", _l("Accessibility"), 30, PREVIOUS_SCAN, _measure_accessibility))
register_dimension(Dimension("forms", _l("Forms"), 10, PREVIOUS_SCAN, _plugin_measure("forms")))
register_dimension(Dimension("declaration", _l("Accessibility declaration"), 10, PREVIOUS_SCAN, _plugin_measure("declaration")))
register_dimension(Dimension("funnels", _l("Funnel completion"), 10, PREVIOUS_PERIOD, _measure_funnels))
register_dimension(
    Dimension("response_times", _l("Answers within one business day"), 10, PREVIOUS_PERIOD, _measure_response_times)
)


def configured_weights(setting: Any) -> dict[str, float]:
    """Return every dimension's weight: the defaults with the setting's values over them.

    :raises InvalidValue: naming the bad key or value and the fix.
    """
    weights = {key: float(dimension.default_weight) for key, dimension in DIMENSIONS.items()}
    for key, value in _json_object(setting, "CXAUDIT_SCORECARD_WEIGHTS").items():
        if key not in DIMENSIONS:
            raise InvalidValue(
                _(
                    "CXAUDIT_SCORECARD_WEIGHTS names an unknown dimension “%(key)s”. Use these: %(choices)s.",
                    key=key,
                    choices=", ".join(DIMENSIONS),
                )
            )
        if not _is_number(value) or value < 0:
            raise InvalidValue(
                _(
                    "The weight of “%(key)s” in CXAUDIT_SCORECARD_WEIGHTS is %(value)s. Give a number of 0 or more.",
                    key=key,
                    value=json.dumps(value),
                )
            )
        weights[key] = float(value)
    return weights


def configured_bands(setting: Any) -> dict[str, float]:
    """Return the lower bound of each band, the defaults with the setting's values over them.

    :raises InvalidValue: when a band is unknown, a bound is not a number from 0 to 100, or the bounds do not rise.
    """
    bands = {key: float(value) for key, value in DEFAULT_BANDS.items()}
    for key, value in _json_object(setting, "CXAUDIT_SCORECARD_BANDS").items():
        if key not in DEFAULT_BANDS:
            raise InvalidValue(
                _(
                    "CXAUDIT_SCORECARD_BANDS names an unknown band “%(key)s”. Use these: %(choices)s.",
                    key=key,
                    choices=", ".join(DEFAULT_BANDS),
                )
            )
        if not _is_number(value) or not 0 <= value <= 100:
            raise InvalidValue(
                _(
                    "The lower bound of “%(key)s” in CXAUDIT_SCORECARD_BANDS is %(value)s. Give a number from 0 to 100.",
                    key=key,
                    value=json.dumps(value),
                )
            )
        bands[key] = float(value)

    bounds = list(bands.values())
    if bounds[0] != 0 or any(lower >= upper for lower, upper in zip(bounds, bounds[1:], strict=False)):
        raise InvalidValue(
            _(
                "The bands in CXAUDIT_SCORECARD_BANDS must start at 0 and rise in this order: %(order)s.",
                order=", ".join(bands),
            )
        )
    return bands


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _json_object(setting: Any, name: str) -> Mapping[str, Any]:
    """Read a setting given as a JSON object, or as a dict by the instance file; empty means none."""
    if setting in (None, ""):
        return {}
    if isinstance(setting, str):
        try:
            setting = json.loads(setting)
        except ValueError:
            setting = None
    if not isinstance(setting, Mapping):
        raise InvalidValue(
            _('%(name)s must be a JSON object such as {"accessibility": 40}.', name=name)
        )
    return setting


def band_of(score: float, bands: Mapping[str, float]) -> str:
    """Return the key of the highest band whose lower bound the score reaches."""
    reached = [key for key, lower in bands.items() if score >= lower]
    return reached[-1] if reached else next(iter(bands))


def band_label(key: str | None) -> str:
    return str(BAND_LABELS[key]) if key else ""


def weighted_mean(values: Mapping[str, float], weights: Mapping[str, float]) -> float | None:
    """Return Σ weight · value / Σ weight over the keys with a positive weight, or None without any."""
    keys = [key for key in values if weights.get(key, 0) > 0]
    total = sum(weights[key] for key in keys)
    if not keys:
        return None
    return sum(weights[key] * values[key] for key in keys) / total


def score_dimensions(institution: Institution, scorecard: Scorecard, with_previous: bool = True) -> list[DimensionScore]:
    """Measure every registered dimension for the scorecard, in registry order."""
    weights = configured_weights(current_app.config.get("SCORECARD_WEIGHTS"))
    bands = configured_bands(current_app.config.get("SCORECARD_BANDS"))
    context = MeasureContext(institution=institution, scorecard=scorecard, with_previous=with_previous)
    # Scans with other settings measured something else, so audit dimensions are not compared.
    scans_changed = bool(scorecard.scan_changes)

    scores = []
    for key, dimension in DIMENSIONS.items():
        current, previous = dimension.measure(context)
        scores.append(
            DimensionScore(
                key=key,
                label=str(dimension.label),
                weight=weights[key],
                compared_with=dimension.compared_with,
                score=current,
                previous=previous,
                band=band_of(current, bands) if current is not None else None,
                like_for_like=not (scans_changed and dimension.compared_with == PREVIOUS_SCAN),
            )
        )
    return scores


def overall_score(dimensions: list[DimensionScore]) -> OverallScore | None:
    """Combine the dimensions with data and a positive weight, or return None when there are none."""
    weights = {dimension.key: dimension.weight for dimension in dimensions}
    current = {dimension.key: dimension.score for dimension in dimensions if dimension.score is not None}
    score = weighted_mean(current, weights)
    if score is None:
        return None

    covered = [key for key in current if weights[key] > 0]
    comparable = [dimension.key for dimension in dimensions if dimension.key in covered and dimension.change is not None]
    previous = {dimension.key: dimension.previous for dimension in dimensions if dimension.key in comparable}
    previous_score = weighted_mean(previous, weights)
    change = None
    if previous_score is not None:
        change = weighted_mean({key: current[key] for key in comparable}, weights) - previous_score

    bands = configured_bands(current_app.config.get("SCORECARD_BANDS"))
    return OverallScore(
        score=score,
        band=band_of(score, bands),
        covered=covered,
        not_covered=[dimension.key for dimension in dimensions if dimension.key not in covered],
        previous=previous_score,
        comparable=comparable,
        change=change,
    )


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)

