"""Funnel events: ``cxaudit('track', STEP)`` on a host page posts here.

The widget sends events with fetch(keepalive) or sendBeacon as text/plain,
which browsers send without a CORS preflight, so the body is read as JSON
whatever its content type. Only allowed origins are accepted.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from flask import Response as FlaskResponse
from flask import request
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import distinct, func, select
from werkzeug.exceptions import RequestEntityTooLarge

from cxaudit.api import bp
from cxaudit.api.cors import add_cors_headers
from cxaudit.api.language import header_language
from cxaudit.api.surveys import error_response, find_active_survey, preflight_response, rejection
from cxaudit.api.validation import InvalidAnswer, parse_page_url, quote_value
from cxaudit.extensions import db
from cxaudit.models import FunnelEvent, Survey

logger = logging.getLogger(__name__)

EVENT_MAX_BODY_BYTES = 4 * 1024
STEP_NAME = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
SESSION_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")


def parse_event(payload: dict[str, Any]) -> FunnelEvent:
    """Check an event body ``{"step", "session", "page_url"}`` and return the row to store."""
    step = payload.get("step")
    if not isinstance(step, str) or not STEP_NAME.fullmatch(step):
        raise InvalidAnswer(
            "step",
            _(
                "The step %(value)s is invalid. Name it with 1 to 64 letters, digits or the characters _ . : -, "
                "such as booking_completed.",
                value=quote_value(step),
            ),
        )
    session = payload.get("session")
    if not isinstance(session, str) or not SESSION_ID.fullmatch(session):
        raise InvalidAnswer(
            "session",
            _(
                "The session id %(value)s is invalid. Send 8 to 64 letters, digits, hyphens or underscores.",
                value=quote_value(session),
            ),
        )
    page_url = parse_page_url(payload.get("page_url"))
    path = page_url.split("/", 3)[3] if page_url and page_url.count("/") >= 3 else ""
    return FunnelEvent(step=step, session_id=session, page_path="/" + path if page_url else None)


def read_event_body() -> dict[str, Any]:
    request.max_content_length = EVENT_MAX_BODY_BYTES
    try:
        payload = json.loads(request.get_data(as_text=False) or b"null")
    except RequestEntityTooLarge:
        raise InvalidAnswer(
            None,
            _("The request body is larger than %(limit)d bytes. Send only the step and the session id.", limit=EVENT_MAX_BODY_BYTES),
            status=413,
        ) from None
    except (ValueError, UnicodeDecodeError):
        payload = None
    if not isinstance(payload, dict):
        raise InvalidAnswer(
            None, _('The request body is not a JSON object. Send an object such as {"step": "booking_completed"}.')
        )
    return payload


@bp.route("/surveys/<public_id>/events", methods=["OPTIONS"])
def event_preflight(public_id: str) -> FlaskResponse:
    return preflight_response(public_id)


@bp.route("/surveys/<public_id>/events", methods=["POST"], provide_automatic_options=False)
def create_event(public_id: str) -> FlaskResponse:
    """Store one funnel step of a visitor's tab and return 204 with no body."""
    survey = find_active_survey(public_id)
    with force_locale(header_language()):
        rejected = rejection(survey, public_id)
        if rejected is not None:
            return rejected
        try:
            event = parse_event(read_event_body())
        except InvalidAnswer as error:
            logger.info("Rejected a funnel event for survey %s: field %s is invalid", survey.public_id, error.field)
            return error_response(error.status, error.field, error.message, survey)
    event.survey_id = survey.id
    db.session.add(event)
    db.session.commit()
    return add_cors_headers(FlaskResponse(status=204), survey)


def sessions_per_step(institution_id: int) -> dict[str, int]:
    """Return how many distinct tab sessions reached each funnel step on the
    surveys of an institution, for the scorecard's abandonment analysis.

    A step reached twice in one tab counts once, so ``booking_started`` 120
    and ``booking_completed`` 84 mean 30 % of the visits that started a
    booking did not finish it (ignoring visits spread over several tabs)."""
    rows = db.session.execute(
        select(FunnelEvent.step, func.count(distinct(FunnelEvent.session_id)))
        .join(Survey, FunnelEvent.survey_id == Survey.id)
        .where(Survey.institution_id == institution_id)
        .group_by(FunnelEvent.step)
    )
    return {step: count for step, count in rows}
