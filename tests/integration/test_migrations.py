"""The Alembic migrations build exactly the schema the code uses, and run twice harmlessly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from assistant.adapters.db.migrate import upgrade
from assistant.adapters.db.tables import metadata


def test_migrated_schema_matches_the_model(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = compare_metadata(context, metadata)
    assert differences == []


def test_upgrade_is_idempotent_and_versioned(engine):
    upgrade(engine)
    inspector = inspect(engine)
    assert {"practices", "practitioners", "appointment_types", "patients", "appointments", "audit_events"} <= set(
        inspector.get_table_names()
    )
    with engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == "0001"
