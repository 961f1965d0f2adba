"""The audit log records who did what, when and where; admins read their institution's part."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from accounts import PASSWORD, add_user, sign_in
from cxaudit.extensions import db
from cxaudit.models import AuditEntry, Role
from tenants import add_tenant


@pytest.fixture
def city(any_db_app):
    any_db_app.config["WTF_CSRF_ENABLED"] = False
    muzeum = add_tenant(any_db_app, "muzeum", 8106)
    teatr = add_tenant(any_db_app, "teatr", 8107)
    return any_db_app, muzeum, teatr


def entries(app) -> list[tuple]:
    with app.app_context():
        rows = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        return [(row.action, row.actor_login, row.institution_id, row.target) for row in rows]


def test_sign_ins_are_recorded_with_the_address(city):
    app, _muzeum, _teatr = city
    add_user(app, "anna", deployment_admin=True)
    client = app.test_client()

    client.post("/login", data={"login": "anna", "password": "wrong password"})
    client.post("/login", data={"login": "anna", "password": PASSWORD})

    assert entries(app) == [("sign_in_failed", "anna", None, None), ("sign_in", "anna", None, None)]
    with app.app_context():
        assert db.session.scalars(select(AuditEntry.address)).all() == ["127.0.0.1", "127.0.0.1"]


def test_institution_changes_are_recorded_in_their_institution(city):
    app, muzeum, _teatr = city
    client = app.test_client()
    sign_in(app, client, login="anna", memberships={"muzeum": Role.ADMIN})

    client.post("/institutions/muzeum/sites", data={"base_url": "http://127.0.0.1:8108/"})
    client.post(f"/institutions/muzeum/surveys/{muzeum.survey_public_id}/active")
    client.get(f"/institutions/muzeum/surveys/{muzeum.survey_public_id}/answers.csv")
    client.get(f"/scans/{muzeum.scan_id}.json")
    client.get("/institutions/muzeum/scorecard.json")
    client.post("/scans", data={"url": muzeum.site_url, "max_pages": "1"})

    assert entries(app) == [
        ("site_added", "anna", muzeum.institution_id, "http://127.0.0.1:8108/"),
        ("survey_paused", "anna", muzeum.institution_id, muzeum.survey_public_id),
        ("answers_exported", "anna", muzeum.institution_id, muzeum.survey_public_id),
        ("scan_exported", "anna", muzeum.institution_id, muzeum.site_url),
        ("scorecard_downloaded", "anna", muzeum.institution_id, "muzeum"),
        ("scan_started", "anna", muzeum.institution_id, muzeum.site_url),
    ]


def test_institution_admin_reads_only_the_own_log(city):
    app, muzeum, teatr = city
    anna, piotr = app.test_client(), app.test_client()
    sign_in(app, anna, login="anna", memberships={"muzeum": Role.ADMIN})
    sign_in(app, piotr, login="piotr", memberships={"teatr": Role.ADMIN})
    anna.post("/institutions/muzeum/sites", data={"base_url": "http://127.0.0.1:8108/"})
    piotr.post("/institutions/teatr/sites", data={"base_url": "http://127.0.0.1:8109/"})

    log = anna.get("/institutions/muzeum/audit-log?lang=en").get_data(as_text=True)

    assert "http://127.0.0.1:8108/" in log
    assert "http://127.0.0.1:8109/" not in log
    assert "piotr" not in log
    assert anna.get("/institutions/teatr/audit-log").status_code == 404


def test_deployment_admin_reads_every_entry_and_filters_them(city):
    app, _muzeum, _teatr = city
    anna, root = app.test_client(), app.test_client()
    sign_in(app, anna, login="anna", memberships={"muzeum": Role.ADMIN})
    sign_in(app, root, login="root")
    anna.post("/institutions/muzeum/sites", data={"base_url": "http://127.0.0.1:8108/"})
    root.post("/institutions", data={"slug": "biblioteka", "name": "Biblioteka", "default_language": "en"})

    log = root.get("/audit-log?lang=en").get_data(as_text=True)
    only_sites = root.get("/audit-log?lang=en&action=site_added").get_data(as_text=True)

    assert "Site added" in log
    assert "Institution added" in log
    assert "biblioteka" in log
    assert "http://127.0.0.1:8108/" in only_sites
    assert "biblioteka" not in only_sites


def test_funnel_changes_are_recorded(city):
    app, muzeum, _teatr = city
    client = app.test_client()
    sign_in(app, client, login="ewa", memberships={"muzeum": Role.EDITOR})

    client.post("/institutions/muzeum/funnels", data={"name": "Tickets", "steps": "cart\npaid"})
    client.post(f"/institutions/muzeum/funnels/{muzeum.funnel_id}/delete")

    assert entries(app) == [
        ("funnel_added", "ewa", muzeum.institution_id, "Tickets"),
        ("funnel_deleted", "ewa", muzeum.institution_id, "Booking at muzeum"),
    ]


def test_inquiry_token_is_recorded(city):
    app, muzeum, _teatr = city
    client = app.test_client()
    sign_in(app, client, login="ewa", memberships={"muzeum": Role.EDITOR})

    assert client.post("/institutions/muzeum/inquiries/token").status_code == 200

    assert entries(app) == [("inquiry_token_created", "ewa", muzeum.institution_id, None)]


def test_scan_cancel_is_recorded(city):
    app, muzeum, _teatr = city
    client = app.test_client()
    sign_in(app, client, login="jan", memberships={"muzeum": Role.AUDITOR})
    client.post("/scans", data={"url": muzeum.site_url, "max_pages": "1"})
    with app.app_context():
        queued_id = db.session.scalar(select(AuditEntry.details).where(AuditEntry.action == "scan_started"))["scan"]

    assert client.post(f"/scans/{queued_id}/cancel").status_code == 302

    assert entries(app)[-1] == ("scan_cancelled", "jan", muzeum.institution_id, muzeum.site_url)
