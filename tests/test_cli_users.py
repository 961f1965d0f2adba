"""The `cxaudit user` commands for memberships and the deployment administrator flag."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from cxaudit.cli import cli
from cxaudit.extensions import db
from cxaudit.models import AuditEntry, Role, User

PASSWORD = "correct-horse-battery"


@pytest.fixture
def runner(any_db_app, monkeypatch):
    monkeypatch.setenv("CXAUDIT_LANGUAGE", "en")
    runner = any_db_app.test_cli_runner()
    for slug in ("muzeum", "teatr"):
        assert runner.invoke(cli, ["institution", "add", slug, "--name", slug.capitalize()]).exit_code == 0
    return runner


def run(runner, *args):
    return runner.invoke(cli, list(args), input=PASSWORD + "\n")


def memberships(app, login: str) -> list[tuple[str, Role]]:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.login == login))
        return [(membership.institution.slug, membership.role) for membership in user.memberships]


def test_user_add_joins_several_institutions(any_db_app, runner):
    result = run(runner, "user", "add", "anna", "--institution", "muzeum", "--institution", "teatr", "--role", "editor", "--password-stdin")

    assert result.exit_code == 0, result.output
    assert memberships(any_db_app, "anna") == [("muzeum", Role.EDITOR), ("teatr", Role.EDITOR)]


def test_grant_changes_the_role_and_revoke_removes_it(any_db_app, runner):
    run(runner, "user", "add", "anna", "--institution", "muzeum", "--role", "viewer", "--password-stdin")
    run(runner, "user", "add", "ola", "--institution", "teatr", "--role", "admin", "--password-stdin")

    granted = run(runner, "user", "grant", "anna", "muzeum", "--role", "auditor")
    added = run(runner, "user", "grant", "anna", "teatr", "--role", "admin")
    revoked = run(runner, "user", "revoke", "anna", "muzeum")

    assert granted.exit_code == added.exit_code == revoked.exit_code == 0
    assert "anna has the role auditor in muzeum." in granted.output
    assert "anna is no longer a member of muzeum." in revoked.output
    assert memberships(any_db_app, "anna") == [("teatr", Role.ADMIN)]
    with any_db_app.app_context():
        actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.target == "anna").order_by(AuditEntry.id)).all()
    assert actions == ["user_added", "member_role_changed", "member_added", "member_removed"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["grant", "nobody", "muzeum", "--role", "viewer"], "No user has the login nobody."),
        (["grant", "anna", "opera", "--role", "viewer"], "No institution has the slug opera."),
        (["grant", "anna", "muzeum", "--role", "boss"], "boss is not a role."),
        (["revoke", "anna", "teatr"], "anna is not a member of teatr."),
        (["revoke", "anna", "muzeum"], "anna is the only admin of this institution."),
        (["grant", "anna", "muzeum", "--role", "viewer"], "anna is the only admin of this institution."),
    ],
)
def test_bad_membership_changes_are_refused(any_db_app, runner, args, message):
    run(runner, "user", "add", "anna", "--institution", "muzeum", "--role", "admin", "--password-stdin")

    result = run(runner, "user", *args)

    assert result.exit_code == 1
    assert message in result.output
    assert memberships(any_db_app, "anna") == [("muzeum", Role.ADMIN)]


def test_user_list_prints_roles(runner):
    run(runner, "user", "add", "root", "--deployment-admin", "--password-stdin")
    run(runner, "user", "add", "anna", "--institution", "muzeum", "--role", "auditor", "--password-stdin")

    result = runner.invoke(cli, ["user", "list"])

    assert result.output.splitlines() == ["anna\tmuzeum:auditor", "root\tdeployment-admin"]


def test_init_records_the_first_administrator(any_db_app, monkeypatch):
    monkeypatch.setenv("CXAUDIT_ADMIN_PASSWORD", PASSWORD)

    assert any_db_app.test_cli_runner().invoke(cli, ["init"]).exit_code == 0

    with any_db_app.app_context():
        entry = db.session.scalar(select(AuditEntry))
        assert (entry.action, entry.actor_login, entry.target) == ("user_added", "cli", "admin")
        assert entry.details == {"deployment_admin": True}
