"""The scorecard: every measured dimension of one institution in one object."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cxaudit.models import Institution
from cxaudit.scorecard.accessibility import AccessibilitySummary, summarise_accessibility
from cxaudit.scorecard.nps import NpsResult, institution_nps


@dataclass(frozen=True)
class Scorecard:
    """An institution's results. A dimension without data is None, never zero."""

    institution_slug: str
    institution_name: str
    language: str
    nps: NpsResult | None
    accessibility: AccessibilitySummary | None
    generated_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def to_dict(self) -> dict[str, Any]:
        """Return the scorecard as JSON-ready values; missing dimensions become None (JSON null)."""
        return {
            "institution": {"slug": self.institution_slug, "name": self.institution_name},
            "generated_at": self.generated_at.isoformat(),
            "language": self.language,
            "nps": self.nps.to_dict() if self.nps else None,
            "accessibility": self.accessibility.to_dict() if self.accessibility else None,
        }


def build_scorecard(institution: Institution, language: str) -> Scorecard:
    """Collect the institution's NPS and accessibility results, computed in the database."""
    return Scorecard(
        institution_slug=institution.slug,
        institution_name=institution.name,
        language=language,
        nps=institution_nps(institution.id),
        accessibility=summarise_accessibility(institution.id),
    )
