"""Institution admins manage their members; deployment administrators manage accounts."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from accounts import PASSWORD, add_user, sign_in, sign_in_existing
from cxaudit.extensions import db
from cxaudit.models import AuditEntry, Membership, Role, User
from tenants import add_tenant

GENERATED_PASSWORD = re.compile(r"<code>([A-Za-z0-9_-]{16})</code>")


@pytest.fixture
def muzeum(any_db_app):
    any_db_app.config["WTF_CSRF_ENABLED"] = False
    tenant = add_tenant(any_db_app, "muzeum", 8105)
    client = any_db_app.test_client()
    sign_in(any_db_app, client, login="anna", memberships={"muzeum": Role.ADMIN})
    return any_db_app, client, tenant


def roles(app, slug_id: int) -> dict[str, Role]:
    with app.app_context():
        rows = db.session.execute(
            select(User.login, Membership.role).join(Membership).where(Membership.institution_id == slug_id)
        ).all()
        return dict(rows)


def test_admin_adds_a_new_account_with_a_generated_password(muzeum):
    app, client, tenant = muzeum

    page = client.post("/institutions/muzeum/members?lang=en", data={"login": "jan", "role": "editor"})

    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "The password of jan is shown only now." in text
    password = GENERATED_PASSWORD.search(text).group(1)
    assert roles(app, tenant.institution_id)["jan"] is Role.EDITOR
    with app.app_context():
        assert db.session.scalar(select(User).where(User.login == "jan")).check_password(password)
        actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["user_added", "member_added"]


def test_admin_adds_an_existing_account(muzeum):
    app, client, tenant = muzeum
    add_user(app, "ola")

    page = client.post("/institutions/muzeum/members?lang=en", data={"login": "ola", "role": "auditor"})

    assert page.status_code == 200
    assert "shown only now" not in page.get_data(as_text=True)
    assert roles(app, tenant.institution_id)["ola"] is Role.AUDITOR


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"login": "viewer-muzeum", "role": "editor"}, "viewer-muzeum is already a member."),
        ({"login": "ola", "role": "editor", "password": "another pass"}, "ola already has an account and keeps its password."),
        ({"login": "kuba", "role": "editor", "password": "short"}, "The password is too short"),
        ({"login": "kuba", "role": "boss"}, "Not a valid choice"),
    ],
)
def test_bad_member_input_is_refused_and_nothing_changes(muzeum, data, message):
    app, client, tenant = muzeum
    add_user(app, "ola")
    before = roles(app, tenant.institution_id)

    page = client.post("/institutions/muzeum/members?lang=en", data=data)

    assert page.status_code == 400
    assert message in page.get_data(as_text=True)
    assert roles(app, tenant.institution_id) == before
    with app.app_context():
        assert db.session.scalar(select(User).where(User.login == "kuba")) is None


def test_admin_changes_a_role_and_removes_a_member(muzeum):
    app, client, tenant = muzeum

    client.post(f"/institutions/muzeum/members/{tenant.member_id}/role", data={"role": "auditor"})
    assert roles(app, tenant.institution_id)["viewer-muzeum"] is Role.AUDITOR

    client.post(f"/institutions/muzeum/members/{tenant.member_id}/remove")
    assert "viewer-muzeum" not in roles(app, tenant.institution_id)
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        assert [(e.action, e.target, e.details) for e in entries] == [
            ("member_role_changed", "viewer-muzeum", {"old": "viewer", "new": "auditor"}),
            ("member_removed", "viewer-muzeum", {}),
        ]


def test_last_admin_stays(muzeum):
    app, client, tenant = muzeum
    with app.app_context():
        anna_id = db.session.scalar(select(User.id).where(User.login == "anna"))

    demoted = client.post(f"/institutions/muzeum/members/{anna_id}/role?lang=en", data={"role": "viewer"})
    removed = client.post(f"/institutions/muzeum/members/{anna_id}/remove?lang=en")

    assert demoted.status_code == removed.status_code == 302
    assert "anna is the only admin of this institution." in client.get("/institutions/muzeum/members?lang=en").get_data(as_text=True)
    assert roles(app, tenant.institution_id)["anna"] is Role.ADMIN


def test_deployment_admin_adds_accounts_and_names_administrators(any_db_app):
    any_db_app.config["WTF_CSRF_ENABLED"] = False
    client = any_db_app.test_client()
    sign_in(any_db_app, client, login="root")

    page = client.post("/users?lang=en", data={"login": "ewa", "password": "a long password"})
    assert page.status_code == 200
    assert "shown only now" not in page.get_data(as_text=True)
    with any_db_app.app_context():
        ewa_id = db.session.scalar(select(User.id).where(User.login == "ewa"))

    client.post(f"/users/{ewa_id}/deployment-admin")
    ewa = any_db_app.test_client()
    sign_in_existing(any_db_app, ewa, ewa_id)
    assert ewa.get("/users").status_code == 200

    client.post(f"/users/{ewa_id}/deployment-admin")
    assert ewa.get("/users").status_code == 403


def test_last_deployment_admin_stays(any_db_app):
    any_db_app.config["WTF_CSRF_ENABLED"] = False
    client = any_db_app.test_client()
    root_id = sign_in(any_db_app, client, login="root")

    client.post(f"/users/{root_id}/deployment-admin")

    assert "root is the only deployment administrator." in client.get("/users?lang=en").get_data(as_text=True)
    with any_db_app.app_context():
        assert db.session.get(User, root_id).is_deployment_admin


def test_member_without_institutions_is_told_whom_to_ask(any_db_app):
    client = any_db_app.test_client()
    sign_in(any_db_app, client, login="nobody", memberships={})

    page = client.get("/?lang=en").get_data(as_text=True)

    assert "Your account belongs to no institution yet." in page
    assert PASSWORD not in page


def test_deployment_admin_resets_a_lost_password(any_db_app):
    any_db_app.config["WTF_CSRF_ENABLED"] = False
    root = any_db_app.test_client()
    sign_in(any_db_app, root, login="root")
    ola_id = add_user(any_db_app, "ola", {})
    ola = any_db_app.test_client()
    sign_in_existing(any_db_app, ola, ola_id)

    page = root.post(f"/users/{ola_id}/password?lang=en").get_data(as_text=True)

    assert "The password of ola is shown only now." in page
    password = GENERATED_PASSWORD.search(page).group(1)
    with any_db_app.app_context():
        user = db.session.get(User, ola_id)
        assert user.check_password(password)
        assert not user.check_password(PASSWORD)
        assert db.session.scalar(select(AuditEntry.action)) == "password_reset"
    assert ola.get("/").status_code == 302


def test_institution_admin_cannot_reset_passwords(muzeum):
    app, client, tenant = muzeum

    assert client.post(f"/users/{tenant.member_id}/password").status_code == 403
    with app.app_context():
        assert db.session.get(User, tenant.member_id).check_password(PASSWORD)
