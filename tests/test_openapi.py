"""The OpenAPI document at /api/openapi.json, checked against the running
server by schemathesis.

The scan API is called with a real token. Scans it starts only target a
fixture site that the test serves on 127.0.0.1 (tests/schemathesis_hooks.py),
and no worker runs in the test, so they stay queued and load no page.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select
from werkzeug.exceptions import MethodNotAllowed, NotFound

from cxaudit.auth import create_api_token
from cxaudit.extensions import db
from cxaudit.models import Institution, Response, Scan, ScanStatus, Site, Survey, SurveyKind
from schemathesis_hooks import SCAN_SITE_VARIABLE

ST_COMMAND = Path(sys.executable).with_name("st")
HOOKS_FILE = Path(__file__).with_name("schemathesis_hooks.py")
PAGES = Path(__file__).parent / "pages" / "accounts"

# Schemathesis fills every public_id with the stored survey and every
# scan_id with the stored scan, so the checks reach the code behind a valid
# id and not only the 404 branch.
SCHEMATHESIS_CONFIG = """
hooks = "{hooks}"

[auth.openapi.scanToken]
bearer = "{token}"

[parameters]
"path.public_id" = "{public_id}"
"path.slug" = "muzeum"
"path.scan_id" = {scan_id}
"""

SAMPLE_VALUES = {"public_id": "abc", "slug": "muzeum", "scan_id": "1"}

CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
    ]
)


def flask_rule(openapi_path: str) -> str:
    return re.sub(r"\{([^}]+)\}", r"<\1>", openapi_path)


def test_document_is_openapi_3_1(client):
    response = client.get("/api/openapi.json")

    assert response.status_code == 200
    assert response.json["openapi"] == "3.1.0"
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_every_documented_path_exists(app, client):
    adapter = app.url_map.bind("localhost")
    missing = []

    for path, operations in client.get("/api/openapi.json").json["paths"].items():
        concrete = re.sub(r"\{([^}]+)\}", lambda match: SAMPLE_VALUES[match.group(1)], path)
        for method in operations:
            try:
                adapter.match(concrete, method=method.upper())
            except (NotFound, MethodNotAllowed):
                missing.append(f"{method.upper()} {path}")

    assert missing == []


def test_every_public_api_route_is_documented(app, client):
    documented = {flask_rule(path) for path in client.get("/api/openapi.json").json["paths"]}
    public_rules = {
        re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"<\1>", rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith(("api.", "api_scans."))
    }

    assert sorted(public_rules - documented) == []


def store_institution(app, site_url: str) -> dict[str, object]:
    """Store the museum with a survey, a site at ``site_url``, a finished scan
    of it and an API token; return the values the schemathesis run needs."""
    with app.app_context():
        institution = Institution(slug="muzeum", name="Muzeum")
        survey = Survey(institution=institution, kind=SurveyKind.NPS, allowed_origins=["https://muzeum.example"])
        site = Site(institution=institution, base_url=site_url, settings={})
        scan = Scan(site=site, url=site_url, status=ScanStatus.FINISHED, settings={"max_pages": 1})
        db.session.add_all([survey, scan])
        db.session.commit()
        _token, secret = create_api_token(institution, "CI", None)
        return {"public_id": survey.public_id, "scan_id": scan.id, "token": secret}


def test_schemathesis_finds_no_failures(app, live_server, serve_directory, tmp_path):
    app.config["API_RATE_LIMIT"] = "100000/minute"
    app.config["SCAN_API_RATE_LIMIT"] = "100000/minute"
    app.config["SCAN_API_START_LIMIT"] = "100000/minute"
    site_url = serve_directory(PAGES) + "/"
    values = store_institution(app, site_url)
    config = tmp_path / "schemathesis.toml"
    config.write_text(SCHEMATHESIS_CONFIG.format(hooks=HOOKS_FILE, **values))
    report = tmp_path / "report.json"

    result = subprocess.run(
        [
            str(ST_COMMAND), "--config-file", str(config), "run", f"{live_server}/api/openapi.json",
            "--checks", CHECKS, "--max-examples", "30", "--workers", "1", "--no-color",
            "--phases", "examples,coverage,fuzzing", "--generation-database", "none",
            "--report", "json", "--report-json-path", str(report),
        ],
        capture_output=True, text=True, timeout=600, cwd=tmp_path, env={**os.environ, SCAN_SITE_VARIABLE: site_url},
    )

    assert result.returncode == 0, result.stdout[-6000:]
    with app.app_context():
        # Answers were stored, so the run reached past the unknown-survey branch.
        assert db.session.scalar(select(func.count()).select_from(Response)) > 0
        # Scans were started, and each one targets the test's own site.
        scan_urls = db.session.scalars(select(Scan.url).where(Scan.id != values["scan_id"])).all()
        assert scan_urls
        assert [url for url in scan_urls if not url.startswith(site_url)] == []
        assert db.session.scalar(select(func.count()).select_from(Scan).where(Scan.status != ScanStatus.QUEUED)) == 1
