"""The migrations build exactly the schema the models describe, and so does a new database."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from cxaudit.database import create_schema, migrate_database, schema_is_current, upgrade_database
from cxaudit.extensions import db
from cxaudit.models import Base


def empty_database() -> None:
    """Drop every table (and, on PostgreSQL, every enum type of the models) and the migration mark."""
    Base.metadata.drop_all(db.engine)
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    assert inspect(db.engine).get_table_names() == []


def describe_schema() -> dict:
    """Reflect every table: columns with type, nullability and server default, indexes, keys."""
    inspector = inspect(db.engine)
    schema = {}
    for table in sorted(inspector.get_table_names()):
        schema[table] = {
            # Sorted: a migration adds its columns last, the models declare them anywhere.
            "columns": sorted(
                (column["name"], str(column["type"]), column["nullable"], _default(column["default"]))
                for column in inspector.get_columns(table)
            ),
            "primary_key": inspector.get_pk_constraint(table)["constrained_columns"],
            "indexes": sorted(
                (index["name"], tuple(index["column_names"]), bool(index["unique"]))
                for index in inspector.get_indexes(table)
            ),
            "unique": sorted(tuple(constraint["column_names"]) for constraint in inspector.get_unique_constraints(table)),
            "foreign_keys": sorted(
                (tuple(key["constrained_columns"]), key["referred_table"], tuple(key["referred_columns"]),
                 (key.get("options") or {}).get("ondelete"))
                for key in inspector.get_foreign_keys(table)
            ),
        }
    return schema


def _default(default: str | None) -> str | None:
    # SQLite keeps a default as written ('{}' or '1'), PostgreSQL with a cast ('{}'::json).
    return default.split("::")[0].strip("'") if default else None


def test_migrations_match_models(any_db_app):
    with any_db_app.app_context():
        empty_database()
        migrate_database()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_new_database_gets_the_migrated_schema(any_db_app):
    with any_db_app.app_context():
        empty_database()
        migrate_database()
        migrated = describe_schema()

        empty_database()
        create_schema()
        created = describe_schema()

    assert created.keys() == migrated.keys()
    for table in migrated:
        assert created[table] == migrated[table], table


@pytest.mark.parametrize("make_schema", [create_schema, migrate_database])
def test_upgrade_after_either_way_is_harmless(any_db_app, make_schema):
    with any_db_app.app_context():
        empty_database()
        make_schema()
        assert schema_is_current()
        upgrade_database()
        upgrade_database()
        assert schema_is_current()
