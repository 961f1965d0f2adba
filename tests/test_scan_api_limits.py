"""Rate limits of the scan API: per token, per client address, and a lower
one for starting scans, each answered with a translated 429."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from cxaudit.auth import create_api_token
from cxaudit.extensions import db
from cxaudit.models import Institution, Scan
from tenants import add_tenant


def bearer(secret: str, address: str = "127.0.0.1", language: str = "en") -> dict:
    return {
        "headers": {"Authorization": f"Bearer {secret}", "Accept-Language": language},
        "environ_base": {"REMOTE_ADDR": address},
    }


@pytest.fixture
def muzeum(make_app):
    app = make_app(SCAN_API_RATE_LIMIT="3 per minute", SCAN_API_START_LIMIT="1 per hour")
    return app, add_tenant(app, "muzeum", 8120)


def second_token(app) -> str:
    with app.app_context():
        institution = db.session.scalar(select(Institution).where(Institution.slug == "muzeum"))
        return create_api_token(institution, "Second CI", None)[1]


def test_requests_over_the_token_limit_get_429(muzeum):
    app, tenant = muzeum
    client = app.test_client()
    status_url = f"/api/v1/scans/{tenant.scan_id}"

    statuses = [client.get(status_url, **bearer(tenant.token_secret)).status_code for _ in range(3)]
    refused = client.get(status_url, **bearer(tenant.token_secret))

    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert refused.get_json()["error"]["field"] is None
    assert "Too many requests to the scan API" in refused.get_json()["error"]["message"]
    assert int(refused.headers["Retry-After"]) >= 1


def test_limit_message_follows_accept_language(muzeum):
    app, tenant = muzeum
    client = app.test_client()
    status_url = f"/api/v1/scans/{tenant.scan_id}"
    for _ in range(3):
        client.get(status_url, **bearer(tenant.token_secret))

    refused = client.get(status_url, **bearer(tenant.token_secret, language="pl"))

    assert refused.status_code == 429
    assert refused.get_json()["error"]["message"].startswith("Zbyt wiele zapytań do API skanów")


def test_token_limit_follows_the_token_across_addresses(muzeum):
    app, tenant = muzeum
    client = app.test_client()
    status_url = f"/api/v1/scans/{tenant.scan_id}"

    for number in range(3):
        assert client.get(status_url, **bearer(tenant.token_secret, address=f"127.0.0.{number + 2}")).status_code == 200
    refused = client.get(status_url, **bearer(tenant.token_secret, address="127.0.0.9"))

    assert refused.status_code == 429


def test_address_limit_covers_every_token_it_sends(muzeum):
    app, tenant = muzeum
    client = app.test_client()
    status_url = f"/api/v1/scans/{tenant.scan_id}"
    other_secret = second_token(app)

    for _ in range(3):
        assert client.get(status_url, **bearer(tenant.token_secret, address="127.0.0.5")).status_code == 200
    refused = client.get(status_url, **bearer(other_secret, address="127.0.0.5"))
    guessed = client.get(status_url, **bearer("cxa_guessed-token", address="127.0.0.5"))

    assert refused.status_code == 429
    assert guessed.status_code == 429
    assert client.get(status_url, **bearer(other_secret, address="127.0.0.6")).status_code == 200


def test_starting_scans_has_a_lower_limit(muzeum):
    app, tenant = muzeum
    client = app.test_client()

    started = client.post("/api/v1/scans", json={"url": tenant.site_url}, **bearer(tenant.token_secret))
    refused = client.post("/api/v1/scans", json={"url": tenant.site_url}, **bearer(tenant.token_secret, address="127.0.0.7"))

    assert started.status_code == 202
    assert refused.status_code == 429
    message = refused.get_json()["error"]["message"]
    assert "This token has started too many scans: at most 1 in 3600 seconds." in message
    with app.app_context():
        assert len(db.session.scalars(select(Scan.id)).all()) == 2
    # Reading the started scan is still allowed.
    assert client.get(started.headers["Location"], **bearer(tenant.token_secret, address="127.0.0.8")).status_code == 200


def test_start_limit_asks_to_wait_for_its_own_window(muzeum):
    app, tenant = muzeum
    client = app.test_client()
    client.post("/api/v1/scans", json={"url": tenant.site_url}, **bearer(tenant.token_secret))

    refused = client.post("/api/v1/scans", json={"url": tenant.site_url}, **bearer(tenant.token_secret))

    assert refused.status_code == 429
    # The hourly window of starts, not the minute of requests, decides the wait.
    assert int(refused.headers["Retry-After"]) > 60
