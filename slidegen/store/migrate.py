"""Schema migrations (alembic, scripts in `migrations/`), run at start-up by `open_store`.

Idempotent (alembic records the revision in `slidegen_alembic_version`) and safe when several
processes start at once: the whole upgrade runs in one transaction under a lock, so the second
process waits, then finds the schema at head and does nothing.
- PostgreSQL: `pg_advisory_xact_lock` (released at commit); DDL is transactional, so a failed
  migration leaves nothing half-done. The schema is created first if it does not exist.
- SQLite: an exclusive `flock` on `<database>.migrate.lock` beside the database file, plus the
  migration's own transaction.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

__all__ = ["MIGRATIONS_DIR", "current_revision", "head_revision", "upgrade"]

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
VERSION_TABLE = "slidegen_alembic_version"
# Any fixed 64-bit number, the same in every process of every version of the app.
_PG_LOCK_KEY = 0x5119E6E0_00000001


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(_config()).get_current_head() or ""


def current_revision(engine: sa.Engine) -> str | None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
        return context.get_current_revision()


def upgrade(engine: sa.Engine, schema: str | None = None, revision: str = "head") -> None:
    """Bring the database to the newest revision (or `revision`, for migration tests);
    `schema` (PostgreSQL) is created if missing (the engine's connections already use it)."""
    config = _config()
    with _sqlite_file_lock(engine), engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn.execution_options(slidegen_write=True)  # BEGIN IMMEDIATE
        with conn.begin():
            if engine.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
                if schema:
                    conn.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
            config.attributes["connection"] = conn
            command.upgrade(config, revision)


@contextmanager
def _sqlite_file_lock(engine: sa.Engine) -> Iterator[None]:
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    lock_path = Path(database).expanduser().resolve().with_suffix(".migrate.lock")
    with lock_path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
