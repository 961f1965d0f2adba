"""Configuration: defaults for one machine, overridden by the instance file and
by ``CXAUDIT_*`` environment variables, in that order."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

ENV_PREFIX = "CXAUDIT_"

# Settings whose environment value is parsed as JSON (numbers, booleans, lists).
TYPED_SETTINGS = {
    "SCAN_MAX_PAGES",
    "SCAN_PAGE_TIMEOUT",
    "SCAN_BROWSERS",
    "SCAN_LEASE_SECONDS",
    "SCAN_MAX_DEPTH",
    "SCAN_POLITENESS_DELAY",
    "SCAN_JS_HEAP_MB",
    "WORKER_THREADS",
    "COMMENT_MAX_LENGTH",
    "HUEY_IMMEDIATE",
    "ENABLED_PLUGINS",
    "SESSION_COOKIE_SECURE",
    "PROXY_FIX_X_FOR",
    "RETENTION_MONTHS",
    "SCRUB_COMMENTS",
}


def default_config(instance_path: Path) -> dict[str, Any]:
    """Return the settings a single machine runs with when nothing is set."""
    return {
        "DATABASE_URL": f"sqlite:///{instance_path / 'cxaudit.db'}",
        # NORMAL or FULL: whether each SQLite commit waits for the disk (cxaudit/sqlite.py).
        "SQLITE_SYNCHRONOUS": "NORMAL",
        "REDIS_URL": None,
        "HUEY_SQLITE_PATH": str(instance_path / "jobs.db"),
        "HUEY_IMMEDIATE": False,
        "WORKER_THREADS": 1,
        "CHROMIUM_PATH": "/usr/bin/chromium",
        "CHROMEDRIVER_PATH": "/usr/bin/chromedriver",
        "WEBDRIVER_URL": None,
        # Chromium's path on the WebDriver server's machine; None lets the server choose.
        "WEBDRIVER_CHROMIUM_PATH": None,
        "SCAN_MAX_PAGES": 50,
        "SCAN_PAGE_TIMEOUT": 30,
        # Chromium sessions a scan runs in parallel; by default one per CPU
        # core of the machine that runs the scan.
        "SCAN_BROWSERS": os.cpu_count() or 1,
        # A running scan whose worker sent no heartbeat for this many seconds
        # is taken over by another worker.
        "SCAN_LEASE_SECONDS": 60,
        # None: no depth limit. See docs/scanning.md for these settings.
        "SCAN_MAX_DEPTH": None,
        "SCAN_POLITENESS_DELAY": 0.25,
        # Megabytes of JavaScript objects a page may hold before its tab
        # crashes and the page is recorded as failed.
        "SCAN_JS_HEAP_MB": 512,
        "SCAN_CONTACT": None,
        # Comma-separated CIDR networks the SSRF guard lets scans reach.
        "SCAN_ALLOWED_NETWORKS": "",
        "COMMENT_MAX_LENGTH": 2000,
        "ENABLED_PLUGINS": None,
        # Answers, inquiries and funnel events older than this many months are deleted; None keeps them.
        "RETENTION_MONTHS": None,
        # Replace e-mail addresses and phone numbers in comments as answers are stored.
        "SCRUB_COMMENTS": False,
        "LANGUAGES": ["pl", "en"],
        # Reverse proxies whose X-Forwarded-For header is trusted; 0 trusts none.
        "PROXY_FIX_X_FOR": 0,
        "DEFAULT_LANGUAGE": "pl",
        # Always Secure when true; without it, Secure only for HTTPS requests.
        "SESSION_COOKIE_SECURE": False,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Failed sign-ins allowed per login and per client address.
        "LOGIN_RATE_LIMIT_PER_LOGIN": "10 per 15 minutes",
        "LOGIN_RATE_LIMIT_PER_ADDRESS": "30 per 15 minutes",
        # Requests to the scan API per token and, separately, per client
        # address: enough for a pipeline that polls a scan every second.
        "SCAN_API_RATE_LIMIT": "60 per minute",
        # Scans one token may start; each keeps a browser busy for minutes.
        "SCAN_API_START_LIMIT": "30 per hour",
        # JSON objects read by cxaudit.scorecard.overall; None keeps its defaults.
        "SCORECARD_WEIGHTS": None,
        "SCORECARD_BANDS": None,
    }


def settings_from_environment(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Collect ``CXAUDIT_*`` variables, without the prefix."""
    environ = os.environ if environ is None else environ
    settings: dict[str, Any] = {}
    for key, raw in environ.items():
        if not key.startswith(ENV_PREFIX):
            continue
        name = key[len(ENV_PREFIX):]
        settings[name] = json.loads(raw) if name in TYPED_SETTINGS else raw
    return settings


def load_secret_key(instance_path: Path) -> str:
    """Read the secret key kept in the instance folder, creating it on first use.

    A generated key survives restarts, so sessions and CSRF tokens stay valid.
    """
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key
