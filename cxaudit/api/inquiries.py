"""Inquiries endpoint for a CMS or helpdesk: POST /api/v1/inquiries.

The caller authenticates with the institution's API token
(``Authorization: Bearer <token>``), made in the admin or with
``cxaudit inquiries token``. The body is ``{"inquiries": [{...}, ...]}`` with
the fields of the CSV columns. As with a CSV file, one invalid inquiry
rejects the request and nothing is stored.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from flask import Response as FlaskResponse
from flask import jsonify, request
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

from cxaudit.api import bp
from cxaudit.api.language import header_language
from cxaudit.inquiries.records import FIELDS, check_record
from cxaudit.inquiries.store import institution_for_token, save_records
from cxaudit.models import InquirySource

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024
MAX_INQUIRIES_PER_REQUEST = 1000


class InvalidRequest(Exception):
    def __init__(self, status: int, field: str | None, message: str, errors: list[str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.field = field
        self.message = message
        self.errors = errors or [message]


def error_response(error: InvalidRequest) -> FlaskResponse:
    response = jsonify({"error": {"field": error.field, "message": error.message}, "errors": error.errors})
    response.status_code = error.status
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="cxaudit"'
    return response


def bearer_token() -> str:
    scheme, _separator, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def read_inquiries() -> list[dict[str, Any]]:
    """Return the list of inquiry objects from the JSON body, or raise InvalidRequest."""
    request.max_content_length = MAX_BODY_BYTES
    example = '{"inquiries": [{"id": "T-1", "channel": "email", "received_at": "2026-11-09T09:00:00+01:00"}]}'
    try:
        payload = json.loads(request.get_data())
    except RequestEntityTooLarge:
        raise InvalidRequest(
            413, None,
            _("The request body is larger than %(limit)d bytes. Send the inquiries in smaller parts.", limit=MAX_BODY_BYTES),
        ) from None
    except (ValueError, UnicodeDecodeError):
        raise InvalidRequest(400, None, _("The request body is not valid JSON. Send an object such as %(example)s.", example=example)) from None

    inquiries = payload.get("inquiries") if isinstance(payload, dict) else None
    if not isinstance(inquiries, list) or not all(isinstance(item, dict) for item in inquiries):
        raise InvalidRequest(
            400, "inquiries", _("The body must be an object with a list of inquiries, such as %(example)s.", example=example)
        )
    if not inquiries or len(inquiries) > MAX_INQUIRIES_PER_REQUEST:
        raise InvalidRequest(
            400, "inquiries",
            _(
                "Send from 1 to %(maximum)d inquiries in one request; this one has %(count)d.",
                maximum=MAX_INQUIRIES_PER_REQUEST,
                count=len(inquiries),
            ),
        )
    return inquiries


def check_inquiries(items: list[dict[str, Any]]):
    records, errors, seen = [], [], set()
    # Inquiries are numbered from 1, in the order of the list.
    for number, item in enumerate(items, start=1):
        values = {field: item.get(field) for field in FIELDS}
        record, field_errors = check_record(values)
        for error in field_errors:
            errors.append(
                _("Inquiry %(number)d, field %(field)s: %(message)s", number=number, field=error.field, message=error.message)
            )
        if record is None:
            continue
        if record.key in seen:
            errors.append(
                _("Inquiry %(number)d, field id: the id “%(value)s” appears twice. Send each inquiry once.", number=number, value=record.key)
            )
            continue
        seen.add(record.key)
        records.append(record)
    if errors:
        raise InvalidRequest(400, None, errors[0], errors)
    return records


@bp.route("/inquiries", methods=["POST"])
def post_inquiries() -> FlaskResponse:
    """Store or update the posted inquiries and return how many were added and updated."""
    with force_locale(header_language()):
        try:
            institution = institution_for_token(bearer_token())
            if institution is None:
                raise InvalidRequest(
                    401, None,
                    _("The API token is missing or not valid. Send the header Authorization: Bearer <token> "
                      "with the token from the institution's inquiries page."),
                )
            records = check_inquiries(read_inquiries())
        except InvalidRequest as error:
            logger.info("Rejected inquiries posted to the API: %s", error.message)
            return error_response(error)

    result = save_records(institution, records, InquirySource.API)
    return jsonify({"created": result.created, "updated": result.updated})
