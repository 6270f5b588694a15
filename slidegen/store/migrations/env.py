"""Alembic environment: always run programmatically by `slidegen.store.migrate` on a connection
it opened (and locked); there is no alembic.ini and no offline (SQL script) mode."""

from __future__ import annotations

from alembic import context

from slidegen.store.tables import metadata

VERSION_TABLE = "slidegen_alembic_version"

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through slidegen.store.migrate.upgrade(engine)")

context.configure(
    connection=connection,
    target_metadata=metadata,
    version_table=VERSION_TABLE,
    render_as_batch=connection.dialect.name == "sqlite",
)
# The caller's connection is already in a transaction: this joins it.
with context.begin_transaction():
    context.run_migrations()
