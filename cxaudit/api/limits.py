"""Rate limits for the public API, per survey and client address.

Each app gets its own Flask-Limiter instance, so apps built in one process
(tests) never share counters. Counters live in Redis when ``REDIS_URL`` is
set, so every worker process sees them, and in memory otherwise. The client
address is used only as a counter key and is never stored with an answer.
"""

from __future__ import annotations

from flask import Blueprint, Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

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
