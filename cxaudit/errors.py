"""Error pages in the user's language, and JSON errors under the API."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, InternalServerError

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, render_http_error)
    app.register_error_handler(Exception, render_unexpected_error)


def describe(status: int) -> tuple[str, str]:
    """Return a translated title and explanation for an HTTP error status."""
    if status == 404:
        return _("Page not found"), _("The address does not lead to any page. Check it, or start again from the list of institutions.")
    if status == 403:
        return _("Access denied"), _("Your account may not open this page. Ask an administrator for access.")
    if status == 405:
        return _("Action not allowed"), _("This address does not accept this kind of request. Go back and use the page's buttons.")
    if status >= 500:
        return _("Something went wrong"), _("cxaudit could not complete the request. Try again; if it fails again, tell your administrator.")
    return _("The request could not be completed"), _("Go back and try again.")


def render_http_error(error: HTTPException):
    # Views that build their own error response (a form re-rendered with 400) never reach here.
    if error.code is None or error.code < 400:
        return error
    # An exception built with its own response (the sign-in limit's form) keeps it.
    if error.response is not None:
        return error.response
    title, explanation = describe(error.code)
    # A view that aborts with its own translated description keeps it, because it is more specific.
    if error.description and error.description != type(error).description:
        explanation = error.description
    if request.path.startswith(API_PREFIX):
        return jsonify({"error": {"field": None, "message": explanation}}), error.code
    return render_template("errors/error.html", title=title, explanation=explanation, status=error.code), error.code


def render_unexpected_error(error: Exception):
    logger.exception("Unhandled error on %s %s", request.method, request.path)
    return render_http_error(InternalServerError())
