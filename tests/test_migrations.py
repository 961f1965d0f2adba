"""The migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from cxaudit.database import upgrade_database
from cxaudit.extensions import db
from cxaudit.models import Base


def test_migrations_match_models(any_db_app):
    with any_db_app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_upgrade_twice_is_harmless(any_db_app):
    with any_db_app.app_context():
        upgrade_database()
        upgrade_database()
