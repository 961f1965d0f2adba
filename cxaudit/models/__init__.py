"""Typed SQLAlchemy models, one module per area."""

from cxaudit.models.base import Base
from cxaudit.models.funnel import Funnel, FunnelEvent
from cxaudit.models.inquiry import Channel, Inquiry, InquirySettings, InquirySource
from cxaudit.models.institution import Institution, Site
from cxaudit.models.scan import Finding, Outcome, PageResult, PageStatus, Scan, ScanStatus
from cxaudit.models.survey import SCORE_RANGES, Response, Survey, SurveyKind
from cxaudit.models.user import Role, User

__all__ = [
    "Base",
    "Channel",
    "Finding",
    "Funnel",
    "FunnelEvent",
    "Inquiry",
    "InquirySettings",
    "InquirySource",
    "Institution",
    "Outcome",
    "PageStatus",
    "PageResult",
    "Response",
    "Role",
    "SCORE_RANGES",
    "Scan",
    "ScanStatus",
    "Site",
    "Survey",
    "SurveyKind",
    "User",
]
