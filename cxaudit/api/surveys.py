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
from cxaudit.api.cors import add_cors_headers, add_preflight_headers, origin_is_allowed, request_origin
from cxaudit.api.language import header_language, response_language
from cxaudit.api.texts import nps_texts
from cxaudit.api.validation import InvalidAnswer, max_body_bytes, parse_answer, read_json_object
from cxaudit.extensions import db
from cxaudit.models import Response, Survey

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
    logger.info("Rejected an answer to survey %s from origin %s, which is not allowed", survey.public_id, origin)
    return error_response(
        403,
        None,
        _(
            "Pages at %(origin)s may not send answers to this survey. Add the origin to the survey's "
            "allowed origins in cxaudit.",
            origin=origin,
        ),
    )


@bp.get("/surveys/<public_id>")
def survey_config(public_id: str) -> FlaskResponse:
    """Return what the widget needs to show a survey, in the language of ``?lang=``."""
    language = response_language(request.args.get("lang"))
    survey = find_active_survey(public_id)
    with force_locale(language):
        if survey is None:
            return survey_not_found(public_id)
        body = {
            "kind": survey.kind.value,
            "public_id": survey.public_id,
            "language": language,
            "comment_max_length": current_app.config["COMMENT_MAX_LENGTH"],
            "texts": nps_texts(survey),
        }
    response = add_cors_headers(jsonify(body), survey)
    response.cache_control.public = True
    response.cache_control.max_age = CONFIG_MAX_AGE_SECONDS
    return response


@bp.route("/surveys/<public_id>/responses", methods=["OPTIONS"])
def answer_preflight(public_id: str) -> FlaskResponse:
    """Handle the browser's CORS preflight for the widget's JSON POST."""
    survey = find_active_survey(public_id)
    with force_locale(header_language()):
        if survey is None:
            return survey_not_found(public_id)
        origin = request_origin()
        if not origin_is_allowed(survey, origin):
            return origin_rejected(origin, survey)
    response = add_cors_headers(FlaskResponse(status=204), survey)
    return add_preflight_headers(response)


# provide_automatic_options=False lets answer_preflight handle OPTIONS.
@bp.route("/surveys/<public_id>/responses", methods=["POST"], provide_automatic_options=False)
def create_answer(public_id: str) -> FlaskResponse:
    """Store one visitor's answer and return its id with status 201."""
    survey = find_active_survey(public_id)
    with force_locale(header_language()):
        if survey is None:
            return survey_not_found(public_id)
        origin = request_origin()
        if not origin_is_allowed(survey, origin):
            return origin_rejected(origin, survey)
        try:
            payload = read_limited_json_object()
        except InvalidAnswer as error:
            return error_response(error.status, error.field, error.message, survey)

    with force_locale(response_language(payload.get("language"))):
        try:
            answer = parse_answer(payload, current_app.config["COMMENT_MAX_LENGTH"])
        except InvalidAnswer as error:
            return error_response(error.status, error.field, error.message, survey)

    stored = Response(
        survey=survey,
        score=answer.score,
        comment=answer.comment,
        language=answer.language,
        page_url=answer.page_url,
    )
    db.session.add(stored)
    db.session.commit()

    response = jsonify({"id": stored.id})
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
