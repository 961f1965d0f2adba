"""Survey endpoints: the widget's configuration and the answers it posts."""

from __future__ import annotations

import logging
from typing import Any

from flask import Response as FlaskResponse
from flask import current_app, jsonify, request
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge

from cxaudit.api import bp
from cxaudit.api.answer_store import store_answer_once
from cxaudit.api.cors import add_cors_headers, add_preflight_headers, origin_is_allowed, request_origin
from cxaudit.api.language import header_language, response_language
from cxaudit.api.settings import path_pattern, survey_settings
from cxaudit.api.texts import choice_labels, score_range, widget_plurals, widget_texts
from cxaudit.api.validation import InvalidAnswer, max_body_bytes, parse_answer, read_json_object
from cxaudit.extensions import db
from cxaudit.models import Survey

logger = logging.getLogger(__name__)

# Browsers and proxies may reuse a survey's configuration for this many
# seconds, so a survey switched off may keep showing that long.
CONFIG_MAX_AGE_SECONDS = 300


def find_active_survey(public_id: str) -> Survey | None:
    return db.session.scalars(
        select(Survey).where(Survey.public_id == public_id, Survey.active.is_(True))
    ).one_or_none()


def error_response(status: int, field: str | None, message: str, survey: Survey | None = None) -> FlaskResponse:
    """Build the JSON error every API endpoint returns: ``{"error": {"field", "message"}}``."""
    response = jsonify({"error": {"field": field, "message": message}})
    response.status_code = status
    return add_cors_headers(response, survey)


def survey_not_found(public_id: str) -> FlaskResponse:
    return error_response(
        404,
        None,
        _(
            "No active survey has the id %(public_id)s. Copy the snippet again from the survey's page in cxaudit.",
            public_id=public_id,
        ),
    )


def origin_rejected(origin: str, survey: Survey) -> FlaskResponse:
    logger.info("Rejected a request for survey %s from origin %s, which is not allowed", survey.public_id, origin)
    return error_response(
        403,
        None,
        _(
            "Pages at %(origin)s may not send answers to this survey. Add the origin to the survey's "
            "allowed origins in cxaudit.",
            origin=origin,
        ),
    )


def rejection(survey: Survey | None, public_id: str) -> FlaskResponse | None:
    """Return the error for an unknown survey or a disallowed origin, or None when the request may go on.

    Call it inside ``force_locale`` so the message is in the visitor's language.
    """
    if survey is None:
        return survey_not_found(public_id)
    origin = request_origin()
    if not origin_is_allowed(survey, origin):
        return origin_rejected(origin, survey)
    return None


def preflight_response(public_id: str) -> FlaskResponse:
    """Answer a browser's CORS preflight for a POST to one of the survey's endpoints."""
    survey = find_active_survey(public_id)
    with force_locale(header_language()):
        rejected = rejection(survey, public_id)
    if rejected is not None:
        return rejected
    return add_preflight_headers(add_cors_headers(FlaskResponse(status=204), survey))


@bp.get("/surveys/<public_id>")
def survey_config(public_id: str) -> FlaskResponse:
    """Return what the widget needs to show a survey, in the language of ``?lang=``."""
    language = response_language(request.args.get("lang"))
    survey = find_active_survey(public_id)
    with force_locale(language):
        rejected = rejection(survey, public_id)
        if rejected is not None:
            return rejected
        body = survey_config_body(survey, language)
    response = add_cors_headers(jsonify(body), survey)
    response.cache_control.public = True
    response.cache_control.max_age = CONFIG_MAX_AGE_SECONDS
    return response


def survey_config_body(survey: Survey, language: str) -> dict[str, Any]:
    """Return the widget's configuration of ``survey`` in the current locale."""
    settings = survey_settings(survey)
    low, high = score_range(survey.kind)
    labels = choice_labels(survey.kind)
    scores = [1, 0] if labels and low == 0 else list(range(low, high + 1))
    return {
        "kind": survey.kind.value,
        "public_id": survey.public_id,
        "language": language,
        "comment_max_length": current_app.config["COMMENT_MAX_LENGTH"],
        "choices": [{"score": score, "label": labels.get(str(score), str(score))} for score in scores],
        "texts": widget_texts(survey, language),
        "plurals": widget_plurals(),
        "triggers": settings["triggers"],
        "url_rules": settings["url_rules"],
        "path_pattern": path_pattern(settings["url_rules"]),
        "sample_percent": settings["sample_percent"],
        "snooze_days": settings["snooze_days"],
    }


@bp.route("/surveys/<public_id>/responses", methods=["OPTIONS"])
def answer_preflight(public_id: str) -> FlaskResponse:
    """Handle the browser's CORS preflight for the widget's JSON POST."""
    return preflight_response(public_id)


# provide_automatic_options=False lets answer_preflight handle OPTIONS.
@bp.route("/surveys/<public_id>/responses", methods=["POST"], provide_automatic_options=False)
def create_answer(public_id: str) -> FlaskResponse:
    """Store one visitor's answer and return its id with status 201."""
    survey = find_active_survey(public_id)
    with force_locale(header_language()):
        rejected = rejection(survey, public_id)
        if rejected is not None:
            return rejected
        try:
            payload = read_limited_json_object()
        except InvalidAnswer as error:
            return error_response(error.status, error.field, error.message, survey)

    with force_locale(response_language(payload.get("language"))):
        try:
            answer = parse_answer(payload, current_app.config["COMMENT_MAX_LENGTH"], score_range(survey.kind))
        except InvalidAnswer as error:
            return error_response(error.status, error.field, error.message, survey)

    # The survey is read again below for the CORS headers. Expiring it at the
    # commit would cost one more query for values that cannot have changed.
    db.session().expire_on_commit = False
    stored_id = store_answer_once(survey, answer)
    response = jsonify({"id": stored_id})
    response.status_code = 201
    return add_cors_headers(response, survey)


def read_limited_json_object() -> dict[str, Any]:
    """Read the body as a JSON object, rejecting bodies larger than an
    answer with the longest allowed comment."""
    limit = max_body_bytes(current_app.config["COMMENT_MAX_LENGTH"])
    request.max_content_length = limit
    try:
        return read_json_object()
    except RequestEntityTooLarge:
        raise InvalidAnswer(
            None,
            _(
                "The request body is larger than %(limit)d bytes. Send only the score and a shorter comment.",
                limit=limit,
            ),
            status=413,
        ) from None


@bp.errorhandler(429)
def too_many_requests(error) -> FlaskResponse:
    """Answer a rate-limited request with the API's JSON error."""
    public_id = (request.view_args or {}).get("public_id")
    logger.warning("Rate limit reached for survey %s: %s", public_id, error.description)
    survey = find_active_survey(public_id) if public_id else None
    with force_locale(header_language()):
        message = _(
            "Too many requests for this survey from your address. Wait a minute and send the answer again."
        )
    response = error_response(429, None, message, survey)
    response.headers["Retry-After"] = "60"
    return response
