"""The Alembic migrations build exactly the schema the models declare.

The test database is built by the migrations (conftest.py); a model column, index or
constraint without its migration (or the reverse) would pass every other test on the
migrated schema only by luck, and break the next `dispatch db upgrade` in production.
"""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from dispatch.extensions import db


def test_the_migrations_build_the_schema_the_models_declare(app):
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []
