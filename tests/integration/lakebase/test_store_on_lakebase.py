"""The deck store on Lakebase: `open_store` with Lakebase settings, through the real SDK against
the emulator and the local PostgreSQL; and two processes starting (and migrating) at once in a
schema that does not exist yet, each with its own token, ending with one schema at head."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from slidegen.emulator.api_database import LakebaseState
from slidegen.emulator.server import EmulatorServer
from slidegen.store import open_store
from slidegen.store.lakebase import credentials_of
from slidegen.store.migrate import VERSION_TABLE, head_revision

from .conftest import INSTANCE, lakebase_settings

pytestmark = pytest.mark.postgres

STORE_TABLES = {"decks", "deck_versions", "chat_messages"}
# Three rather than two: without the migration lock, more starters make the race likelier to show.
WORKERS = 3


@pytest.fixture
def fresh_schema(postgres_url: str) -> Iterator[str]:
    """A schema name that does not exist yet (the store must create it), dropped afterwards."""
    name = f"lb_{uuid.uuid4().hex[:10]}"
    yield name
    admin = sa.create_engine(postgres_url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
    admin.dispose()


def _tables(postgres_url: str, schema: str) -> set[str]:
    admin = sa.create_engine(postgres_url)
    try:
        with admin.connect() as conn:
            rows = conn.execute(
                sa.text("select table_name from information_schema.tables where table_schema = :s"),
                {"s": schema},
            )
            return {r[0] for r in rows}
    finally:
        admin.dispose()


def test_store_round_trip_on_lakebase(
    postgres_url: str, fresh_schema: str, emulator: EmulatorServer, lakebase: LakebaseState
) -> None:
    store = open_store(lakebase_settings(DATABASE_SCHEMA=fresh_schema))
    try:
        created = store.create_deck("ada@example.com", "Quarterly review")
        again = store.get_deck("ada@example.com", created.deck.id)
        assert again.deck.title == "Quarterly review"
        assert [d.title for d in store.list_decks("ada@example.com")] == ["Quarterly review"]
        cache = credentials_of(store.engine)
        assert cache is not None and cache.mint_count == 1
    finally:
        store.dispose()
    tables = _tables(postgres_url, fresh_schema)
    assert tables >= STORE_TABLES and VERSION_TABLE in tables
    assert all(token.scope == (INSTANCE,) for token in lakebase.issued)


_WORKER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from slidegen.config import load_settings
    from slidegen.store import open_store
    from slidegen.store.migrate import current_revision

    ready, go = Path(sys.argv[1]), Path(sys.argv[2])
    settings = load_settings()
    ready.touch()
    while not go.exists():  # both processes start migrating at the same moment
        time.sleep(0.005)
    store = open_store(settings)
    print(json.dumps({"revision": current_revision(store.engine)}))
    store.dispose()
    """
)


def test_two_processes_migrating_at_once_end_with_one_schema(
    postgres_url: str,
    fresh_schema: str,
    emulator: EmulatorServer,
    lakebase: LakebaseState,
    tmp_path: Path,
) -> None:
    env = {
        **os.environ,  # DATABRICKS_HOST/TOKEN of the emulator, set by the fixture
        "LAKEBASE_INSTANCE_NAME": INSTANCE,
        "LAKEBASE_DATABASE": "test",
        "PGUSER": "postgres",
        "PGSSLMODE": "disable",  # the local stand-in has no TLS
        "DATABASE_SCHEMA": fresh_schema,
    }
    go = tmp_path / "go"
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", _WORKER, str(tmp_path / f"ready-{i}"), str(go)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(WORKERS)
    ]
    deadline = time.monotonic() + 60
    while not all((tmp_path / f"ready-{i}").exists() for i in range(WORKERS)):
        assert time.monotonic() < deadline, "the workers did not start"
        assert all(w.poll() is None for w in workers), workers[0].communicate()
        time.sleep(0.02)
    go.touch()
    results = [w.communicate(timeout=90) for w in workers]
    for worker, (out, err) in zip(workers, results, strict=True):
        assert worker.returncode == 0, err
        assert json.loads(out.strip().splitlines()[-1]) == {"revision": head_revision()}
    admin = sa.create_engine(postgres_url)
    try:
        with admin.connect() as conn:
            schemas = conn.execute(
                sa.text("select count(*) from information_schema.schemata where schema_name = :s"),
                {"s": fresh_schema},
            ).scalar()
            versions = conn.execute(
                sa.text(f'select version_num from "{fresh_schema}".{VERSION_TABLE}')
            ).all()
    finally:
        admin.dispose()
    assert schemas == 1
    assert [v[0] for v in versions] == [head_revision()]
    assert _tables(postgres_url, fresh_schema) >= STORE_TABLES
    # Each process logged in with its own token, minted through the SDK.
    assert len({t.token for t in lakebase.issued}) == WORKERS
