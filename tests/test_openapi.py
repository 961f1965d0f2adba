"""The OpenAPI document at /api/openapi.json, checked against the running
server by schemathesis."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select
from werkzeug.exceptions import MethodNotAllowed, NotFound

from cxaudit.extensions import db
from cxaudit.models import Institution, Response, Survey, SurveyKind

ST_COMMAND = Path(sys.executable).with_name("st")

# Schemathesis fills every public_id with the stored survey, so the checks
# reach the code behind a valid id and not only the 404 branch.
SCHEMATHESIS_CONFIG = """
[parameters]
"path.public_id" = "{public_id}"
"path.slug" = "muzeum"
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
    public_rules = {re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"<\1>", rule.rule) for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")}

    assert sorted(public_rules - documented) == []


def store_survey(app) -> str:
    with app.app_context():
        institution = Institution(slug="muzeum", name="Muzeum")
        survey = Survey(institution=institution, kind=SurveyKind.NPS, allowed_origins=["https://muzeum.example"])
        db.session.add(survey)
        db.session.commit()
        return db.session.scalar(select(Survey.public_id))


def test_schemathesis_finds_no_failures(app, live_server, tmp_path):
    app.config["API_RATE_LIMIT"] = "100000/minute"
    config = tmp_path / "schemathesis.toml"
    config.write_text(SCHEMATHESIS_CONFIG.format(public_id=store_survey(app)))
    report = tmp_path / "report.json"

    result = subprocess.run(
        [
            str(ST_COMMAND), "--config-file", str(config), "run", f"{live_server}/api/openapi.json",
            "--checks", CHECKS, "--max-examples", "30", "--workers", "1", "--no-color",
            "--phases", "examples,coverage,fuzzing", "--generation-database", "none",
            "--report", "json", "--report-json-path", str(report),
        ],
        capture_output=True, text=True, timeout=600, cwd=tmp_path,
    )

    assert result.returncode == 0, result.stdout[-6000:]
    # Answers were stored, so the run reached past the unknown-survey branch.
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) > 0
