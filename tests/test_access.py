"""Members of one institution can neither read nor change another's data,
through any admin page or API endpoint, including pages added later."""

from __future__ import annotations

import pytest
from flask_login import login_user
from sqlalchemy import func, select
from werkzeug.exceptions import NotFound

from accounts import add_user, sign_in, sign_in_existing
from cxaudit.access import ACCESS_MARKER, scan_or_404
from cxaudit.extensions import db
from cxaudit.models import ApiToken, Membership, Role, Scan, Survey, User
from tenants import add_tenant

# Endpoints anyone may call: the widget, its public API and its OpenAPI document, static files and signing in.
PUBLIC_BLUEPRINTS = {"widget", "api", "openapi"}
PUBLIC_ENDPOINTS = {"static", "admin.login"}
# A file format is no object of an institution; these are valid values of it.
FORMATS = {"scorecard.download": "json", "admin.survey_qr": "png", "admin.scan_export": "json"}


def guarded_rules(app):
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.partition(".")[0] if "." in rule.endpoint else None
        if rule.endpoint in PUBLIC_ENDPOINTS or blueprint in PUBLIC_BLUEPRINTS:
            continue
        yield rule


def url_for_tenant(app, rule, tenant) -> str:
    """Build the rule's address from the tenant's ids; fail for an argument the test does not know."""
    known = {
        "slug": tenant.slug,
        "scan_id": tenant.scan_id,
        "site_id": tenant.site_id,
        "public_id": tenant.survey_public_id,
        "token_id": tenant.token_id,
        "user_id": tenant.member_id,
        "funnel_id": tenant.funnel_id,
        "fmt": FORMATS.get(rule.endpoint, "json"),
    }
    unknown = rule.arguments - known.keys()
    assert not unknown, f"{rule.endpoint}: teach this test the view arguments {unknown}"
    with app.test_request_context():
        adapter = app.url_map.bind("localhost")
        return adapter.build(rule.endpoint, {name: known[name] for name in rule.arguments})


def methods(rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


@pytest.fixture
def city(any_db_app):
    """Two institutions; the client is signed in as the admin of the first."""
    any_db_app.config["WTF_CSRF_ENABLED"] = False
    muzeum = add_tenant(any_db_app, "muzeum", 8101)
    teatr = add_tenant(any_db_app, "teatr", 8102)
    client = any_db_app.test_client()
    sign_in(any_db_app, client, login="anna", memberships={"muzeum": Role.ADMIN})
    return any_db_app, client, muzeum, teatr


def test_every_guarded_view_carries_an_access_rule(any_db_app):
    unguarded = [
        rule.endpoint
        for rule in guarded_rules(any_db_app)
        if not hasattr(any_db_app.view_functions[rule.endpoint], ACCESS_MARKER)
    ]
    assert unguarded == []


def test_other_institution_urls_not_found(city):
    app, client, muzeum, teatr = city
    checked = []
    for rule in guarded_rules(app):
        if not rule.arguments or rule.endpoint.startswith("api_"):
            continue
        url = url_for_tenant(app, rule, teatr)
        # Deployment administrators' pages return 403 to everyone else, because they contain no institution's data.
        expected = 403 if getattr(app.view_functions[rule.endpoint], ACCESS_MARKER) == "deployment" else 404
        for method in methods(rule):
            response = client.open(url, method=method, data={"role": "admin", "name": "x", "login": "anna"})
            assert response.status_code == expected, f"{method} {url} answered {response.status_code}"
            assert "comment of teatr" not in response.get_data(as_text=True)
            checked.append(f"{method} {rule.endpoint}")
    assert len(checked) >= 15

    with app.app_context():
        survey = db.session.scalar(select(Survey).where(Survey.public_id == teatr.survey_public_id))
        assert survey.active and survey.settings == {}
        assert db.session.get(Membership, 1) is not None
        assert db.session.get(ApiToken, teatr.token_id).revoked_at is None
        assert db.session.get(Membership, 2).role is Role.VIEWER


def test_own_institution_urls_open(city):
    """The control of the test above: its addresses are valid, so its 404s come from the access check."""
    app, client, muzeum, teatr = city
    for rule in guarded_rules(app):
        if not rule.arguments or "GET" not in rule.methods or rule.endpoint.startswith("api_"):
            continue
        if getattr(app.view_functions[rule.endpoint], ACCESS_MARKER) == "deployment":
            continue  # Closed to institution admins by design; tested on its own.
        url = url_for_tenant(app, rule, muzeum)
        response = client.get(url)
        assert response.status_code in (200, 302), f"GET {url} answered {response.status_code}"


def test_signed_out_visitors_are_sent_to_sign_in(city):
    app, _client, muzeum, _teatr = city
    client = app.test_client()
    for rule in guarded_rules(app):
        if rule.endpoint.startswith("api_"):
            continue
        url = url_for_tenant(app, rule, muzeum)
        for method in methods(rule):
            response = client.open(url, method=method)
            assert response.status_code == 302, f"{method} {url}"
            assert "/login" in response.headers["Location"]


def test_api_token_cannot_read_another_institutions_scan(city):
    app, _client, muzeum, teatr = city
    client = app.test_client()
    own = client.get(f"/api/v1/scans/{muzeum.scan_id}", headers={"Authorization": f"Bearer {muzeum.token_secret}"})
    other = client.get(f"/api/v1/scans/{teatr.scan_id}", headers={"Authorization": f"Bearer {muzeum.token_secret}"})

    assert own.status_code == 200
    assert other.status_code == 404
    assert other.get_json()["error"]["message"] == f"No scan of this token's institution has the id {teatr.scan_id}."


def test_api_token_cannot_scan_another_institutions_site(city):
    app, _client, muzeum, teatr = city
    client = app.test_client()
    response = client.post(
        "/api/v1/scans", json={"url": teatr.site_url}, headers={"Authorization": f"Bearer {muzeum.token_secret}"}
    )

    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "url"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Scan)) == 2


def test_lists_show_only_the_own_institution(city):
    app, client, muzeum, teatr = city
    index = client.get("/?lang=en").get_data(as_text=True)
    scans = client.get("/scans?lang=en").get_data(as_text=True)

    assert "/institutions/muzeum" in index
    assert "/institutions/teatr" not in index
    assert "Add an institution" not in index
    assert f"/scans/{muzeum.scan_id}" in scans
    assert f"/scans/{teatr.scan_id}" not in scans


def test_scan_form_refuses_another_institutions_site(city):
    app, client, _muzeum, teatr = city
    response = client.post("/scans?lang=en", data={"url": teatr.site_url, "max_pages": "5"})

    assert response.status_code == 200
    assert f"{teatr.site_url} is not on a site of an institution where you run scans." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Scan)) == 2


def test_deployment_pages_are_forbidden_to_institution_admins(city):
    _app, client, _muzeum, _teatr = city
    for path in ("/users", "/audit-log", "/institutions/muzeum/delete"):
        assert client.get(path).status_code == 403
    assert client.get("/institutions/muzeum/export.zip").status_code == 200
    assert client.post("/institutions", data={"slug": "nowe", "name": "Nowe", "default_language": "en"}).status_code == 403


@pytest.mark.parametrize(
    ("role", "allowed", "forbidden"),
    [
        (Role.VIEWER, ["", "/scorecard"], ["/surveys/{survey}", "/tokens", "/members", "/audit-log", "/scan"]),
        (
            Role.EDITOR,
            ["", "/surveys/{survey}", "/surveys/{survey}/answers", "/funnels", "/inquiries"],
            ["/tokens", "/members", "/scan"],
        ),
        (Role.AUDITOR, ["", "/tokens", "/scan"], ["/surveys/{survey}", "/funnels", "/inquiries", "/members", "/audit-log"]),
        (Role.ADMIN, ["/surveys/{survey}", "/tokens", "/members", "/audit-log", "/scan"], []),
    ],
)
def test_roles_open_their_pages_and_forbid_the_others(city, role, allowed, forbidden):
    app, _client, muzeum, _teatr = city
    client = app.test_client()
    user_id = add_user(app, f"{role.value}-member", {"muzeum": role})
    sign_in_existing(app, client, user_id)

    def path(suffix: str) -> str:
        if suffix == "/scan":
            return f"/scans/{muzeum.scan_id}"
        return f"/institutions/muzeum{suffix}".replace("{survey}", muzeum.survey_public_id)

    for suffix in allowed:
        assert client.get(path(suffix)).status_code == 200, path(suffix)
    for suffix in forbidden:
        assert client.get(path(suffix)).status_code == 403, path(suffix)


def test_scan_or_404_checks_the_scan_institution(city):
    """Views that read scan ids from the query string check them with scan_or_404."""
    app, _client, muzeum, teatr = city
    with app.test_request_context():
        login_user(db.session.scalar(select(User).where(User.login == "anna")))

        assert scan_or_404(muzeum.scan_id).id == muzeum.scan_id
        with pytest.raises(NotFound):
            scan_or_404(teatr.scan_id)
        with pytest.raises(NotFound):
            scan_or_404(999)


def test_scan_comparison_hides_another_institutions_scan(city):
    """The comparison page reads its scan ids from the query string, which the URL rules do not show."""
    _app, client, muzeum, teatr = city

    across = client.get(f"/scans/diff?base={teatr.scan_id}&compared={muzeum.scan_id}")
    own = client.get(f"/scans/diff?base={muzeum.scan_id}&compared={muzeum.scan_id}")

    assert across.status_code == 404
    assert own.status_code != 404


def test_scans_page_offers_the_form_only_to_scanners(city):
    app, _client, _muzeum, _teatr = city
    viewer, auditor = app.test_client(), app.test_client()
    sign_in(app, viewer, login="ewa", memberships={"muzeum": Role.VIEWER})
    sign_in(app, auditor, login="jan", memberships={"muzeum": Role.AUDITOR})

    viewer_page = viewer.get("/scans?lang=en").get_data(as_text=True)
    auditor_page = auditor.get("/scans?lang=en").get_data(as_text=True)

    assert "Your roles include no scans." in viewer_page
    assert "Start the scan" not in viewer_page
    assert "Start the scan" in auditor_page
