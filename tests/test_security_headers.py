"""Security headers on the admin UI, the public API and the hosted page."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from cxaudit.extensions import db
from cxaudit.models import Institution, Survey, SurveyKind
from test_admin import museum, signed_in, user  # noqa: F401  (fixtures)

ORIGIN = "https://muzeum.example"


@pytest.fixture
def survey_id(app, museum) -> str:  # noqa: F811
    with app.app_context():
        institution = db.session.scalar(select(Institution))
        survey = Survey(institution=institution, kind=SurveyKind.NPS, allowed_origins=[ORIGIN])
        db.session.add(survey)
        db.session.commit()
        return survey.public_id


def directives(policy: str) -> dict[str, str]:
    """Split a Content-Security-Policy into {directive: sources}."""
    pairs = (part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    return {pair[0]: (pair[1] if len(pair) > 1 else "") for pair in pairs}


@pytest.mark.parametrize("path", ["/", "/institutions/muzeum", "/institutions/muzeum/scorecard"])
def test_admin_pages_forbid_inline_code_and_framing(signed_in, museum, path):  # noqa: F811
    response = signed_in.get(path)

    assert response.status_code == 200
    policy = directives(response.headers["Content-Security-Policy"])
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert policy["script-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_scorecard_style_sheet_carries_the_policy_nonce(signed_in, museum):  # noqa: F811
    response = signed_in.get("/institutions/muzeum/scorecard")

    nonce_source = directives(response.headers["Content-Security-Policy"])["style-src"].split()[-1]
    assert nonce_source.startswith("'nonce-")
    nonce = nonce_source.removeprefix("'nonce-").rstrip("'")
    assert f'<style nonce="{nonce}">' in response.get_data(as_text=True)


def test_each_response_gets_a_new_nonce(signed_in, museum):  # noqa: F811
    first = signed_in.get("/institutions/muzeum/scorecard").headers["Content-Security-Policy"]
    second = signed_in.get("/institutions/muzeum/scorecard").headers["Content-Security-Policy"]

    assert first != second


def test_hsts_only_over_https(client):
    plain = client.get("/login")
    secure = client.get("/login", base_url="https://cxaudit.localhost")

    assert "Strict-Transport-Security" not in plain.headers
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_https_behind_a_trusted_proxy_gets_hsts(make_app):
    client = make_app(PROXY_FIX_X_FOR=1).test_client()

    response = client.get("/login", headers={"X-Forwarded-Proto": "https"})

    assert "Strict-Transport-Security" in response.headers


def test_forwarded_proto_ignored_without_a_trusted_proxy(client):
    response = client.get("/login", headers={"X-Forwarded-Proto": "https"})

    assert "Strict-Transport-Security" not in response.headers


def test_api_keeps_cors_for_allowed_origin_and_runs_nothing(client, survey_id):
    response = client.get(f"/api/v1/surveys/{survey_id}", headers={"Origin": ORIGIN})

    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert directives(response.headers["Content-Security-Policy"])["default-src"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "X-Frame-Options" not in response.headers


def test_api_answer_from_allowed_origin_still_stored(client, survey_id):
    preflight = client.options(
        f"/api/v1/surveys/{survey_id}/responses",
        headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST"},
    )
    answer = client.post(f"/api/v1/surveys/{survey_id}/responses", json={"score": 9}, headers={"Origin": ORIGIN})

    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert answer.status_code == 201
    assert answer.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_api_gives_no_cors_to_other_origins(client, survey_id):
    response = client.get(f"/api/v1/surveys/{survey_id}", headers={"Origin": "https://obcy.example"})

    assert response.status_code == 403
    assert "Access-Control-Allow-Origin" not in response.headers


def test_hosted_page_keeps_its_own_policy(client, survey_id):
    response = client.get(f"/s/{survey_id}")

    policy = directives(response.headers["Content-Security-Policy"])
    assert policy["script-src"] == "'self'"
    assert policy["frame-ancestors"] == "'self'"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "X-Frame-Options" not in response.headers


def test_widget_script_stays_loadable_from_other_sites(client):
    response = client.get("/widget/v1.js")

    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert "Content-Security-Policy" not in response.headers
