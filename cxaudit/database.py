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


def upgrade_database() -> None:
    """Apply every migration not yet applied; safe to run again. Needs an app context."""
    config = alembic_config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    logger.info("Database at %s is up to date", db.engine.url.render_as_string(hide_password=True))


def schema_is_current() -> bool:
    """Tell whether every migration of this version has been applied."""
    if not inspect(db.engine).has_table("alembic_version"):
        return False
    with db.engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    return set(current) == set(ScriptDirectory.from_config(alembic_config()).get_heads())
