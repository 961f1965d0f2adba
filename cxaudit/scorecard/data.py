"""The scorecard: every measured dimension of one institution in one object."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask_babel import force_locale

from cxaudit.models import Institution
from cxaudit.scorecard.accessibility import AccessibilitySummary, summarise_accessibility
from cxaudit.scorecard.nps import NpsResult, institution_nps
from cxaudit.scorecard.response_times import ResponseTimes, institution_response_times
from cxaudit.scorecard.sections import PluginSections, collect_sections


@dataclass(frozen=True)
class Scorecard:
    """An institution's results. A dimension without data is None, never zero."""

    institution_slug: str
    institution_name: str
    language: str
    nps: NpsResult | None
    accessibility: AccessibilitySummary | None
    plugin_sections: PluginSections = field(default_factory=lambda: PluginSections([], []))
    response_times: ResponseTimes | None = None
    generated_at: datetime = field(default_factory=lambda: datetime.now(UTC))

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
            "response_times": self.response_times.to_dict() if self.response_times else None,
        }


def build_scorecard(institution: Institution, language: str) -> Scorecard:
    """Collect the institution's NPS, accessibility results and plugin sections.

    Plugin sections are built in ``language`` because their texts are
    translated when they are made.
    """
    with force_locale(language):
        plugin_sections = collect_sections(institution, language)
    return Scorecard(
        institution_slug=institution.slug,
        institution_name=institution.name,
        language=language,
        nps=institution_nps(institution.id),
        accessibility=summarise_accessibility(institution.id, plugin_sections.plugins_with_sections),
        plugin_sections=plugin_sections,
        response_times=institution_response_times(institution.id),
    )
