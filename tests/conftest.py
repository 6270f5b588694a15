"""Suite-wide fixtures: the local services (PostgreSQL, Redis) and a clean settings cache.

Tests that need a service take the `postgres_url` / `redis_url` fixture. Where the service is not
reachable the test is skipped, except when SLIDEGEN_REQUIRE_SERVICES=1 (CI), where it fails: a
skipped PostgreSQL test in CI is a failure.
"""

from __future__ import annotations

import logging
import os
import socket
import tempfile
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.require import missing

POSTGRES_URL = os.environ.get(
    "SLIDEGEN_TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("SLIDEGEN_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


# With workers (`scripts/dev test` runs pytest-xdist, a file to a worker, in the order set here):
# first the long integration files that need no packaged app, while the controller exports the
# frontend once (`pytest_sessionstart`); then every file that runs the packaged app (e2e,
# security, integration), by then a copy from the export cache; last the many short unit files,
# which fill in so the two workers finish together.
_TIERS = ("tests/e2e/", "tests/security/", "tests/integration/", "tests/unit/")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not hasattr(config, "workerinput"):  # set on xdist workers, which collect and run
        return  # one process: the configured order, unit tests first, so a break shows early

    def path(item: pytest.Item) -> str:
        return item.nodeid.split("::", 1)[0].replace(os.sep, "/")

    packaged = {path(item) for item in items if "packaged_build" in item.fixturenames}

    def place(item: pytest.Item) -> tuple[int, int]:
        file = path(item)
        tier = next((n for n, top in enumerate(_TIERS) if file.startswith(top)), 0)
        group = 1 if file in packaged else 2 if file.startswith("tests/unit/") else 0
        return group, tier

    items.sort(key=place)  # stable: files keep their collected order within a place


def pytest_sessionstart(session: pytest.Session) -> None:
    """On the xdist controller, export the frontend into the build cache in the background
    while the workers start on files that do not need it."""
    config = session.config
    if hasattr(config, "workerinput") or config.getoption("dist", "no") == "no":
        return
    root = Path(str(config.rootpath))
    unit = root / "tests" / "unit"
    if all(Path(arg.split("::", 1)[0]).resolve().is_relative_to(unit) for arg in config.args):
        return
    warm = threading.Thread(target=_fill_export_cache, name="export-cache-warm-up", daemon=True)
    warm.start()
    config.stash[_WARM_UP] = warm


def pytest_sessionfinish(session: pytest.Session) -> None:
    warm = session.config.stash.get(_WARM_UP, None)
    if warm is not None:
        warm.join()  # no `reflex export` left running after the session


_WARM_UP = pytest.StashKey[threading.Thread]()


def _fill_export_cache() -> None:
    from tests.support.app_server import build_once

    with tempfile.TemporaryDirectory(prefix="slidegen-warm-up-") as tmp:
        try:
            build_once(Path(tmp))
        except Exception:  # the `packaged_build` fixture builds again and reports it
            logging.getLogger(__name__).exception("warming the export cache failed")


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
