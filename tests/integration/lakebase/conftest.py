"""Fixtures for the store on Lakebase: the Databricks emulator answering the Database and
Postgres APIs, the SDK pointed at it, and the local PostgreSQL standing in for the instance.

The local PostgreSQL has no TLS and trusts 127.0.0.1, so these tests set PGSSLMODE=disable
explicitly and prove which password each login presented by recording it (`LoginRecorder`)
at the last hop before psycopg2, then checking it against the tokens the emulator issued.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import sqlalchemy as sa

from slidegen.config import Settings, load_settings
from slidegen.emulator.api_database import LakebaseState, lakebase_state
from slidegen.emulator.server import EmulatorServer, running_emulator

WORKSPACE_TOKEN = "dapi-lakebase-test-caller"
INSTANCE = "decks-db"

_ENV = (
    "DATABASE_URL",
    "DATABASE_SCHEMA",
    "LAKEBASE_INSTANCE_NAME",
    "LAKEBASE_ENDPOINT",
    "LAKEBASE_DATABASE",
    "LAKEBASE_TOKEN_REFRESH_MARGIN_S",
    "LAKEBASE_POOL_RECYCLE_S",
    "DATABRICKS_APP_NAME",
    "PGHOST",
    "PGPORT",
    "PGDATABASE",
    "PGUSER",
    "PGSSLMODE",
    "PGAPPNAME",
    "ENVIRONMENT",
    "DATABRICKS_CLIENT_ID",
    "DATABRICKS_CLIENT_SECRET",
    "DATABRICKS_AUTH_TYPE",
    "DATABRICKS_CONFIG_PROFILE",
)


@pytest.fixture
def emulator(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> Iterator[EmulatorServer]:
    """A running emulator; the SDK's unified auth finds it through DATABRICKS_HOST/TOKEN."""
    for name in _ENV:
        monkeypatch.delenv(name, raising=False)
    with running_emulator() as server:
        monkeypatch.setenv("DATABRICKS_HOST", server.url)
        monkeypatch.setenv("DATABRICKS_TOKEN", WORKSPACE_TOKEN)
        monkeypatch.setenv("DATABRICKS_CONFIG_FILE", str(tmp_path / "no-databrickscfg"))
        yield server


@pytest.fixture
def lakebase(emulator: EmulatorServer) -> LakebaseState:
    """The emulated workspace's Lakebase, with one instance living on the local PostgreSQL."""
    state = lakebase_state(emulator.emulator)
    state.add_instance(INSTANCE)
    return state


def lakebase_settings(**overrides: Any) -> Settings:
    """Settings selecting the instance; PGSSLMODE=disable only because the stand-in has no TLS."""
    values: dict[str, Any] = {
        "LAKEBASE_INSTANCE_NAME": INSTANCE,
        "LAKEBASE_DATABASE": "test",
        "PGUSER": "postgres",
        "PGSSLMODE": "disable",
    }
    values.update(overrides)
    return load_settings(**values)


@dataclass
class Login:
    password: str | None
    at: float
    closed_at: float | None = None


@dataclass
class LoginRecorder:
    """Records the password each new DBAPI connection was opened with, and when it was closed."""

    logins: list[Login] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def attach(self, engine: sa.Engine) -> LoginRecorder:
        # Registered after the Lakebase engine's own do_connect listener, so it sees the
        # password that listener set, exactly as psycopg2.connect receives it.
        @sa.event.listens_for(engine, "do_connect")
        def _record(dialect: Any, record: Any, cargs: Any, cparams: dict[str, Any]) -> None:
            login = Login(cparams.get("password"), time.time())
            with self.lock:
                self.logins.append(login)
            record.info["login"] = login

        @sa.event.listens_for(engine, "close")
        def _closed(dbapi_connection: Any, record: Any) -> None:
            login = record.info.get("login")
            if login is not None:
                login.closed_at = time.time()

        return self

    @property
    def passwords(self) -> list[str | None]:
        with self.lock:
            return [login.password for login in self.logins]
