"""Deleting accounts (deployment administrators, web UI and CLI) and
removing members after a confirmation page: the audit log keeps every entry
with the login of whoever acted."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from accounts import add_user, sign_in, sign_in_existing
from cxaudit import audit_log
from cxaudit.cli import cli
from cxaudit.extensions import db
from cxaudit.models import ApiToken, AuditEntry, Membership, Role, User
from tenants import add_tenant
from test_admin import csrf_token


@pytest.fixture
def deployment(any_db_app):
    """The museum, its admin ola with an audit entry and an API token, and a
    deployment administrator's client."""
    app = any_db_app
    tenant = add_tenant(app, "muzeum", 8140)
    ola_id = add_user(app, "ola", {"muzeum": Role.ADMIN})
    add_user(app, "jan", {"muzeum": Role.ADMIN})
    with app.app_context():
        ola = db.session.get(User, ola_id)
        audit_log.record("survey_changed", tenant.institution_id, target=tenant.survey_public_id, actor=ola)
        token = db.session.get(ApiToken, tenant.token_id)
        token.created_by_id = ola_id
        db.session.commit()
    client = app.test_client()
    sign_in(app, client, login="root")
    return app, client, tenant, ola_id


def entries(app, **where) -> list[AuditEntry]:
    with app.app_context():
        query = select(AuditEntry).order_by(AuditEntry.id)
        for column, value in where.items():
            query = query.where(getattr(AuditEntry, column) == value)
        return list(db.session.scalars(query))


def test_deletion_asks_for_the_login_first(deployment):
    app, client, _tenant, ola_id = deployment
    path = f"/users/{ola_id}/delete?lang=en"

    page = client.get(path)
    wrong = client.post(path, data={"confirmation": "jan", "csrf_token": csrf_token(client, path)})

    assert page.status_code == 200
    assert "Type the login to confirm" in page.get_data(as_text=True)
    assert "CI of muzeum" in page.get_data(as_text=True)
    assert wrong.status_code == 400
    assert "“jan” is not the login. Type ola to delete this account." in wrong.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, ola_id) is not None


def test_deleted_account_keeps_its_audit_entries(deployment):
    app, client, tenant, ola_id = deployment
    path = f"/users/{ola_id}/delete?lang=en"

    response = client.post(path, data={"confirmation": "ola", "csrf_token": csrf_token(client, path)})

    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, ola_id) is None
        assert db.session.scalars(select(Membership).where(Membership.user_id == ola_id)).all() == []
        # The token belongs to the institution and keeps working.
        assert db.session.get(ApiToken, tenant.token_id).created_by_id is None
    [changed] = entries(app, action="survey_changed")
    assert (changed.actor_login, changed.actor_id) == ("ola", None)
    [deleted] = entries(app, action="user_deleted")
    assert (deleted.actor_login, deleted.target) == ("root", "ola")
    [removed] = entries(app, action="member_removed")
    assert (removed.institution_id, removed.target, removed.details) == (tenant.institution_id, "ola", {"account_deleted": True})
    log = client.get("/audit-log?lang=en").get_data(as_text=True)
    assert "User account deleted" in log


def test_deleted_user_is_signed_out(deployment):
    app, client, _tenant, ola_id = deployment
    ola_client = app.test_client()
    sign_in_existing(app, ola_client, ola_id)
    assert ola_client.get("/institutions/muzeum/members").status_code == 200
    path = f"/users/{ola_id}/delete"

    client.post(path, data={"confirmation": "ola", "csrf_token": csrf_token(client, path)})

    assert ola_client.get("/institutions/muzeum/members").status_code == 302


@pytest.mark.parametrize(
    ("login", "message"),
    [
        ("root", "You cannot delete your own account."),
        ("solo", "solo is the only admin of Teatr. Make another member admin there first."),
    ],
)
def test_deletion_that_would_lock_people_out_is_refused(deployment, login, message):
    app, client, _tenant, _ola_id = deployment
    add_tenant(app, "teatr", 8141)
    add_user(app, "solo", {"teatr": Role.ADMIN})
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.login == login))

    response = client.get(f"/users/{user_id}/delete?lang=en", follow_redirects=True)

    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, user_id) is not None


def test_institution_admin_may_not_delete_accounts(deployment):
    app, _client, _tenant, ola_id = deployment
    admin_client = app.test_client()
    sign_in(app, admin_client, login="ewa", memberships={"muzeum": Role.ADMIN})

    assert admin_client.get(f"/users/{ola_id}/delete").status_code == 403
    assert admin_client.post(f"/users/{ola_id}/delete", data={"confirmation": "ola"}).status_code in (400, 403)
    with app.app_context():
        assert db.session.get(User, ola_id) is not None


def test_member_removal_is_confirmed_first(deployment):
    app, _client, tenant, _ola_id = deployment
    admin_client = app.test_client()
    sign_in(app, admin_client, login="ewa", memberships={"muzeum": Role.ADMIN})
    members = admin_client.get("/institutions/muzeum/members?lang=en").get_data(as_text=True)
    path = f"/institutions/muzeum/members/{tenant.member_id}/remove?lang=en"

    confirmation = admin_client.get(path)

    assert f'href="/institutions/muzeum/members/{tenant.member_id}/remove"' in members
    assert confirmation.status_code == 200
    assert "viewer-muzeum loses the role viewer here" in confirmation.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Membership).where(Membership.user_id == tenant.member_id)) is not None

    removed = admin_client.post(path, data={"csrf_token": csrf_token(admin_client, path)})

    assert removed.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Membership).where(Membership.user_id == tenant.member_id)) is None
        assert db.session.scalar(select(User).where(User.login == "viewer-muzeum")) is not None
    [entry] = entries(app, action="member_removed")
    assert (entry.actor_login, entry.target) == ("ewa", "viewer-muzeum")


def test_cli_deletes_a_user_only_with_yes(deployment):
    app, _client, _tenant, ola_id = deployment
    runner = app.test_cli_runner()

    refused = runner.invoke(cli, ["user", "delete", "ola"])
    deleted = runner.invoke(cli, ["user", "delete", "ola", "--yes"])

    assert refused.exit_code == 1
    assert "Add --yes to delete it." in refused.output
    assert deleted.exit_code == 0, deleted.output
    assert "The account ola is deleted. The audit log keeps its entries." in deleted.output
    with app.app_context():
        assert db.session.get(User, ola_id) is None
    [entry] = entries(app, action="user_deleted")
    assert (entry.actor_login, entry.target) == ("cli", "ola")
    [changed] = entries(app, action="survey_changed")
    assert changed.actor_login == "ola"


@pytest.mark.parametrize(
    ("login", "message"),
    [
        ("nobody", "No user has the login nobody."),
        ("root", "root is the only deployment administrator. Name another one first."),
    ],
)
def test_cli_refuses_bad_deletions(deployment, login, message):
    app, _client, _tenant, _ola_id = deployment

    result = app.test_cli_runner().invoke(cli, ["user", "delete", login, "--yes"])

    assert result.exit_code == 1
    assert message in result.output
    with app.app_context():
        assert db.session.scalar(select(User.id).where(User.login == "root")) is not None
