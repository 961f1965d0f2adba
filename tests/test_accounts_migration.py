"""Migration 0007 moves global roles to memberships without taking access away."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from cxaudit.database import alembic_config
from cxaudit.extensions import db

USERS = [(1, "admin", "admin"), (2, "anna", "auditor"), (3, "ewa", "viewer")]


def migrate(revision: str, downgrade: bool = False) -> None:
    config = alembic_config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if downgrade else command.upgrade)(config, revision)


def test_upgrade_moves_roles_and_downgrade_restores_them(any_db_app):
    with any_db_app.app_context():
        migrate("0006", downgrade=True)
        with db.engine.begin() as connection:
            for slug in ("muzeum", "teatr"):
                connection.execute(
                    text(
                        "INSERT INTO institution (slug, name, default_language, created_at) "
                        "VALUES (:slug, :slug, 'pl', CURRENT_TIMESTAMP)"
                    ),
                    {"slug": slug},
                )
            for user_id, login, role in USERS:
                connection.execute(
                    text(
                        "INSERT INTO user_account (id, login, password_hash, role, created_at) "
                        "VALUES (:id, :login, 'x', :role, CURRENT_TIMESTAMP)"
                    ),
                    {"id": user_id, "login": login, "role": role},
                )

        migrate("head")
        with db.engine.connect() as connection:
            admins = connection.execute(
                text("SELECT login FROM user_account WHERE is_deployment_admin ORDER BY login")
            ).scalars().all()
            memberships = connection.execute(
                text(
                    "SELECT user_account.login, institution.slug, membership.role FROM membership "
                    "JOIN user_account ON user_account.id = membership.user_id "
                    "JOIN institution ON institution.id = membership.institution_id ORDER BY 1, 2"
                )
            ).all()
        assert admins == ["admin"]
        assert [tuple(row) for row in memberships] == [
            ("anna", "muzeum", "auditor"),
            ("anna", "teatr", "auditor"),
            ("ewa", "muzeum", "viewer"),
            ("ewa", "teatr", "viewer"),
        ]

        migrate("0006", downgrade=True)
        with db.engine.connect() as connection:
            roles = connection.execute(text("SELECT login, role FROM user_account ORDER BY id")).all()
        assert [tuple(row) for row in roles] == [(login, role) for _id, login, role in USERS]
        migrate("head")
