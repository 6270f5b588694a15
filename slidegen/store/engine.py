"""Creating the store's SQLAlchemy engine: the one place that knows about database back-ends.

- SQLite (the default: a file under SLIDEGEN_DATA_DIR): WAL journal, a 30 s busy timeout,
  foreign keys on. pysqlite's own transaction handling is switched off so that we emit BEGIN
  ourselves: write transactions use `BEGIN IMMEDIATE` (see `write_connection`), which takes the
  write lock up front instead of failing with "database is locked" when a read-then-write
  transaction meets a concurrent writer.
- PostgreSQL by DATABASE_URL, or Lakebase (`slidegen.store.lakebase` builds that engine with
  rotating OAuth credentials). DATABASE_SCHEMA (or the `schema` argument) selects a schema by
  setting `search_path` on every new connection, so the table definitions stay schema-free.

Every engine pings pooled connections before use (`pool_pre_ping`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.pool import StaticPool

from slidegen.config import Settings

__all__ = [
    "create_engine_for",
    "is_sqlite",
    "store_schema",
    "validate_schema_name",
    "write_connection",
]

_SCHEMA_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
_WRITE = "slidegen_write"


def validate_schema_name(schema: str) -> str:
    if not _SCHEMA_RE.match(schema):
        raise ValueError(
            f"DATABASE_SCHEMA {schema!r} is not a plain identifier (letters, digits, _; "
            "at most 63 characters, not starting with a digit)"
        )
    return schema


def is_sqlite(engine: sa.Engine) -> bool:
    return engine.dialect.name == "sqlite"


def store_schema(settings: Settings, schema: str | None = None) -> str | None:
    """The PostgreSQL schema the store uses: the argument, else DATABASE_SCHEMA, else default."""
    chosen = schema if schema is not None else settings.database_schema
    return validate_schema_name(chosen) if chosen else None


def create_engine_for(settings: Settings, *, schema: str | None = None) -> sa.Engine:
    """The engine for the configured database, ready for the store (schema, pragmas)."""
    schema = store_schema(settings, schema)
    if _may_be_lakebase(settings):
        from slidegen.store.lakebase import create_lakebase_engine, lakebase_target

        if lakebase_target(settings) is not None:
            engine = create_lakebase_engine(settings)
            configure_engine(engine, schema)
            return engine
    engine = _plain_engine(settings.database_url_or_default)
    configure_engine(engine, schema)
    return engine


def _may_be_lakebase(settings: Settings) -> bool:
    """Cheap pre-check so that SQLite/PostgreSQL users do not import the Databricks SDK (seconds
    of start-up); `lakebase_target` makes the real decision."""
    if settings.database_url:
        return False
    return bool(settings.lakebase_endpoint or settings.lakebase_instance_name or settings.pghost)


def _plain_engine(url_text: str) -> sa.Engine:
    url = sa.make_url(url_text)
    kwargs: dict[str, Any] = {"pool_pre_ping": True}
    if url.get_backend_name() == "sqlite":
        kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
        if url.database in (None, "", ":memory:"):
            kwargs["poolclass"] = StaticPool  # one shared in-memory database
        else:
            Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    return sa.create_engine(url, **kwargs)


def configure_engine(engine: sa.Engine, schema: str | None) -> None:
    """Attach the per-connection set-up: SQLite pragmas, or the PostgreSQL search_path."""
    if is_sqlite(engine):
        _configure_sqlite(engine)
    elif schema and engine.dialect.name == "postgresql":
        _configure_pg_schema(engine, validate_schema_name(schema))


def _configure_sqlite(engine: sa.Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (see "begin" below)
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA busy_timeout = 30000")
        cursor.execute("PRAGMA foreign_keys = ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        immediate = conn.get_execution_options().get(_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _configure_pg_schema(engine: sa.Engine, schema: str) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        cursor = dbapi_conn.cursor()
        cursor.execute(f'SET search_path TO "{schema}"')
        cursor.close()
        dbapi_conn.commit()  # a SET inside a transaction that is rolled back would be undone


@contextmanager
def write_connection(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A connection in a write transaction (committed on success, rolled back on error)."""
    with engine.connect() as conn:
        conn.execution_options(**{_WRITE: True})
        with conn.begin():
            yield conn
