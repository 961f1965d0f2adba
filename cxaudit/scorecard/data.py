"""The scorecard: every measured dimension of one institution in one object."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from flask_babel import force_locale

from cxaudit.models import Institution, SurveyKind
from cxaudit.models.inquiry import REPORTING_TIME_ZONE
from cxaudit.scorecard.accessibility import AccessibilitySummary, summarise_accessibility
from cxaudit.scorecard.benchmark import DimensionQuartiles, build_benchmark
from cxaudit.scorecard.fixes import Fix, top_fixes
from cxaudit.scorecard.funnels import FunnelResult, build_funnels
from cxaudit.scorecard.nps import NpsResult
from cxaudit.scorecard.overall import DimensionScore, OverallScore, overall_score, score_dimensions
from cxaudit.scorecard.periods import Period, parse_period
from cxaudit.scorecard.response_times import ResponseTimes, institution_response_times
from cxaudit.scorecard.satisfaction_report import SatisfactionReport, build_satisfaction
from cxaudit.scorecard.scan_changes import SettingChange, scan_setting_changes
from cxaudit.scorecard.sections import PluginSections, collect_sections


@dataclass(frozen=True)
class Scorecard:
    """An institution's results. A dimension without data is None, never zero.

    Survey and funnel figures cover ``period``; ``nps`` is the NPS of every
    NPS survey in that period. Accessibility uses the latest finished scans.
    """

    institution_slug: str
    institution_name: str
    language: str
    nps: NpsResult | None
    accessibility: AccessibilitySummary | None
    plugin_sections: PluginSections = field(default_factory=lambda: PluginSections([], []))
    response_times: ResponseTimes | None = None
    generated_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    period: Period = field(default_factory=lambda: parse_period(None))
    satisfaction: SatisfactionReport | None = None
    funnels: list[FunnelResult] = field(default_factory=list)
    # The overall score and its parts; overall is None when no dimension has data.
    dimensions: list[DimensionScore] = field(default_factory=list)
    overall: OverallScore | None = None
    fixes: list[Fix] = field(default_factory=list)
    # Empty unless enough institutions contribute to a dimension.
    benchmark: list[DimensionQuartiles] = field(default_factory=list)
    # Settings that differ from each site's previous scan; any makes the audit comparison not like for like.
    scan_changes: list[SettingChange] = field(default_factory=list)

    @property
    def generated_at_local(self) -> datetime:
        """The time the scorecard was built, in Warsaw time like its periods."""
        return self.generated_at.astimezone(REPORTING_TIME_ZONE)

    def to_dict(self) -> dict[str, Any]:
        """Return the scorecard as JSON-ready values; missing dimensions become None (JSON null)."""
        return {
            "institution": {"slug": self.institution_slug, "name": self.institution_name},
            "generated_at": self.generated_at.isoformat(),
            "language": self.language,
            "nps": self.nps.to_dict() if self.nps else None,
            "accessibility": self.accessibility.to_dict() if self.accessibility else None,
            "sections": self.plugin_sections.to_list(),
            "errored_plugins": self.plugin_sections.errored_plugins,
            "period": self.period.to_dict(),
            "previous_period": self.period.previous().to_dict(),
            "satisfaction": self.satisfaction.to_dict() if self.satisfaction else None,
            "funnels": [funnel.to_dict() for funnel in self.funnels],
            "overall": self.overall.to_dict() if self.overall else None,
            "dimensions": [dimension.to_dict() for dimension in self.dimensions],
            "fixes": [fix.to_dict() for fix in self.fixes],
            "benchmark": [item.to_dict() for item in self.benchmark],
            "response_times": self.response_times.to_dict() if self.response_times else None,
            "scan_changes": [change.to_dict() for change in self.scan_changes],
        }


def build_scorecard(
    institution: Institution,
    language: str,
    period: Period | None = None,
    with_benchmark: bool = True,
    with_previous: bool = True,
    page_groups: bool = True,
) -> Scorecard:
    """Collect the institution's survey and funnel figures for ``period`` (by default
    the last 30 days), its accessibility results and plugin sections.

    Plugin sections are built in ``language`` because their texts are
    translated when they are made. ``with_benchmark`` and ``with_previous``
    add the benchmark and the comparison with the previous scans.
    ``page_groups`` adds the satisfaction figures per page group, which the
    PDF leaves out (``needs_page_groups`` in cxaudit.scorecard.render).
    """
    period = period or parse_period(None)
    with force_locale(language):
        plugin_sections = collect_sections(institution, language)
        # Rule descriptions are translated into the scorecard's language as they are read.
        accessibility = summarise_accessibility(institution.id, plugin_sections.plugins_with_sections)
    satisfaction = build_satisfaction(institution.id, period, page_groups)
    nps_figures = satisfaction.for_kind(SurveyKind.NPS) if satisfaction else None
    scorecard = Scorecard(
        institution_slug=institution.slug,
        institution_name=institution.name,
        language=language,
        nps=nps_figures.current if nps_figures else None,
        accessibility=accessibility,
        plugin_sections=plugin_sections,
        period=period,
        satisfaction=satisfaction,
        funnels=build_funnels(institution.id, period),
        response_times=institution_response_times(institution.id, period),
    )
    return _with_scores(institution, scorecard, with_benchmark, with_previous)


def _with_scores(institution: Institution, scorecard: Scorecard, with_benchmark: bool, with_previous: bool) -> Scorecard:
    """Add the fixes, the dimension scores, the overall score and the benchmark, in the scorecard's language.

    Dimensions read the figures built before.
    """
    with force_locale(scorecard.language):
        fixes = top_fixes(institution.id)
        if with_previous:
            scorecard = replace(scorecard, scan_changes=scan_setting_changes(institution))
        dimensions = score_dimensions(institution, scorecard, with_previous=with_previous)
        benchmark = build_benchmark(scorecard.language, scorecard.period, {institution.id: dimensions}) if with_benchmark else []
    return replace(scorecard, fixes=fixes, dimensions=dimensions, overall=overall_score(dimensions), benchmark=benchmark)
