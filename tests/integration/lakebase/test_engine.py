"""The Lakebase engine against the emulator (real databricks-sdk) and the local PostgreSQL.

What is proved here: each login's password is a token the workspace minted through the SDK for
the caller and that was valid at login time; tokens rotate mid-run without a failed query, old
connections are recycled, and a token is minted once per refresh (not per connection); a
refresh that fails while the token is still valid costs nothing; tokens never reach a log line.
"""

from __future__ import annotations

import logging
import threading
import time

import pytest
import sqlalchemy as sa

from slidegen.emulator.api_database import LakebaseState
from slidegen.emulator.server import EmulatorServer
from slidegen.store.lakebase import LakebaseError, create_lakebase_engine, credentials_of

from .conftest import INSTANCE, WORKSPACE_TOKEN, LoginRecorder, lakebase_settings

pytestmark = pytest.mark.postgres


def _credential_calls(server: EmulatorServer, api: str = "database") -> int:
    return len(server.emulator.requests("POST", rf"^/api/2.0/{api}/credentials$"))


def test_connects_with_a_token_minted_through_the_sdk(
    postgres_url: str, emulator: EmulatorServer, lakebase: LakebaseState
) -> None:
    engine = create_lakebase_engine(lakebase_settings())
    logins = LoginRecorder().attach(engine)
    try:
        with engine.connect() as conn:
            assert conn.execute(sa.text("select current_database()")).scalar() == "test"
        assert engine.url.host == "127.0.0.1"  # the instance's read_write_dns
        assert engine.url.password is None  # never in the URL: only per login
        [password] = logins.passwords
        issued = lakebase.find(password or "")
        assert issued is not None, "the login did not use a token the workspace issued"
        assert issued.caller_token == WORKSPACE_TOKEN and issued.scope == (INSTANCE,)
        assert lakebase.is_valid(issued.token, at=logins.logins[0].at)
        cache = credentials_of(engine)
        assert cache is not None and cache.expires_at == pytest.approx(issued.expires_at)
        body = emulator.emulator.requests("POST", r"/api/2.0/database/credentials$")[0].json()
        assert body["instance_names"] == [INSTANCE] and body["request_id"]
    finally:
        engine.dispose()


def test_autoscaling_endpoint_uses_the_postgres_api(
    postgres_url: str, emulator: EmulatorServer, lakebase: LakebaseState
) -> None:
    endpoint = "projects/slides/branches/production/endpoints/primary"
    lakebase.add_endpoint(endpoint)
    engine = create_lakebase_engine(lakebase_settings(LAKEBASE_ENDPOINT=endpoint))
    logins = LoginRecorder().attach(engine)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
        issued = lakebase.find(logins.passwords[0] or "")
        assert issued is not None and issued.scope == (endpoint,)
        assert _credential_calls(emulator, "postgres") == 1
        assert _credential_calls(emulator, "database") == 0
    finally:
        engine.dispose()


def test_pg_variables_of_an_attached_resource_find_the_instance(
    postgres_url: str,
    emulator: EmulatorServer,
    lakebase: LakebaseState,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # What the Apps runtime injects for a database resource (no instance name among them).
    for name, value in {
        "DATABRICKS_APP_NAME": "slidegen-dev",
        "PGHOST": "127.0.0.1",
        "PGPORT": "5432",
        "PGDATABASE": "test",
        "PGUSER": "postgres",
        "PGSSLMODE": "disable",
        "PGAPPNAME": "slidegen-dev",
    }.items():
        monkeypatch.setenv(name, value)
    lakebase.add_instance("another-instance", read_write_dns="10.0.0.9")
    from slidegen.config import load_settings

    engine = create_lakebase_engine(load_settings())
    logins = LoginRecorder().attach(engine)
    try:
        with engine.connect() as conn:
            name = conn.execute(sa.text("select current_setting('application_name')")).scalar()
        assert name == "slidegen-dev"
        issued = lakebase.find(logins.passwords[0] or "")
        assert issued is not None and issued.scope == (INSTANCE,)
    finally:
        engine.dispose()


def test_survives_token_rotation_mid_run(
    postgres_url: str, postgres_schema: str, emulator: EmulatorServer, lakebase: LakebaseState
) -> None:
    """Tokens live 3 s and are refreshed 1 s before expiry; connections are recycled after 1 s.
    Three workers write and read for 7 s: no request fails and every login is valid."""
    lakebase.token_ttl_s = 3.0
    engine = create_lakebase_engine(
        lakebase_settings(LAKEBASE_TOKEN_REFRESH_MARGIN_S=1.0, LAKEBASE_POOL_RECYCLE_S=1)
    )
    logins = LoginRecorder().attach(engine)
    table = f'"{postgres_schema}".notes'
    with engine.begin() as conn:
        conn.execute(sa.text(f"create table {table} (id serial primary key, worker int)"))
    errors: list[BaseException] = []
    writes = [0, 0, 0]
    stop = time.monotonic() + 7.0

    def work(worker: int) -> None:
        while time.monotonic() < stop:
            try:
                with engine.begin() as conn:
                    conn.execute(
                        sa.text(f"insert into {table} (worker) values (:w)"), {"w": worker}
                    )
                    count = conn.execute(
                        sa.text(f"select count(*) from {table} where worker = :w"), {"w": worker}
                    ).scalar()
                writes[worker] += 1
                assert count == writes[worker]
            except BaseException as error:  # any failure is the finding
                errors.append(error)
            time.sleep(0.02)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ended = time.time()
    try:
        assert errors == []
        assert min(writes) > 10
        distinct = list(dict.fromkeys(logins.passwords))
        assert len(distinct) >= 3, "the token did not rotate during the run"
        for login in logins.logins:
            assert login.password is not None
            assert lakebase.is_valid(login.password, at=login.at), "a login used a stale token"
        # One workspace call per refresh, however many connections were opened meanwhile.
        assert _credential_calls(emulator) == len(distinct)
        assert len(logins.logins) > len(distinct)
        # Connections opened with the first token were recycled while the run went on.
        first = [login for login in logins.logins if login.password == distinct[0]]
        assert first and all(
            login.closed_at is not None and login.closed_at < ended for login in first
        )
    finally:
        engine.dispose()


class _Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def test_refresh_failure_before_expiry_fails_no_request(
    postgres_url: str,
    emulator: EmulatorServer,
    lakebase: LakebaseState,
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = _Clock()  # shared by the emulated workspace and the engine: the hour mark, now
    lakebase.clock = clock
    engine = create_lakebase_engine(lakebase_settings(), clock=clock)
    logins = LoginRecorder().attach(engine)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
        clock.now += 3450  # inside the 300 s refresh margin, 150 s before expiry
        emulator.emulator.add_fault(r"POST /api/2.0/database/credentials", status=500, times=-1)
        engine.dispose()  # the next request needs a new connection, hence a token
        with caplog.at_level(logging.WARNING), engine.connect() as conn:
            conn.execute(sa.text("select 1"))
        assert logins.passwords[1] == logins.passwords[0]
        assert "could not refresh the Lakebase credential" in caplog.text
        emulator.emulator.faults.clear()
        clock.now += 200  # the old token has expired now; the workspace answers again
        engine.dispose()
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
        assert logins.passwords[2] != logins.passwords[0]
        assert lakebase.is_valid(logins.passwords[2] or "")
    finally:
        engine.dispose()


def test_no_valid_token_is_a_clear_error(
    postgres_url: str, emulator: EmulatorServer, lakebase: LakebaseState
) -> None:
    emulator.emulator.add_fault(
        r"POST /api/2.0/database/credentials",
        status=403,
        error_code="PERMISSION_DENIED",
        message="no CAN_CONNECT_AND_CREATE on decks-db",
        times=-1,
    )
    engine = create_lakebase_engine(lakebase_settings())
    try:
        with pytest.raises(LakebaseError, match="no CAN_CONNECT_AND_CREATE on decks-db"):
            engine.connect()
    finally:
        engine.dispose()


def test_tokens_never_reach_a_log_line(
    postgres_url: str,
    emulator: EmulatorServer,
    lakebase: LakebaseState,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)  # everything, including the SDK's request/response dumps
    caplog.set_level(logging.DEBUG, logger="databricks.sdk")  # even if logging config quietened it
    engine = create_lakebase_engine(lakebase_settings(), echo_pool="debug")
    logins = LoginRecorder().attach(engine)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
    finally:
        engine.dispose()
    token = logins.passwords[0] or ""
    assert token.startswith("lbt-")
    text = caplog.text + "".join(repr(r.__dict__) for r in caplog.records)
    # The SDK did log the credential exchange (so this test can fail) ...
    assert "/api/2.0/database/credentials" in text
    assert any(r.name == "slidegen.store.lakebase" for r in caplog.records)
    # ... but neither the token nor a recognisable piece of it.
    assert token not in text and token[4:16] not in text
    assert WORKSPACE_TOKEN not in text
