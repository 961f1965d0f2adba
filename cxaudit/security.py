"""Security headers for every response, chosen by what the response is.

Three kinds of response need different rules:

- the admin UI and the scorecard: a strict Content Security Policy without
  'unsafe-inline' (the scorecard's own style sheet carries a per-response
  nonce), no framing at all, no referrer to other sites;
- the public JSON API under ``/api/``: nothing in it may run or be framed,
  while its per-survey CORS headers (``cxaudit.api.cors``) stay as they are;
- the widget script and the hosted survey page, which set their own policy
  in their views; here they only get what they did not set themselves.

HSTS is sent only on requests that arrived over HTTPS, because browsers
ignore it over plain HTTP. Behind a reverse proxy, the app factory's ProxyFix
(``CXAUDIT_PROXY_FIX_X_FOR``) takes the scheme from ``X-Forwarded-Proto``.
"""

from __future__ import annotations

import secrets

from flask import Flask, Response, g, has_request_context, request

# One year, in seconds.
HSTS_MAX_AGE_SECONDS = 31_536_000

API_PREFIX = "/api/"

# Paths whose views set their own Content-Security-Policy for pages that
# other sites load or link to.
PUBLIC_PREFIXES = ("/s/", "/widget/")

API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


def init_app(app: Flask) -> None:
    """Add the headers to every response."""
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.after_request(add_security_headers)


def csp_nonce() -> str:
    """Return this response's nonce for an inline ``<style>``, or "" outside a request.

    The scorecard renders the same template for WeasyPrint without a request,
    where no policy applies and an empty nonce is harmless.
    """
    if not has_request_context():
        return ""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def admin_policy() -> str:
    """Return the admin UI's policy: this server's own files only, no inline code."""
    style_sources = "'self'"
    if "csp_nonce" in g:
        style_sources += f" 'nonce-{g.csp_nonce}'"
    return (
        "default-src 'self'; script-src 'self'; "
        f"style-src {style_sources}; img-src 'self' data:; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


def add_security_headers(response: Response) -> Response:
    """Set the headers that fit the response's kind, keeping any a view set itself."""
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", f"max-age={HSTS_MAX_AGE_SECONDS}; includeSubDomains")

    if request.path.startswith(API_PREFIX):
        headers.setdefault("Content-Security-Policy", API_CSP)
        headers.setdefault("Referrer-Policy", "no-referrer")
        # The widget reads API responses from other sites' pages through CORS.
        headers.setdefault("Cross-Origin-Resource-Policy", "cross-origin")
        return response

    if request.path.startswith(PUBLIC_PREFIXES):
        headers.setdefault("Referrer-Policy", "no-referrer")
        return response

    headers.setdefault("Content-Security-Policy", admin_policy())
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
    return response
