"""Scans for a site's CI: start a scan and read its status with an API token.

Every call sends ``Authorization: Bearer <token>``. A token belongs to one
institution and acts as its auditor: it scans addresses on that
institution's sites and reads those scans only. Another institution's scan
returns 404, like a scan that does not exist. The endpoints use no cookies,
so they are exempt from CSRF protection; messages follow Accept-Language.
Requests are limited per token and per client address (cxaudit.api.limits).
"""

from __future__ import annotations

import functools
import json
import logging
import time
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from cxaudit import audit_log, jobs
from cxaudit.access import ACCESS_MARKER
from cxaudit.api.language import header_language
from cxaudit.api.limits import init_scan_api_limits
from cxaudit.auth import find_active_token
from cxaudit.extensions import csrf, db
from cxaudit.models import ApiToken, Scan, ScanStatus
from cxaudit.models.base import utcnow
from cxaudit.rule_help import rule_help
from cxaudit.scan.crawl_settings import CrawlSettings
from cxaudit.scan.guard import InvalidAllowedNetworks
from cxaudit.scan.runner import create_scan, find_site
from cxaudit.scan.summary import summarize_scan
from cxaudit.scan.urls import InvalidScanURL, validate_scan_url
from cxaudit.timestamps import utc_isoformat

logger = logging.getLogger(__name__)

bp = Blueprint("api_scans", __name__, url_prefix="/api/v1/scans")
csrf.exempt(bp)

MAX_PAGES_LIMIT = 1000
MAX_BODY_BYTES = 4096


class ApiError(Exception):
    def __init__(self, status: int, field: str | None, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.field = field
        self.message = message


@bp.errorhandler(ApiError)
def api_error(error: ApiError) -> Response:
    response = jsonify({"error": {"field": error.field, "message": error.message}})
    response.status_code = error.status
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="cxaudit"'
    return response


@bp.record_once
def _limit_requests(state) -> None:
    init_scan_api_limits(state.app, bp)


@bp.errorhandler(429)
def too_many_requests(error) -> Response:
    """Return the API's JSON error for a rate-limited request, in the language of Accept-Language."""
    breached = error.limit
    limiter = current_app.extensions["cxaudit_scan_api_limiter"]
    resets = [limit.reset_at for limit in limiter.current_limits if limit.breached]
    wait_seconds = max(1, int(max(resets) - time.time())) if resets else breached.limit.get_expiry()
    starts_limited = "post" in (breached.methods or [])
    logger.warning("Scan API rate limit reached from %s: %s", request.remote_addr, error.description)
    with force_locale(header_language()):
        if starts_limited:
            message = _(
                "This token has started too many scans: at most %(amount)d in %(period)d seconds. "
                "Wait %(wait)d seconds before starting another scan.",
                amount=breached.limit.amount,
                period=breached.limit.get_expiry(),
                wait=wait_seconds,
            )
        else:
            message = _(
                "Too many requests to the scan API from this token or address. "
                "Wait %(wait)d seconds, and poll a running scan every few seconds only.",
                wait=wait_seconds,
            )
    response = jsonify({"error": {"field": None, "message": message}})
    response.status_code = 429
    response.headers["Retry-After"] = str(wait_seconds)
    return response


def authenticated_token() -> ApiToken:
    """Return the active token the request carries, or raise a 401 ApiError."""
    scheme, _space, secret = request.headers.get("Authorization", "").partition(" ")
    token = find_active_token(secret.strip()) if scheme.lower() == "bearer" and secret.strip() else None
    if token is None:
        raise ApiError(
            401,
            None,
            _(
                "The request has no valid API token. Send the header Authorization: Bearer followed by a token "
                "from the institution's API tokens page; a revoked token no longer works."
            ),
        )
    token.last_used_at = utcnow()
    db.session.commit()
    return token


def token_required(view: Callable) -> Callable:
    """Call ``view`` with the request's active token, in the language of
    Accept-Language; a request without one gets 401."""

    @functools.wraps(view)
    def guarded(*args, **kwargs):
        with force_locale(header_language()):
            return view(authenticated_token(), *args, **kwargs)

    setattr(guarded, ACCESS_MARKER, "api-token")
    return guarded


@bp.post("")
@token_required
def start_scan(token: ApiToken) -> tuple[Response, int]:
    """Start a scan of an address on one of the token's institution's sites."""
    payload = read_payload()
    url = scan_url(payload, token)
    max_pages = scan_max_pages(payload)
    crawl = CrawlSettings.from_settings({"ignore_robots": scan_flag(payload, "ignore_robots")}, current_app.config)
    try:
        # create_scan also runs the SSRF guard on the address.
        scan = create_scan(
            url, max_pages, settings=axe_selection(payload), allow_submit=scan_flag(payload, "allow_submit"), crawl=crawl
        )
    except (InvalidScanURL, InvalidAllowedNetworks) as error:
        raise ApiError(400, "url", str(error)) from None
    except ValueError as error:
        # A plugin rejected the rule selection, such as an unknown axe-core tag.
        raise ApiError(400, "axe_tags" if "axe_tags" in payload else "axe_rules", str(error)) from None
    jobs.enqueue_scan(scan.id)
    audit_log.record(
        "scan_started", token.institution_id, target=scan.url, actor_login=f"token {token.prefix}", scan=scan.id
    )
    response = jsonify(scan_body(scan))
    response.headers["Location"] = url_for("api_scans.scan_status", scan_id=scan.id)
    return response, 202


@bp.get("/<int:scan_id>")
@token_required
def scan_status(token: ApiToken, scan_id: int) -> Response:
    """Return the scan's status and, once it has finished, its summary."""
    scan = db.session.get(Scan, scan_id)
    if scan is None or scan.site is None or scan.site.institution_id != token.institution_id:
        raise ApiError(404, None, _("No scan of this token's institution has the id %(id)d.", id=scan_id))
    return jsonify(scan_body(scan))


def read_payload() -> dict[str, Any]:
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise ApiError(
            413,
            None,
            _(
                "The request body is larger than %(limit)d bytes. Send only the fields url, max_pages, allow_submit, ignore_robots, axe_tags and axe_rules.",
                limit=MAX_BODY_BYTES,
            ),
        )
    try:
        payload = json.loads(request.get_data(as_text=False) or b"null")
    except (ValueError, UnicodeDecodeError):
        payload = None
    if not isinstance(payload, dict):
        raise ApiError(
            400, None, _('Send a JSON object such as {"url": "https://www.example.org/", "max_pages": 20}.')
        )
    return payload


def scan_url(payload: dict[str, Any], token: ApiToken) -> str:
    """Return the address to scan, checked to lie on a site of the token's institution."""
    value = payload.get("url")
    if not isinstance(value, str) or not value.strip():
        raise ApiError(400, "url", _("Give the address to scan in the field url."))
    try:
        url = validate_scan_url(value)
    except InvalidScanURL as error:
        raise ApiError(400, "url", str(error)) from None
    site = find_site(url)
    if site is None or site.institution_id != token.institution_id:
        raise ApiError(
            400,
            "url",
            _(
                "%(url)s is not on a site of this token's institution. Add the site on the institution's page first.",
                url=url,
            ),
        )
    return url


def scan_max_pages(payload: dict[str, Any]) -> int:
    value = payload.get("max_pages", current_app.config["SCAN_MAX_PAGES"])
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_PAGES_LIMIT:
        raise ApiError(
            400,
            "max_pages",
            _("max_pages is %(value)s. Give a whole number from 1 to %(maximum)d.", value=value, maximum=MAX_PAGES_LIMIT),
        )
    return value


def scan_flag(payload: dict[str, Any], field: str) -> bool:
    value = payload.get(field, False)
    if not isinstance(value, bool):
        raise ApiError(400, field, _("%(field)s is %(value)s. Give true or false.", field=field, value=json.dumps(value)))
    return value


def axe_selection(payload: dict[str, Any]) -> dict[str, Any]:
    """Return the axe-core tags and rule switches of the request, as the command line stores them."""
    settings: dict[str, Any] = {}
    tags = payload.get("axe_tags")
    if tags is not None:
        if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
            raise ApiError(400, "axe_tags", _('Give axe_tags as a list of tags, such as ["wcag2a", "wcag2aa"].'))
        settings["axe_tags"] = ",".join(tags)
    rules = payload.get("axe_rules")
    if rules is not None:
        if not isinstance(rules, list) or not all(isinstance(rule, str) for rule in rules):
            raise ApiError(400, "axe_rules", _('Give axe_rules as a list such as ["region=off", "empty-heading=on"].'))
        settings["axe_rules"] = rules
    return settings


def scan_body(scan: Scan) -> dict[str, Any]:
    finished = scan.status in (ScanStatus.FINISHED, ScanStatus.FAILED, ScanStatus.CANCELLED)
    return {
        "id": scan.id,
        "url": scan.url,
        "status": str(scan.status),
        "pages_done": scan.pages_done,
        "pages_queued": scan.pages_queued,
        "error": scan.error,
        "created_at": utc_isoformat(scan.created_at),
        "finished_at": utc_isoformat(scan.finished_at),
        "summary": summary_body(scan) if finished else None,
    }


def summary_body(scan: Scan) -> dict[str, Any]:
    """Return the scan's summary with each rule's text in the request's language, as the exports give it."""
    summary = asdict(summarize_scan(scan))
    for ranking in ("failing_rules", "needs_review"):
        for rule in summary[ranking]:
            rule["help"] = rule_help(rule["plugin"], rule["rule"], rule["help"])
    return summary
