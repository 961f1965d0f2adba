"""Typed SQLAlchemy models, one module per area."""

from cxaudit.models.base import Base
from cxaudit.models.institution import Institution, Site
from cxaudit.models.scan import Finding, Outcome, PageResult, PageStatus, Scan, ScanStatus
from cxaudit.models.survey import Response, Survey, SurveyKind
from cxaudit.models.user import Role, User

__all__ = [
    "Base",
    "Finding",
    "Institution",
    "Outcome",
    "PageStatus",
    "PageResult",
    "Response",
    "Role",
    "Scan",
    "ScanStatus",
    "Site",
    "Survey",
    "SurveyKind",
    "User",
]
