"""Creating and upgrading the database schema with Alembic."""

from __future__ import annotations

import logging

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from cxaudit.extensions import db
from cxaudit.paths import MIGRATIONS_DIR

logger = logging.getLogger(__name__)


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def upgrade_database() -> bool:
    """Bring the schema to this version; safe to run again. Needs an app context.

    An empty database gets the models' schema in one step and is marked as
    migrated, which takes a fraction of the time of running every migration
    (tests/test_migrations.py checks both ways give the same schema). A
    database with tables gets the migrations it lacks. Returns True when the
    database was empty and its tables were created.
    """
    created = not inspect(db.engine).get_table_names()
    if created:
        create_schema()
    else:
        migrate_database()
    logger.info("Database at %s is up to date", db.engine.url.render_as_string(hide_password=True))
    return created


def migrate_database() -> None:
    """Apply every migration not yet applied. Needs an app context."""
    config = alembic_config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def create_schema() -> None:
    """Create every table of the models in an empty database and mark it as at the latest migration."""
    config = alembic_config()
    with db.engine.begin() as connection:
        db.metadata.create_all(connection)
        config.attributes["connection"] = connection
        command.stamp(config, "head")


def schema_is_current() -> bool:
    """Tell whether every migration of this version has been applied."""
    if not inspect(db.engine).has_table("alembic_version"):
        return False
    with db.engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    return set(current) == set(ScriptDirectory.from_config(alembic_config()).get_heads())
