"""`slidegen deploy` with a `database` section, through the real WorkspaceClient against the
emulator (apps, workspace, SCIM, Lakebase) and the local PostgreSQL standing in for the instance:
the resource is attached, the app's env wired, the schema created and usable by the app's service
principal — proved by opening the deck store as that principal with the deployed app.yaml's env —
a missing instance is created only when asked, a dry run writes nothing, and status names the
database."""

from __future__ import annotations

import dataclasses
import io
import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from databricks.sdk import WorkspaceClient

from slidegen.config import load_settings
from slidegen.deployer.envfile import DatabaseDeployError
from slidegen.deployer.operations import app_status
from slidegen.deployer.pipeline import DEPLOY_STEPS, DeployContext, DeployOptions, run_deploy
from slidegen.deployer.report import JsonReporter
from slidegen.emulator.api_apps import apps_state
from slidegen.emulator.api_database import LakebaseState
from slidegen.emulator.api_scim import identity
from slidegen.emulator.server import EmulatorServer
from slidegen.store import open_store

from ..deploy.conftest import FAST, writes
from .conftest import INSTANCE, WORKSPACE_TOKEN

pytestmark = pytest.mark.postgres

APP = "slidegen-lb"


@pytest.fixture
def schema(postgres_url: str) -> Iterator[str]:
    name = f"deck_{uuid.uuid4().hex[:10]}"
    yield name
    admin = sa.create_engine(postgres_url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
    admin.dispose()


@pytest.fixture
def deployer(emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> WorkspaceClient:
    """The developer deploying: their SCIM user name is their PostgreSQL role."""
    timing = apps_state(emulator.emulator).timing
    timing.start_s, timing.deploy_s, timing.delete_s, timing.stop_s, timing.update_s = (0.1,) * 5
    identity(emulator.emulator).user_name = "postgres"
    monkeypatch.setenv("PGSSLMODE", "disable")  # the local stand-in has no TLS
    return WorkspaceClient(host=emulator.url, token=WORKSPACE_TOKEN, auth_type="pat")


def _project(tmp_path: Path, schema: str, **database: Any) -> Path:
    section = {"instance": INSTANCE, "database": "test", "schema": schema, **database}
    env = {
        "name": APP,
        "resources": [
            {"name": "serving-endpoint", "serving_endpoint": {"name": "databricks-claude-sonnet-4"}}
        ],
        "env": {"SERVING_ENDPOINT": {"value_from": "serving-endpoint"}},
        "database": section,
    }
    (tmp_path / "deploy").mkdir(exist_ok=True)
    (tmp_path / "deploy" / "test.yaml").write_text(yaml.safe_dump(env))
    return tmp_path


@pytest.fixture
def platform_roles(postgres_url: str) -> Iterator[list[str]]:
    """Roles the emulated platform created; dropped afterwards."""
    created: list[str] = []
    yield created
    admin = sa.create_engine(postgres_url)
    with admin.begin() as conn:
        for role in created:
            conn.execute(sa.text(f'DROP OWNED BY "{role}" CASCADE'))
            conn.execute(sa.text(f'DROP ROLE IF EXISTS "{role}"'))
    admin.dispose()


def _steps_with_platform(postgres_url: str, roles: list[str]) -> list[Any]:
    """The deploy steps, plus what Databricks does when a database resource is attached: create
    the app service principal's PostgreSQL role (named by its client id) and grant it CONNECT
    and CREATE on the database."""

    def platform(ctx: DeployContext) -> None:
        principal = ctx.w.apps.get(APP).service_principal_client_id
        admin = sa.create_engine(postgres_url)
        with admin.begin() as conn:
            exists = conn.execute(
                sa.text("select 1 from pg_roles where rolname = :r"), {"r": principal}
            ).scalar()
            if not exists:
                conn.execute(sa.text(f'CREATE ROLE "{principal}" LOGIN'))
                conn.execute(sa.text(f'GRANT CONNECT, CREATE ON DATABASE test TO "{principal}"'))
                roles.append(principal)
        admin.dispose()

    steps = list(DEPLOY_STEPS)
    at = [name for name, _, _ in steps].index("schema")
    steps.insert(at, ("platform", "(emulated platform)", platform))
    return steps


def _deploy(
    project: Path, client: WorkspaceClient, steps: list[Any] | None = None, **options: Any
) -> tuple[DeployContext, dict[str, Any]]:
    report = JsonReporter(io.StringIO())
    opts = DeployOptions(env="test", root=project, export_frontend=False, **options)
    ctx = run_deploy(opts, report, client=client, waits=FAST, steps=steps)
    report.finish(True)  # what the CLI does: one JSON document
    return ctx, json.loads(report.stream.getvalue())


def _app_yaml_env(ctx: DeployContext) -> dict[str, str]:
    assert ctx.package_dir is not None
    manifest = yaml.safe_load((ctx.package_dir / "app.yaml").read_text())
    return {e["name"]: e["value"] for e in manifest["env"] if "value" in e}


def test_deploy_attaches_the_database_wires_env_and_prepares_the_schema(
    postgres_url: str,
    schema: str,
    emulator: EmulatorServer,
    lakebase: LakebaseState,
    deployer: WorkspaceClient,
    platform_roles: list[str],
    tmp_path: Path,
) -> None:
    project = _project(tmp_path, schema)
    ctx, report = _deploy(project, deployer, _steps_with_platform(postgres_url, platform_roles))

    app = deployer.apps.get(APP)
    [resource] = [r for r in app.resources or [] if r.database is not None]
    assert resource.name == "database"
    assert resource.database.instance_name == INSTANCE
    assert resource.database.database_name == "test"
    assert resource.database.permission.value == "CAN_CONNECT_AND_CREATE"
    wired = _app_yaml_env(ctx)
    assert wired["LAKEBASE_INSTANCE_NAME"] == INSTANCE
    assert wired["LAKEBASE_DATABASE"] == "test" and wired["DATABASE_SCHEMA"] == schema
    principal = app.service_principal_client_id
    assert report["schema"] == {"name": schema, "created": True, "grantee": principal}
    # The deployer logged in with a Lakebase token minted for their own identity.
    assert any(
        t.caller_token == WORKSPACE_TOKEN and t.scope == (INSTANCE,) for t in lakebase.issued
    )

    # The deployed app's store: the package's env plus what the runtime injects (PGUSER is the
    # service principal's role), logging in as the app — with its own token.
    assert wired.get("ENVIRONMENT") == "production"
    # Production refuses a connection without TLS, which the local stand-in cannot offer: the
    # one setting the test changes, explicitly.
    wired["ENVIRONMENT"] = "development"
    settings = load_settings(**wired, PGUSER=principal, PGSSLMODE="disable")
    store = open_store(settings)
    try:
        deck = store.create_deck("ada@example.com", "Durable")
        assert store.get_deck("ada@example.com", deck.deck.id).deck.title == "Durable"
        with store.engine.connect() as conn:
            assert conn.execute(sa.text("select current_user")).scalar() == principal
            owner = conn.execute(
                sa.text(
                    "select tableowner from pg_tables where schemaname = :s and tablename = 'decks'"
                ),
                {"s": schema},
            ).scalar()
        assert owner == principal
    finally:
        store.dispose()

    # Idempotent: a second deploy finds everything in place.
    _, again = _deploy(project, deployer, _steps_with_platform(postgres_url, platform_roles))
    assert again["schema"]["created"] is False
    assert again["plan"]["app"]["action"] == "none"


def test_status_names_the_database(
    postgres_url: str,
    schema: str,
    emulator: EmulatorServer,
    lakebase: LakebaseState,
    deployer: WorkspaceClient,
    platform_roles: list[str],
    tmp_path: Path,
) -> None:
    project = _project(tmp_path, schema)
    ctx, _ = _deploy(project, deployer, _steps_with_platform(postgres_url, platform_roles))
    status = app_status(deployer, ctx.env_file)
    assert status["database"] == {
        "attached": True,
        "resource": "database",
        "instance": INSTANCE,
        "database": "test",
        "schema": schema,
        "state": "AVAILABLE",
        "host": "127.0.0.1",
    }


def test_dry_run_shows_the_database_plan_and_writes_nothing(
    schema: str,
    emulator: EmulatorServer,
    lakebase: LakebaseState,
    deployer: WorkspaceClient,
    tmp_path: Path,
) -> None:
    project = _project(tmp_path, schema, instance="new-decks-db", create=True)
    emulator.emulator.reset_journal()
    _, report = _deploy(project, deployer, dry_run=True)
    assert writes(emulator.emulator.requests()) == []
    text = json.dumps(report)
    assert "would create Lakebase instance new-decks-db" in text
    assert "would attach new-decks-db/test as resource 'database'" in text
    assert f"DATABASE_SCHEMA={schema}" in text
    assert f"would ensure schema {schema}" in text
    assert "new-decks-db" not in lakebase.instances
    assert lakebase.issued == []


def test_missing_instance_fails_before_any_write_unless_creation_is_asked(
    postgres_url: str,
    schema: str,
    emulator: EmulatorServer,
    lakebase: LakebaseState,
    deployer: WorkspaceClient,
    platform_roles: list[str],
    tmp_path: Path,
) -> None:
    project = _project(tmp_path, schema, instance="new-decks-db")
    emulator.emulator.reset_journal()
    with pytest.raises(DatabaseDeployError, match=r"database\.create: true"):
        _deploy(project, deployer)
    assert writes(emulator.emulator.requests()) == []

    project = _project(tmp_path, schema, instance="new-decks-db", create=True, capacity="CU_2")
    _deploy(project, deployer, _steps_with_platform(postgres_url, platform_roles))
    created = lakebase.instances["new-decks-db"]
    assert created["capacity"] == "CU_2" and created["state"] == "AVAILABLE"
    assert deployer.apps.get(APP).resources[-1].database.instance_name == "new-decks-db"


def test_an_instance_that_stays_starting_fails_the_deploy_with_its_last_state(
    schema: str,
    emulator: EmulatorServer,
    lakebase: LakebaseState,
    deployer: WorkspaceClient,
    tmp_path: Path,
) -> None:
    lakebase.add_instance("waking-db", state="STARTING")
    project = _project(tmp_path, schema, instance="waking-db")
    opts = DeployOptions(env="test", root=project, export_frontend=False)
    emulator.emulator.reset_journal()
    started = time.monotonic()
    with pytest.raises(
        DatabaseDeployError,
        match=r"^Lakebase instance 'waking-db' is not AVAILABLE after 1 s \(state STARTING\)$",
    ):
        run_deploy(
            opts,
            JsonReporter(io.StringIO()),
            client=deployer,
            waits=dataclasses.replace(FAST, app_timeout_s=1.0),
        )
    assert 1.0 <= time.monotonic() - started < 10
    # Polled with pauses growing from 0.02 s to at most 0.1 s: more than ten reads in 1 s.
    assert len(emulator.emulator.requests("GET", r"/database/instances/waking-db$")) > 10
    assert writes(emulator.emulator.requests()) == []  # the app was not touched
