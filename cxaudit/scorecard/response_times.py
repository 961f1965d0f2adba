"""The scorecard's "Response times" section: how fast the institution answers its visitors.

docs/scorecard.md describes the method; cxaudit.inquiries.metrics computes the figures.
"""

from __future__ import annotations

from flask import current_app

from cxaudit.inquiries.business_hours import BusinessHours
from cxaudit.inquiries.metrics import ResponseTimes, build_response_times


def configured_business_hours() -> BusinessHours:
    return BusinessHours.from_setting(current_app.config.get("INQUIRY_BUSINESS_HOURS"))


def institution_response_times(institution_id: int) -> ResponseTimes | None:
    """Return the institution's response times, or None when no inquiry was imported."""
    return build_response_times(institution_id, configured_business_hours())
