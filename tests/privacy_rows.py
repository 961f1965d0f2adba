"""An institution with a row in every table it owns, for retention, export and deletion tests."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from cxaudit.extensions import db
from cxaudit.models import (
    Finding,
    Funnel,
    FunnelEvent,
    Channel,
    Inquiry,
    InquirySettings,
    InquirySource,
    Institution,
    Outcome,
    PageResult,
    PageStatus,
    Response,
    Scan,
    ScanStatus,
    Site,
    Survey,
    SurveyKind,
)

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
OLD = datetime(2025, 1, 10, 12, 0, tzinfo=UTC)
RECENT = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
FORMULA_COMMENT = '=HYPERLINK("http://attacker.invalid","click")'

OWNED_MODELS = (Institution, Site, Scan, PageResult, Finding, Survey, Response, FunnelEvent, Funnel, Inquiry, InquirySettings)


def add_institution(slug: str, retention_months: int | None = None) -> None:
    """Store an institution owning one site, scan, page, finding, survey, funnel
    and inquiry settings, and an old and a recent answer, funnel event and inquiry."""
    institution = Institution(slug=slug, name=f"Muzeum {slug}", retention_months=retention_months)
    site = Site(institution=institution, base_url=f"https://{slug}.example/")
    scan = Scan(site=site, url=site.base_url, status=ScanStatus.FINISHED)
    page = PageResult(scan=scan, url=site.base_url, status=PageStatus.AUDITED)
    page.findings.append(Finding(plugin="axe", rule="image-alt", outcome=Outcome.VIOLATION, targets=["img"]))
    survey = Survey(institution=institution, kind=SurveyKind.NPS, allowed_origins=[f"https://{slug}.example"])
    db.session.add_all([scan, page, survey, Funnel(institution=institution, name="Rezerwacja", steps=["a", "b"])])
    db.session.flush()
    for moment, comment in ((OLD, FORMULA_COMMENT), (RECENT, "Dobra obsługa")):
        db.session.add(Response(survey=survey, score=9, comment=comment, language="pl", received_at=moment))
        db.session.add(FunnelEvent(survey_id=survey.id, session_id="session-1", step="a", occurred_at=moment))
        inquiry = Inquiry(institution=institution, external_key=f"T-{moment:%Y%m%d}", channel=Channel.EMAIL, source=InquirySource.CSV)
        inquiry.set_times(moment, None, None)
        db.session.add(inquiry)
    db.session.add(InquirySettings(institution=institution, own_addresses=[f"@{slug}.example"]))
    db.session.commit()


def row_count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def counts() -> dict[str, int]:
    return {model.__tablename__: row_count(model) for model in OWNED_MODELS}
