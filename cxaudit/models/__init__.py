"""Typed SQLAlchemy models, one module per area."""

from cxaudit.models.audit_log import AuditEntry
from cxaudit.models.base import Base
from cxaudit.models.funnel import Funnel, FunnelEvent
from cxaudit.models.inquiry import Channel, Inquiry, InquirySettings, InquirySource
from cxaudit.models.institution import Institution, Site
from cxaudit.models.scan import Finding, Outcome, PageResult, PageStatus, Scan, ScanStatus
from cxaudit.models.survey import SCORE_RANGES, Response, ResponseCount, Survey, SurveyKind
# Imported for its listener, which creates the response_count triggers with the response table.
from cxaudit.models import response_count_triggers  # noqa: F401, E402
from cxaudit.models.user import ApiToken, Membership, Role, User

__all__ = [
    "ApiToken",
    "AuditEntry",
    "Base",
    "Channel",
    "Finding",
    "Funnel",
    "FunnelEvent",
    "Inquiry",
    "InquirySettings",
    "InquirySource",
    "Institution",
    "Membership",
    "Outcome",
    "PageStatus",
    "PageResult",
    "Response",
    "ResponseCount",
    "Role",
    "SCORE_RANGES",
    "Scan",
    "ScanStatus",
    "Site",
    "Survey",
    "SurveyKind",
    "User",
]
