"""As whom the store logs in to Lakebase: the SDK's unified auth and the token + client-secret
trap, through the real SDK against the emulator (OAuth m2m included) and the local PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from slidegen.emulator.api_database import LakebaseState
from slidegen.emulator.api_oidc import oidc_state
from slidegen.emulator.api_scim import identity
from slidegen.emulator.server import EmulatorServer
from slidegen.store.lakebase import create_lakebase_engine

from .conftest import WORKSPACE_TOKEN, LoginRecorder, lakebase_settings

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_role(postgres_url: str) -> Iterator[str]:
    """A login role in the local PostgreSQL, as Databricks creates for an identity."""
    name = f"sg-role-{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(postgres_url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE ROLE "{name}" LOGIN'))
    try:
        yield name
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP ROLE IF EXISTS "{name}"'))
        admin.dispose()


def _login_user(engine: sa.Engine) -> str:
    try:
        with engine.connect() as conn:
            return str(conn.execute(sa.text("select current_user")).scalar())
    finally:
        engine.dispose()


def test_inside_an_app_the_service_principal_wins_the_auth_trap(
    emulator: EmulatorServer,
    lakebase: LakebaseState,
    pg_role: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The Apps runtime's service principal, plus a stray personal token (DATABRICKS_TOKEN is
    # already set by the fixture): the SDK alone would refuse to choose.
    monkeypatch.setenv("DATABRICKS_APP_NAME", "slidegen-dev")
    monkeypatch.setenv("DATABRICKS_CLIENT_ID", pg_role)
    monkeypatch.setenv("DATABRICKS_CLIENT_SECRET", "sp-secret")
    engine = create_lakebase_engine(lakebase_settings(PGUSER=""))  # role: the client id
    logins = LoginRecorder().attach(engine)
    assert _login_user(engine) == pg_role
    issued = lakebase.find(logins.passwords[0] or "")
    assert issued is not None and issued.caller_token != WORKSPACE_TOKEN
    assert oidc_state(emulator.emulator).issued.get(issued.caller_token or "") == pg_role


def test_outside_an_app_the_developer_token_wins_the_auth_trap(
    emulator: EmulatorServer,
    lakebase: LakebaseState,
    pg_role: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABRICKS_CLIENT_ID", "some-sp")
    monkeypatch.setenv("DATABRICKS_CLIENT_SECRET", "sp-secret")
    identity(emulator.emulator).user_name = pg_role  # the developer, as SCIM names them
    engine = create_lakebase_engine(lakebase_settings(PGUSER=""))  # role: the user name
    logins = LoginRecorder().attach(engine)
    assert _login_user(engine) == pg_role
    issued = lakebase.find(logins.passwords[0] or "")
    assert issued is not None and issued.caller_token == WORKSPACE_TOKEN
