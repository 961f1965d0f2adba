"""The API's answer when the database cannot store a request: full, or the
connection to it lost.

Both are temporary for the visitor, so the answer is 503 with Retry-After.
The widget keeps an answer it could not send and sends it again with the
same key, so an answer is stored once when the database is back.
"""

from __future__ import annotations

import logging

from flask import Response as FlaskResponse
from flask import request
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import OperationalError

from cxaudit.api import bp
from cxaudit.api.language import header_language
from cxaudit.api.surveys import error_response
from cxaudit.extensions import db

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 60


def database_is_full(error: OperationalError) -> bool:
    # SQLite reports "database or disk is full", PostgreSQL "could not extend file ...: No space left on device".
    text = str(error.orig).lower()
    return "is full" in text or "no space left" in text or "could not extend" in text


@bp.errorhandler(OperationalError)
def database_unavailable(error: OperationalError) -> FlaskResponse:
    """Tell the widget to send the request again later; nothing of it was stored."""
    db.session.rollback()
    full = database_is_full(error)
    public_id = (request.view_args or {}).get("public_id")
    logger.error("Could not store a request for survey %s (%s): %s", public_id, "database full" if full else "database unavailable", error.orig)
    with force_locale(header_language()):
        if full:
            message = _("The answer was not stored because the server's database is full. Send it again later; the administrator has been told in the server log.")
        else:
            message = _("The answer was not stored because the server lost its connection to the database. Send it again in a minute.")
    response = error_response(503, None, message)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
