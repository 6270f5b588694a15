"""The whole store suite on the local PostgreSQL, plus what only PostgreSQL can show: tables in
the configured schema, and two processes migrating a fresh schema at the same moment.

Each test gets a fresh schema (`postgres_schema` from tests/conftest.py). Where PostgreSQL is
not reachable these tests skip, except in CI (SLIDEGEN_REQUIRE_SERVICES=1), where they fail.
"""

from __future__ import annotations

import multiprocessing
from typing import Any

import pytest
import sqlalchemy as sa

from slidegen.config import Settings, load_settings
from slidegen.store import ChangeKind, open_store
from slidegen.store.migrate import VERSION_TABLE, current_revision, head_revision
from tests.unit.store import test_store as suite

pytestmark = pytest.mark.postgres

# Re-run every test of the SQLite suite here, with the fixture below overriding its settings.
globals().update({name: value for name, value in vars(suite).items() if name.startswith("test_")})
open_one = suite.open_one
store = suite.store


@pytest.fixture
def store_settings(postgres_url: str, postgres_schema: str) -> Settings:
    return load_settings(DATABASE_URL=postgres_url, DATABASE_SCHEMA=postgres_schema)


def test_tables_live_in_the_configured_schema(
    store_settings: Settings, postgres_url: str, postgres_schema: str
) -> None:
    store = open_store(store_settings)
    try:
        store.create_deck("alice", "In my schema")
    finally:
        store.dispose()
    engine = sa.create_engine(postgres_url)
    try:
        tables = set(sa.inspect(engine).get_table_names(schema=postgres_schema))
        assert {"decks", "deck_versions", "chat_messages", VERSION_TABLE} <= tables
        with engine.connect() as conn:
            count = conn.execute(sa.text(f'SELECT count(*) FROM "{postgres_schema}".decks'))
            assert count.scalar() == 1
    finally:
        engine.dispose()


def test_schema_is_created_when_missing(postgres_url: str, postgres_schema: str) -> None:
    fresh = postgres_schema + "_new"
    store = open_store(load_settings(DATABASE_URL=postgres_url, DATABASE_SCHEMA=fresh))
    engine = sa.create_engine(postgres_url)
    try:
        assert current_revision(store.engine) == head_revision()
        assert "decks" in sa.inspect(engine).get_table_names(schema=fresh)
    finally:
        store.dispose()
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{fresh}" CASCADE'))
        engine.dispose()


def test_bad_schema_name_is_refused(postgres_url: str) -> None:
    with pytest.raises(ValueError, match="DATABASE_SCHEMA"):
        open_store(load_settings(DATABASE_URL=postgres_url, DATABASE_SCHEMA='x"; DROP TABLE y'))


def _migrate_in_child(url: str, schema: str, barrier: Any, results: Any, owner: str) -> None:
    """Child process: wait for the sibling, then open (and migrate) the store and write to it."""
    try:
        barrier.wait(timeout=60)
        store = open_store(load_settings(DATABASE_URL=url, DATABASE_SCHEMA=schema))
        record = store.create_deck(owner, f"deck of {owner}")
        store.save_deck(
            owner, record.deck, base_version=1, kind=ChangeKind.RENAME, summary="x", actor=owner
        )
        store.dispose()
        results.put((owner, "ok"))
    except Exception as error:  # reported to the parent, which fails the test with it
        results.put((owner, f"{type(error).__name__}: {error}"))


@pytest.mark.timeout(120)
def test_two_processes_migrating_a_fresh_schema_at_once(
    postgres_url: str, postgres_schema: str
) -> None:
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    results = ctx.Queue()
    children = [
        ctx.Process(
            target=_migrate_in_child, args=(postgres_url, postgres_schema, barrier, results, who)
        )
        for who in ("p1", "p2")
    ]
    for child in children:
        child.start()
    for child in children:
        child.join(timeout=90)
    outcomes = dict(results.get(timeout=5) for _ in children)
    assert outcomes == {"p1": "ok", "p2": "ok"}
    assert all(child.exitcode == 0 for child in children)
    engine = sa.create_engine(postgres_url)
    try:
        with engine.connect() as conn:
            revisions = conn.execute(
                sa.text(f'SELECT version_num FROM "{postgres_schema}".{VERSION_TABLE}')
            ).all()
            decks = conn.execute(sa.text(f'SELECT count(*) FROM "{postgres_schema}".decks'))
            assert [r[0] for r in revisions] == [head_revision()]
            assert decks.scalar() == 2
    finally:
        engine.dispose()
