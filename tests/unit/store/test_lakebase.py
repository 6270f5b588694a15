"""Lakebase selection from settings, the credential cache's refresh rules, token redaction and the
storage durability report — everything that needs neither the network nor PostgreSQL."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest

from slidegen.config import load_settings
from slidegen.redaction import RedactionFilter
from slidegen.store.durability import log_storage_durability, storage_info
from slidegen.store.lakebase import (
    Credential,
    CredentialCache,
    LakebaseError,
    LakebaseTarget,
    create_lakebase_engine,
    lakebase_target,
    minter_for,
)

_SETTINGS_ENV = (
    "DATABASE_URL",
    "LAKEBASE_INSTANCE_NAME",
    "LAKEBASE_ENDPOINT",
    "LAKEBASE_DATABASE",
    "DATABRICKS_APP_NAME",
    "PGHOST",
    "PGPORT",
    "PGDATABASE",
    "PGUSER",
    "PGSSLMODE",
    "PGAPPNAME",
    "ENVIRONMENT",
)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _SETTINGS_ENV:
        monkeypatch.delenv(name, raising=False)


# --- selection ----------------------------------------------------------------------------------


def test_default_store_is_not_lakebase() -> None:
    assert lakebase_target(load_settings()) is None


def test_database_url_wins_over_lakebase_settings() -> None:
    settings = load_settings(DATABASE_URL="postgresql://db/x", LAKEBASE_INSTANCE_NAME="decks")
    assert lakebase_target(settings) is None


def test_provisioned_instance() -> None:
    target = lakebase_target(load_settings(LAKEBASE_INSTANCE_NAME="decks"))
    assert target is not None
    assert (target.kind, target.name, target.database) == (
        "instance",
        "decks",
        "databricks_postgres",
    )
    assert target.sslmode == "require"  # Lakebase needs TLS unless told otherwise
    assert target.host is None  # looked up from the instance's read_write_dns


def test_endpoint_wins_over_instance() -> None:
    target = lakebase_target(
        load_settings(
            LAKEBASE_ENDPOINT="projects/p/branches/b/endpoints/e",
            LAKEBASE_INSTANCE_NAME="decks",
            LAKEBASE_DATABASE="slides",
        )
    )
    assert target is not None
    assert (target.kind, target.name, target.database) == (
        "endpoint",
        "projects/p/branches/b/endpoints/e",
        "slides",
    )


def test_runtime_pg_variables_select_lakebase_inside_an_app(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in {
        "DATABRICKS_APP_NAME": "slidegen-dev",
        "PGHOST": "instance-1.db.example",
        "PGPORT": "5433",
        "PGDATABASE": "slides",
        "PGUSER": "0f1e-client-id",
        "PGSSLMODE": "require",
        "PGAPPNAME": "slidegen-dev",
    }.items():
        monkeypatch.setenv(name, value)
    target = lakebase_target(load_settings())
    assert target is not None
    assert target.kind == "instance" and target.name is None  # found by host at connect time
    assert (target.host, target.port, target.database, target.user, target.application_name) == (
        "instance-1.db.example",
        5433,
        "slides",
        "0f1e-client-id",
        "slidegen-dev",
    )


def test_a_laptops_pghost_does_not_select_lakebase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGHOST", "localhost")
    assert lakebase_target(load_settings()) is None


def test_insecure_sslmode_is_refused_in_production() -> None:
    settings = load_settings(
        ENVIRONMENT="production", LAKEBASE_INSTANCE_NAME="decks", PGSSLMODE="disable"
    )
    with pytest.raises(LakebaseError, match="PGSSLMODE=disable is not allowed in production"):
        create_lakebase_engine(settings, workspace_client=object())  # type: ignore[arg-type]


# --- credential cache -------------------------------------------------------------------------


class _Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


class _Minter:
    """Mints numbered tokens valid for `ttl` seconds; can be told to fail."""

    def __init__(self, clock: _Clock, ttl: float = 3600.0) -> None:
        self.clock, self.ttl, self.calls, self.fail = clock, ttl, 0, False

    def __call__(self) -> Credential:
        self.calls += 1
        if self.fail:
            raise ConnectionError("workspace unreachable")
        return Credential(token=f"tok-{self.calls}", expires_at=self.clock.now + self.ttl)


def test_token_is_minted_once_and_reused_until_the_refresh_margin() -> None:
    clock = _Clock()
    mint = _Minter(clock)
    cache = CredentialCache(mint, refresh_margin_s=300, clock=clock)
    assert mint.calls == 0  # nothing is minted before the first connection
    assert cache.token() == "tok-1"
    clock.now += 3299
    assert cache.token() == "tok-1"
    assert mint.calls == 1
    clock.now += 1  # 300 s before expiry: refresh
    assert cache.token() == "tok-2"
    assert cache.expires_at == clock.now + 3600


def test_failed_refresh_keeps_a_still_valid_token_then_fails_once_expired(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = _Clock()
    mint = _Minter(clock)
    cache = CredentialCache(mint, refresh_margin_s=300, clock=clock)
    cache.token()
    mint.fail = True
    clock.now += 3500
    with caplog.at_level(logging.WARNING, logger="slidegen.store.lakebase"):
        assert cache.token() == "tok-1"
        assert mint.calls == 2
        clock.now += 5
        assert cache.token() == "tok-1"
        assert mint.calls == 2  # no new attempt within the retry interval
        clock.now += 10
        assert cache.token() == "tok-1"
        assert mint.calls == 3
    assert "could not refresh the Lakebase credential" in caplog.text
    assert "tok-1" not in caplog.text
    clock.now += 100  # now expired: there is nothing left to fall back on
    with pytest.raises(LakebaseError, match="workspace unreachable"):
        cache.token()
    mint.fail = False
    assert cache.token() == f"tok-{mint.calls}"  # recovers as soon as the workspace answers
    assert cache.expires_at == clock.now + 3600


def test_credential_repr_hides_the_token() -> None:
    assert "s3cret" not in repr(Credential(token="s3cret-token-value", expires_at=1.0))


def test_minted_tokens_are_scrubbed_from_sdk_debug_dumps() -> None:
    secret = "lbt-abcdefghijklmnopqrstuvwxyz0123456789"
    cred = SimpleNamespace(token=secret, expiration_time=None)
    workspace = SimpleNamespace(
        database=SimpleNamespace(generate_database_credential=lambda **_: cred)
    )
    target = LakebaseTarget("instance", "db", "slidegen", "h", 5432, None, "require", None)
    mint = minter_for(target, workspace)  # type: ignore[arg-type]
    assert mint().token == secret
    record = logging.LogRecord(
        "databricks.sdk",
        logging.DEBUG,
        __file__,
        1,
        "< token prefix %s",
        (secret[:30] + "... (9 more bytes)",),
        None,
    )
    filters = logging.getLogger("databricks.sdk").filters
    redactor = next(f for f in filters if isinstance(f, RedactionFilter))
    redactor.filter(record)
    assert secret[:12] not in record.getMessage()
    assert "[REDACTED]" in record.getMessage()


# --- durability -------------------------------------------------------------------------------


def test_sqlite_on_a_laptop_is_durable(tmp_path) -> None:  # type: ignore[no-untyped-def]
    info = storage_info(load_settings(SLIDEGEN_DATA_DIR=str(tmp_path)))
    assert info["backend"] == "sqlite" and info["durable"] is True


def test_sqlite_in_production_is_not_durable_and_warns(
    tmp_path,
    caplog: pytest.LogCaptureFixture,  # type: ignore[no-untyped-def]
) -> None:
    settings = load_settings(ENVIRONMENT="production", SLIDEGEN_DATA_DIR=str(tmp_path))
    with caplog.at_level(logging.INFO):
        info = log_storage_durability(settings)
    assert info["durable"] is False
    assert "ephemeral" in info["detail"]
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings and "NOT durable" in warnings[0].getMessage()


def test_sqlite_inside_a_databricks_app_is_not_durable_even_in_development(tmp_path) -> None:  # type: ignore[no-untyped-def]
    info = storage_info(
        load_settings(DATABRICKS_APP_NAME="slidegen-dev", SLIDEGEN_DATA_DIR=str(tmp_path))
    )
    assert info["durable"] is False


def test_lakebase_and_postgres_are_durable_and_never_show_a_password() -> None:
    lakebase = storage_info(load_settings(ENVIRONMENT="production", LAKEBASE_INSTANCE_NAME="decks"))
    assert lakebase == {
        "backend": "lakebase",
        "durable": True,
        "detail": "Lakebase instance 'decks', database 'databricks_postgres'",
    }
    plain = storage_info(load_settings(DATABASE_URL="postgresql://app:hunter2@db:5432/slides"))
    assert plain["backend"] == "postgresql" and plain["durable"] is True
    assert "hunter2" not in plain["detail"]
