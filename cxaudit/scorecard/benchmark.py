"""An anonymised benchmark: how the institutions of this deployment score, per dimension.

For each dimension the benchmark gives the lower quartile, the median and
the upper quartile of the institutions that have data for it (the
"inclusive" method of Python's statistics.quantiles, which interpolates
between the sorted scores, like a spreadsheet's QUARTILE.INC). No name and
no single institution's score is shown, and a dimension appears only when
at least MIN_INSTITUTIONS institutions contribute, so no figure points to one
institution.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from statistics import quantiles
from typing import TYPE_CHECKING, Any

from flask_babel import force_locale
from sqlalchemy import select

from cxaudit.extensions import db
from cxaudit.models import Institution
from cxaudit.scorecard.accessibility import summarise_accessibility
from cxaudit.scorecard.funnels import build_funnels
from cxaudit.scorecard.response_times import institution_response_times
from cxaudit.scorecard.satisfaction_report import build_satisfaction_totals
from cxaudit.scorecard.sections import collect_sections

if TYPE_CHECKING:
    from cxaudit.scorecard.overall import DimensionScore
    from cxaudit.scorecard.periods import Period

MIN_INSTITUTIONS = 5


@dataclass(frozen=True)
class DimensionQuartiles:
    """The quartiles of one dimension over the institutions with data for it."""

    key: str
    label: str
    institutions: int
    lower_quartile: float
    median: float
    upper_quartile: float

    def to_dict(self) -> dict[str, Any]:
        values = asdict(self)
        for key in ("lower_quartile", "median", "upper_quartile"):
            values[key] = round(values[key], 2)
        return values


def quartiles(scores: list[float]) -> tuple[float, float, float]:
    """Return the lower quartile, median and upper quartile of at least two scores."""
    lower, median, upper = quantiles(scores, n=4, method="inclusive")
    return lower, median, upper


def build_benchmark(
    language: str, period: Period, known: Mapping[int, list[DimensionScore]] | None = None
) -> list[DimensionQuartiles]:
    """Score every institution of the deployment and return the quartiles of each dimension with enough of them.

    ``known`` maps institution ids to dimension scores already computed for
    this period, such as those of the scorecard being built, so they are not
    computed twice. Returns an empty list when fewer than MIN_INSTITUTIONS
    institutions exist, without scoring any.
    """
    institutions = db.session.scalars(select(Institution).order_by(Institution.id)).all()
    if len(institutions) < MIN_INSTITUTIONS:
        return []

    scores: dict[str, list[float]] = defaultdict(list)
    labels: dict[str, str] = {}
    known = known or {}
    for institution in institutions:
        dimensions = known.get(institution.id)
        if dimensions is None:
            dimensions = benchmark_dimensions(institution, language, period)
        for dimension in dimensions:
            labels[dimension.key] = dimension.label
            if dimension.score is not None:
                scores[dimension.key].append(dimension.score)

    return [
        DimensionQuartiles(key, label, len(scores[key]), *quartiles(scores[key]))
        for key, label in labels.items()
        if len(scores[key]) >= MIN_INSTITUTIONS
    ]


def benchmark_dimensions(institution: Institution, language: str, period: Period) -> list[DimensionScore]:
    """Score one institution's dimensions in ``period`` from only the figures the scores read.

    The scores equal those of the institution's full scorecard, but the
    satisfaction trend, the breakdowns, the previous period, the previous
    scans and the fixes are not computed, because no score reads them.
    """
    # Imported here: these modules import this one through cxaudit.scorecard.data.
    from cxaudit.scorecard.data import Scorecard
    from cxaudit.scorecard.overall import score_dimensions

    with force_locale(language):
        plugin_sections = collect_sections(institution, language)
        accessibility = summarise_accessibility(institution.id, plugin_sections.plugins_with_sections)
        scorecard = Scorecard(
            institution_slug=institution.slug,
            institution_name=institution.name,
            language=language,
            nps=None,
            accessibility=accessibility,
            plugin_sections=plugin_sections,
            period=period,
            satisfaction=build_satisfaction_totals(institution.id, period),
            funnels=build_funnels(institution.id, period, with_previous=False),
            response_times=institution_response_times(institution.id, period),
        )
        return score_dimensions(institution, scorecard, with_previous=False)
