"""The scorecard's "Response times" section: how fast the institution answers its visitors.

docs/scorecard.md describes the method; cxaudit.inquiries.metrics computes the figures.
"""

from __future__ import annotations

from flask import current_app

from cxaudit.inquiries.business_hours import BusinessHours
from cxaudit.inquiries.metrics import ResponseTimes, build_response_times
from cxaudit.scorecard.periods import Period


def configured_business_hours() -> BusinessHours:
    return BusinessHours.from_setting(current_app.config.get("INQUIRY_BUSINESS_HOURS"))


def institution_response_times(institution_id: int, period: Period | None = None) -> ResponseTimes | None:
    """Return the response times of the inquiries received in ``period`` (all of them without one),
    or None when there are none."""
    if period is None:
        return build_response_times(institution_id, configured_business_hours())
    return build_response_times(institution_id, configured_business_hours(), period.start, period.end)
