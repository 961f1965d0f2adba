"""Rate limits behind a reverse proxy: with CXAUDIT_PROXY_FIX_X_FOR the
per-client limit counts the address in X-Forwarded-For, not the proxy's."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from cxaudit.extensions import db
from cxaudit.models import Institution, Survey, SurveyKind

ORIGIN = "https://muzeum.example"
PROXY_ADDRESS = "127.0.0.1"


def create_survey(app) -> str:
    with app.app_context():
        institution = db.session.scalar(select(Institution)) or Institution(slug="muzeum", name="Muzeum Miejskie")
        survey = Survey(institution=institution, kind=SurveyKind.NPS, allowed_origins=[ORIGIN])
        db.session.add(survey)
        db.session.commit()
        return survey.public_id


def answer_from(client, public_id: str, forwarded_for: str | None) -> int:
    """Post an answer through the proxy at PROXY_ADDRESS and return the status code."""
    headers = {"Origin": ORIGIN}
    if forwarded_for is not None:
        headers["X-Forwarded-For"] = forwarded_for
    response = client.post(
        f"/api/v1/surveys/{public_id}/responses",
        json={"score": 8, "language": "en"},
        headers=headers,
        environ_base={"REMOTE_ADDR": PROXY_ADDRESS},
    )
    return response.status_code


def test_proxy_clients_limited_apart(make_app):
    app = make_app(API_RATE_LIMIT="2 per minute", PROXY_FIX_X_FOR=1)
    client = app.test_client()
    public_id = create_survey(app)

    first_client = [answer_from(client, public_id, "198.51.100.7") for _ in range(3)]
    second_client = [answer_from(client, public_id, "198.51.100.8") for _ in range(2)]

    assert first_client == [201, 201, 429]
    assert second_client == [201, 201]


def test_proxy_header_ignored_by_default(make_app):
    app = make_app(API_RATE_LIMIT="2 per minute")
    client = app.test_client()
    public_id = create_survey(app)

    statuses = [answer_from(client, public_id, f"198.51.100.{number}") for number in range(3)]

    assert statuses == [201, 201, 429]


def test_proxy_trusts_only_configured_hops(make_app):
    # With one trusted proxy, an address the client itself put in front of
    # the header must not give it a fresh limit.
    app = make_app(API_RATE_LIMIT="2 per minute", PROXY_FIX_X_FOR=1)
    client = app.test_client()
    public_id = create_survey(app)

    statuses = [answer_from(client, public_id, f"203.0.113.{number}, 198.51.100.7") for number in range(3)]

    assert statuses == [201, 201, 429]


def test_two_proxies_use_second_entry(make_app):
    app = make_app(API_RATE_LIMIT="1 per minute", PROXY_FIX_X_FOR=2)
    client = app.test_client()
    public_id = create_survey(app)

    first = answer_from(client, public_id, "198.51.100.7, 192.0.2.2")
    second = answer_from(client, public_id, "198.51.100.8, 192.0.2.2")
    repeated = answer_from(client, public_id, "198.51.100.7, 192.0.2.2")

    assert (first, second, repeated) == (201, 201, 429)


@pytest.mark.parametrize("value", [-1, "1", True, 1.5])
def test_invalid_proxy_count_rejected(make_app, value):
    with pytest.raises(ValueError) as raised:
        make_app(PROXY_FIX_X_FOR=value)

    message = str(raised.value)
    assert "CXAUDIT_PROXY_FIX_X_FOR" in message
    assert repr(value) in message


def test_proxy_count_read_from_environment(monkeypatch):
    from cxaudit.config import settings_from_environment

    monkeypatch.setenv("CXAUDIT_PROXY_FIX_X_FOR", "2")

    assert settings_from_environment()["PROXY_FIX_X_FOR"] == 2
