"""Suite-wide fixtures: the local services (PostgreSQL, Redis) and a clean settings cache.

Tests that need a service take the `postgres_url` / `redis_url` fixture. Where the service is not
reachable the test is skipped, except when SLIDEGEN_REQUIRE_SERVICES=1 (CI), where it fails: a
skipped PostgreSQL test in CI is a failure.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator

import pytest

from tests.support.require import missing

POSTGRES_URL = os.environ.get(
    "SLIDEGEN_TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("SLIDEGEN_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


# With workers (`scripts/dev test` runs pytest-xdist, a file to a worker, in this order) the tiers
# whose files run for tens of seconds go first and the many short unit files fill in at the end,
# so the two workers finish together instead of one waiting on the last long file.
_WORKER_ORDER = ("tests/e2e/", "tests/security/", "tests/integration/", "tests/unit/")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not hasattr(config, "workerinput"):  # set on xdist workers, which collect and run
        return  # one process: the configured order, unit tests first, so a break shows early

    def tier(item: pytest.Item) -> int:
        path = item.nodeid.replace(os.sep, "/")
        return next((n for n, top in enumerate(_WORKER_ORDER) if path.startswith(top)), 0)

    items.sort(key=tier)  # stable: the order inside a tier stays as collected


def _reachable(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(autouse=True)
def _fresh_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Settings are cached per process; every test starts from the environment it sets."""
    from slidegen.config import get_settings

    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def postgres_url() -> str:
    if not _reachable(5432):
        missing("PostgreSQL on 127.0.0.1:5432")
    return POSTGRES_URL


@pytest.fixture
def postgres_schema(postgres_url: str) -> Iterator[str]:
    """A fresh, empty schema in the `test` database, dropped afterwards."""
    import sqlalchemy as sa

    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield schema
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture(scope="session")
def packaged_build(tmp_path_factory: pytest.TempPathFactory):  # -> PackagedBuild
    """The real deployable package (frontend exported with bun), built once per session."""
    from tests.support.app_server import build_once

    return build_once(tmp_path_factory.mktemp("build"))


@pytest.fixture(scope="session")
def redis_url() -> str:
    if not _reachable(6379):
        missing("Redis on 127.0.0.1:6379")
    return REDIS_URL
