"""API tokens: created in the UI and shown once, stored hashed, revocable,
and used by a site's CI to start a scan and read its result."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from accounts import sign_in
from cxaudit.auth import create_api_token
from cxaudit.extensions import db
from cxaudit.models import ApiToken, AuditEntry, Institution, Role, Scan, Site
from cxaudit.rule_help import rule_help
from tenants import add_tenant

PAGES = Path(__file__).parent / "pages" / "accounts"
SECRET_PATTERN = re.compile(r"<code>(cxa_[A-Za-z0-9_-]+)</code>")


@pytest.fixture
def muzeum(any_db_app):
    any_db_app.config["WTF_CSRF_ENABLED"] = False
    return any_db_app, add_tenant(any_db_app, "muzeum", 8103)


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def create_token(app, role: Role = Role.AUDITOR) -> tuple[object, str]:
    client = app.test_client()
    sign_in(app, client, login=f"{role.value}-1", memberships={"muzeum": role})
    page = client.post("/institutions/muzeum/tokens?lang=en", data={"name": "CI of the main site"})
    assert page.status_code == 200
    match = SECRET_PATTERN.search(page.get_data(as_text=True))
    assert match, "the new token's secret is not shown"
    return client, match.group(1)


def test_auditor_creates_a_token_shown_once_and_stored_hashed(muzeum):
    app, _tenant = muzeum
    client, secret = create_token(app)

    assert secret not in client.get("/institutions/muzeum/tokens?lang=en").get_data(as_text=True)
    with app.app_context():
        token = db.session.scalar(select(ApiToken).where(ApiToken.name == "CI of the main site"))
        assert token.secret_hash != secret and secret not in token.secret_hash
        assert len(token.secret_hash) == 64
        assert secret.startswith(token.prefix)
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "token_created"))
        assert (entry.actor_login, entry.institution_id, entry.target) == ("auditor-1", token.institution_id, token.name)


def test_editor_may_not_create_tokens(muzeum):
    app, _tenant = muzeum
    client = app.test_client()
    sign_in(app, client, login="editor-1", memberships={"muzeum": Role.EDITOR})

    assert client.post("/institutions/muzeum/tokens", data={"name": "CI"}).status_code == 403


def test_token_without_name_is_refused(muzeum):
    app, _tenant = muzeum
    client = app.test_client()
    sign_in(app, client, login="auditor-1", memberships={"muzeum": Role.AUDITOR})

    page = client.post("/institutions/muzeum/tokens?lang=en", data={"name": "  "})

    assert page.status_code == 400
    assert "Name the token after where it is used" in page.get_data(as_text=True)


def test_revoked_token_is_refused(muzeum):
    app, tenant = muzeum
    client, secret = create_token(app, Role.ADMIN)
    api = app.test_client()
    assert api.get(f"/api/v1/scans/{tenant.scan_id}", headers=bearer(secret)).status_code == 200
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.name == "CI of the main site"))

    assert client.post(f"/institutions/muzeum/tokens/{token_id}/revoke").status_code == 302

    refused = api.get(f"/api/v1/scans/{tenant.scan_id}", headers=bearer(secret))
    assert refused.status_code == 401
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    assert "a revoked token no longer works" in refused.get_json()["error"]["message"]
    with app.app_context():
        assert "token_revoked" in db.session.scalars(select(AuditEntry.action)).all()


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer cxa_not-a-token", "Basic dXNlcjpwYXNz"])
def test_calls_without_a_valid_token_are_refused(muzeum, header):
    app, tenant = muzeum
    headers = {"Authorization": header} if header else {}

    response = app.test_client().get(f"/api/v1/scans/{tenant.scan_id}", headers=headers)

    assert response.status_code == 401
    assert response.get_json()["error"]["field"] is None


def test_finished_scan_status_has_its_summary(muzeum):
    app, tenant = muzeum

    body = app.test_client().get(f"/api/v1/scans/{tenant.scan_id}", headers=bearer(tenant.token_secret)).get_json()

    assert body["status"] == "finished"
    assert body["summary"]["pages_audited"] == 1
    assert body["summary"]["failing_rules"][0]["rule"] == "image-alt"


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({}, "url", "Give the address to scan in the field url."),
        ({"url": "ftp://files.example/"}, "url", "Invalid URL to scan: ftp://files.example/."),
        ({"url": "http://127.0.0.1:8103/", "max_pages": 0}, "max_pages", "max_pages is 0. Give a whole number from 1 to 1000."),
        ({"url": "http://127.0.0.1:8104/"}, "url", "http://127.0.0.1:8104/ is not on a site of this token's institution."),
        ({"url": "http://127.0.0.1:8103/", "ignore_robots": "yes"}, "ignore_robots", 'ignore_robots is "yes". Give true or false.'),
        ({"url": "http://127.0.0.1:8103/", "axe_tags": "wcag2a"}, "axe_tags", "Give axe_tags as a list of tags"),
        ({"url": "http://127.0.0.1:8103/", "axe_tags": ["wcag9"]}, "axe_tags", "wcag9"),
        ({"url": "http://127.0.0.1:8103/", "axe_rules": ["region=maybe"]}, "axe_rules", "Invalid switch for axe-core rule region: maybe."),
    ],
)
def test_bad_scan_requests_are_refused_and_nothing_is_stored(muzeum, payload, field, message):
    app, tenant = muzeum

    response = app.test_client().post("/api/v1/scans", json=payload, headers=bearer(tenant.token_secret))

    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == field
    assert message in response.get_json()["error"]["message"]
    with app.app_context():
        assert db.session.scalars(select(Scan.id)).all() == [tenant.scan_id]


def test_scan_request_stores_robots_and_axe_choices(muzeum):
    app, tenant = muzeum
    payload = {"url": "http://127.0.0.1:8103/", "ignore_robots": True, "axe_tags": ["wcag2a", "wcag21a"],
               "axe_rules": ["region=off"]}

    response = app.test_client().post("/api/v1/scans", json=payload, headers=bearer(tenant.token_secret))

    assert response.status_code == 202
    with app.app_context():
        settings = db.session.get(Scan, response.get_json()["id"]).settings
    assert settings["ignore_robots"] is True
    assert settings["axe_tags"] == ["wcag2a", "wcag21a"]
    assert settings["axe_rules"] == {"region": False}


def test_api_messages_follow_accept_language(muzeum):
    app, tenant = muzeum

    response = app.test_client().post(
        "/api/v1/scans", json={}, headers={**bearer(tenant.token_secret), "Accept-Language": "pl"}
    )

    assert response.get_json()["error"]["message"] == "Podaj adres do skanowania w polu url."


def test_ci_starts_a_scan_and_reads_its_result(make_app, browser_config, serve_directory):
    app = make_app(HUEY_IMMEDIATE=True, **browser_config)
    base_url = serve_directory(PAGES) + "/"
    with app.app_context():
        institution = Institution(slug="muzeum", name="Muzeum", default_language="en")
        db.session.add_all([institution, Site(institution=institution, base_url=base_url, settings={})])
        db.session.commit()
        _token, secret = create_api_token(institution, "CI", None)
        institution_id = institution.id
    client = app.test_client()

    started = client.post("/api/v1/scans", json={"url": base_url, "max_pages": 1}, headers=bearer(secret))

    assert started.status_code == 202
    status_url = started.headers["Location"]
    body = client.get(status_url, headers=bearer(secret)).get_json()
    assert body["status"] == "finished", body
    assert body["summary"]["pages_audited"] == 1
    assert "image-alt" in [rule["rule"] for rule in body["summary"]["failing_rules"]]
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "scan_started"))
        assert entry.actor_login.startswith("token cxa_")
        assert entry.institution_id == institution_id
        assert db.session.scalar(select(ApiToken.last_used_at)) is not None


def test_ssrf_guard_applies_to_api_scans(make_app):
    """A site registered on a loopback address is still refused when the guard does not allow loopback."""
    app = make_app(SCAN_ALLOWED_NETWORKS="")
    tenant = add_tenant(app, "muzeum", 8110)

    response = app.test_client().post(
        "/api/v1/scans", json={"url": tenant.site_url}, headers=bearer(tenant.token_secret)
    )

    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "url"
    with app.app_context():
        assert db.session.scalars(select(Scan.id)).all() == [tenant.scan_id]


def test_summary_rule_texts_follow_accept_language(muzeum):
    app, tenant = muzeum
    client = app.test_client()

    texts = {}
    for language in ("pl", "en"):
        headers = {**bearer(tenant.token_secret), "Accept-Language": language}
        body = client.get(f"/api/v1/scans/{tenant.scan_id}", headers=headers).get_json()
        texts[language] = body["summary"]["failing_rules"][0]["help"]
        with app.test_request_context(), force_locale(language):
            assert texts[language] == rule_help("axe", "image-alt", None)

    assert texts["pl"] != texts["en"]
