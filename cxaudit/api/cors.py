"""Cross-origin access: only pages on a survey's allowed origins may load it
and post answers to it from the browser.

Origins are compared exactly as ``scheme://host[:port]``, the form browsers
send in the ``Origin`` header, so ``https://muzeum.pl`` does not admit
``https://www.muzeum.pl`` or ``http://muzeum.pl``.
"""

from __future__ import annotations

from flask import Response, request

from cxaudit.models import Survey

PREFLIGHT_MAX_AGE_SECONDS = 600


def request_origin() -> str | None:
    """Return the ``Origin`` header, or None when the request has none
    (a server-to-server call or curl)."""
    return request.headers.get("Origin") or None


def normalise_origin(origin: str) -> str:
    # Browsers send scheme and host in lower case without a trailing slash,
    # but an administrator may type either, so both sides are normalised.
    return origin.strip().rstrip("/").lower()


def origin_is_allowed(survey: Survey, origin: str | None) -> bool:
    """Tell whether a request from ``origin`` may use ``survey``.

    A request without an ``Origin`` header is allowed because it does not
    come from a page script, so no browser policy applies to it, and so is
    one from this server's own pages (the hosted survey page).
    """
    if origin is None:
        return True
    # The hosted survey page and kiosk are served by this server itself.
    if normalise_origin(origin) == normalise_origin(request.host_url):
        return True
    allowed = {normalise_origin(entry) for entry in survey.allowed_origins or []}
    return normalise_origin(origin) in allowed


def add_cors_headers(response: Response, survey: Survey | None) -> Response:
    """Let the requesting page read ``response`` when its origin is allowed."""
    response.vary.add("Origin")
    origin = request_origin()
    if survey is not None and origin is not None and origin_is_allowed(survey, origin):
        response.headers["Access-Control-Allow-Origin"] = origin
    return response


def add_preflight_headers(response: Response) -> Response:
    """Allow the JSON POST the widget sends, for an origin already checked."""
    response.headers["Access-Control-Allow-Methods"] = "POST"
    response.headers["Access-Control-Allow-Headers"] = "Content-Type"
    response.headers["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE_SECONDS)
    return response
