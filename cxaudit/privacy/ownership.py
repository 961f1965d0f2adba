"""Which rows belong to one institution, table by table.

Export and deletion read the same list, so whatever is exported is also
deleted. Tables are listed children first, the order deletion needs.
"""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import DeclarativeBase

from cxaudit.models import (
    ApiToken,
    AuditEntry,
    Finding,
    Funnel,
    FunnelEvent,
    Inquiry,
    InquirySettings,
    Institution,
    Membership,
    PageResult,
    Response,
    Scan,
    Site,
    Survey,
)


def owned_rows(institution_id: int) -> list[tuple[type[DeclarativeBase], Select]]:
    """Return (model, query of its rows owned by the institution), children before parents."""
    site_ids = select(Site.id).where(Site.institution_id == institution_id)
    scan_ids = select(Scan.id).where(Scan.site_id.in_(site_ids))
    page_ids = select(PageResult.id).where(PageResult.scan_id.in_(scan_ids))
    survey_ids = select(Survey.id).where(Survey.institution_id == institution_id)

    return [
        (Finding, select(Finding).where(Finding.page_id.in_(page_ids)).order_by(Finding.id)),
        (PageResult, select(PageResult).where(PageResult.scan_id.in_(scan_ids)).order_by(PageResult.id)),
        (Scan, select(Scan).where(Scan.site_id.in_(site_ids)).order_by(Scan.id)),
        (Site, select(Site).where(Site.institution_id == institution_id).order_by(Site.id)),
        (Response, select(Response).where(Response.survey_id.in_(survey_ids)).order_by(Response.id)),
        (FunnelEvent, select(FunnelEvent).where(FunnelEvent.survey_id.in_(survey_ids)).order_by(FunnelEvent.id)),
        (Funnel, select(Funnel).where(Funnel.institution_id == institution_id).order_by(Funnel.id)),
        (Inquiry, select(Inquiry).where(Inquiry.institution_id == institution_id).order_by(Inquiry.id)),
        (InquirySettings, select(InquirySettings).where(InquirySettings.institution_id == institution_id)),
        (Survey, select(Survey).where(Survey.institution_id == institution_id).order_by(Survey.id)),
        (Membership, select(Membership).where(Membership.institution_id == institution_id).order_by(Membership.id)),
        (ApiToken, select(ApiToken).where(ApiToken.institution_id == institution_id).order_by(ApiToken.id)),
        (AuditEntry, select(AuditEntry).where(AuditEntry.institution_id == institution_id).order_by(AuditEntry.id)),
        (Institution, select(Institution).where(Institution.id == institution_id)),
    ]
