"""Rate limits for the public API, per survey and client address, and for
the scan API, per token and client address.

Each app gets its own Flask-Limiter instances, so apps built in one process
(tests) never share counters. Counters live in Redis when ``REDIS_URL`` is
set, so every worker process sees them, and in memory otherwise. The client
address is used only as a counter key and is never stored with an answer.
"""

from __future__ import annotations

from flask import Blueprint, Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from cxaudit.auth import hash_token_secret

# An answer, a configuration load and a few funnel events per page view leave
# room for a visitor on a busy page; a script sending hundreds is stopped.
DEFAULT_API_RATE_LIMIT = "120 per minute"


def survey_and_address() -> str:
    public_id = (request.view_args or {}).get("public_id", "")
    return f"{public_id}|{get_remote_address()}"


def init_limits(app: Flask, blueprint: Blueprint) -> None:
    """Limit every endpoint of ``blueprint`` in ``app`` to API_RATE_LIMIT
    requests per survey and client address."""
    redis_url = app.config.get("REDIS_URL")
    app.config.setdefault("RATELIMIT_STORAGE_URI", redis_url or "memory://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter = Limiter(key_func=survey_and_address, app=app)
    limiter.limit(lambda: app.config.get("API_RATE_LIMIT", DEFAULT_API_RATE_LIMIT), key_func=survey_and_address)(
        blueprint
    )
    app.extensions["cxaudit_api_limiter"] = limiter


def presented_token() -> str:
    """Return the counter key of the bearer token the request carries, valid or not.

    Only the token's hash is used, so no secret reaches the counters'
    storage. A request without a token is counted under its address.
    """
    scheme, _space, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and secret.strip():
        return "token:" + hash_token_secret(secret.strip())
    return "no-token:" + get_remote_address()


def client_address() -> str:
    return "address:" + get_remote_address()


def init_scan_api_limits(app: Flask, blueprint: Blueprint) -> Limiter:
    """Limit the scan API of ``app`` per token and per client address.

    Every request counts against SCAN_API_RATE_LIMIT of its token and,
    separately, of its address, so guessing tokens from one address is
    limited too. Starting a scan also counts against SCAN_API_START_LIMIT
    of its token, because each scan keeps a browser busy for minutes.
    """
    limiter = Limiter(
        key_func=get_remote_address,
        app=app,
        storage_uri=app.config.get("REDIS_URL") or "memory://",
        key_prefix="cxaudit-scan-api",
        headers_enabled=True,
    )
    # Read at each request, like API_RATE_LIMIT, so a test can change it after building the app.
    requests_limit = lambda: app.config["SCAN_API_RATE_LIMIT"]  # noqa: E731
    limiter.limit(requests_limit, key_func=presented_token)(blueprint)
    limiter.limit(requests_limit, key_func=client_address)(blueprint)
    limiter.limit(lambda: app.config["SCAN_API_START_LIMIT"], key_func=presented_token, methods=["POST"])(blueprint)
    app.extensions["cxaudit_scan_api_limiter"] = limiter
    return limiter
