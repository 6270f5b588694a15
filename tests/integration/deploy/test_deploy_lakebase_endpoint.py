"""`slidegen deploy` with a `database` section naming a Lakebase autoscaling endpoint, through
the real WorkspaceClient against the emulator (whose Apps API checks resources with the SDK's
`AppResourcePostgres` shape) and the local PostgreSQL standing in for the endpoint's compute:
the branch's database is attached as the app's `postgres` resource, the env wired, the schema
created and granted, and the deployed store opens it as the app's service principal."""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import DatabricksError
from databricks.sdk.service import apps as sdk_apps

from slidegen.config import load_settings
from slidegen.deployer.envfile import DatabaseDeployError, EnvFileError, load_env_file
from slidegen.deployer.operations import app_status
from slidegen.deployer.pipeline import DEPLOY_STEPS, DeployContext, DeployOptions, run_deploy
from slidegen.deployer.report import JsonReporter
from slidegen.emulator.api_apps import apps_state
from slidegen.emulator.api_database import LakebaseState, lakebase_state
from slidegen.emulator.api_scim import identity
from slidegen.emulator.server import EmulatorServer, running_emulator
from slidegen.store import open_store
from tests.integration.deploy.conftest import FAST, writes

pytestmark = pytest.mark.postgres

APP = "slidegen-ep"
TOKEN = "dapi-endpoint-deployer"
BRANCH = "projects/decks/branches/production"
ENDPOINT = f"{BRANCH}/endpoints/primary"
_CLEARED = (
    "DATABASE_URL",
    "DATABASE_SCHEMA",
    "LAKEBASE_INSTANCE_NAME",
    "LAKEBASE_ENDPOINT",
    "LAKEBASE_DATABASE",
    "DATABRICKS_APP_NAME",
    "PGHOST",
    "PGPORT",
    "PGDATABASE",
    "PGUSER",
    "PGAPPNAME",
    "ENVIRONMENT",
    "DATABRICKS_CLIENT_ID",
    "DATABRICKS_CLIENT_SECRET",
    "DATABRICKS_CONFIG_PROFILE",
)


@pytest.fixture
def emulator(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[EmulatorServer]:
    for name in _CLEARED:
        monkeypatch.delenv(name, raising=False)
    with running_emulator() as server:
        monkeypatch.setenv("DATABRICKS_HOST", server.url)
        monkeypatch.setenv("DATABRICKS_TOKEN", TOKEN)
        monkeypatch.setenv("DATABRICKS_CONFIG_FILE", str(tmp_path / "no-databrickscfg"))
        monkeypatch.setenv("PGSSLMODE", "disable")  # the local stand-in has no TLS
        timing = apps_state(server.emulator).timing
        timing.start_s = timing.deploy_s = timing.delete_s = timing.stop_s = 0.1
        timing.update_s = 0.1
        identity(server.emulator).user_name = "postgres"  # the deployer's PostgreSQL role
        yield server


@pytest.fixture
def lakebase(emulator: EmulatorServer) -> LakebaseState:
    """An autoscaling project whose branch has the local `test` database."""
    state = lakebase_state(emulator.emulator)
    state.add_endpoint(ENDPOINT)
    state.add_database(BRANCH, "test", "test-db")
    return state


@pytest.fixture
def client(emulator: EmulatorServer) -> WorkspaceClient:
    return WorkspaceClient(host=emulator.url, token=TOKEN, auth_type="pat")


@pytest.fixture
def schema(postgres_url: str) -> Iterator[str]:
    name = f"deck_{uuid.uuid4().hex[:10]}"
    yield name
    admin = sa.create_engine(postgres_url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
    admin.dispose()


@pytest.fixture
def platform_roles(postgres_url: str) -> Iterator[list[str]]:
    created: list[str] = []
    yield created
    admin = sa.create_engine(postgres_url)
    with admin.begin() as conn:
        for role in created:
            conn.execute(sa.text(f'DROP OWNED BY "{role}" CASCADE'))
            conn.execute(sa.text(f'DROP ROLE IF EXISTS "{role}"'))
    admin.dispose()


def project(tmp_path: Path, **database: Any) -> Path:
    env = {
        "name": APP,
        "resources": [
            {"name": "serving-endpoint", "serving_endpoint": {"name": "databricks-claude-sonnet-4"}}
        ],
        "env": {"SERVING_ENDPOINT": {"value_from": "serving-endpoint"}},
        "database": database,
    }
    (tmp_path / "deploy").mkdir(exist_ok=True)
    (tmp_path / "deploy" / "test.yaml").write_text(yaml.safe_dump(env))
    return tmp_path


def with_platform(postgres_url: str, roles: list[str]) -> list[Any]:
    """The deploy steps plus what Databricks does when the resource is attached: the app service
    principal's role (named by its client id) with CONNECT and CREATE on the database."""

    def platform(ctx: DeployContext) -> None:
        principal = ctx.w.apps.get(APP).service_principal_client_id
        admin = sa.create_engine(postgres_url)
        with admin.begin() as conn:
            if not conn.execute(
                sa.text("select 1 from pg_roles where rolname = :r"), {"r": principal}
            ).scalar():
                conn.execute(sa.text(f'CREATE ROLE "{principal}" LOGIN'))
                conn.execute(sa.text(f'GRANT CONNECT, CREATE ON DATABASE test TO "{principal}"'))
                roles.append(principal)
        admin.dispose()

    steps = list(DEPLOY_STEPS)
    steps.insert([name for name, _, _ in steps].index("schema"), ("platform", "", platform))
    return steps


def deploy(
    root: Path, client: WorkspaceClient, steps: list[Any] | None = None, **options: Any
) -> tuple[DeployContext, dict[str, Any]]:
    report = JsonReporter(io.StringIO())
    opts = DeployOptions(env="test", root=root, export_frontend=False, **options)
    ctx = run_deploy(opts, report, client=client, waits=FAST, steps=steps)
    report.finish(True)
    return ctx, json.loads(report.stream.getvalue())


def test_endpoint_is_attached_as_postgres_resource_wired_and_its_schema_granted(
    postgres_url: str,
    schema: str,
    lakebase: LakebaseState,
    client: WorkspaceClient,
    platform_roles: list[str],
    tmp_path: Path,
) -> None:
    root = project(tmp_path, endpoint=ENDPOINT, database="test", schema=schema)
    ctx, report = deploy(root, client, with_platform(postgres_url, platform_roles))

    app = client.apps.get(APP)
    [resource] = [r for r in app.resources or [] if r.postgres is not None]
    assert resource.name == "postgres"
    assert resource.postgres.branch == BRANCH
    assert resource.postgres.database == f"{BRANCH}/databases/test-db"
    assert resource.postgres.permission == sdk_apps.AppResourcePostgresPostgresPermission(
        "CAN_CONNECT_AND_CREATE"
    )
    assert not [r for r in app.resources or [] if r.database is not None]

    assert ctx.package_dir is not None
    entries = yaml.safe_load((ctx.package_dir / "app.yaml").read_text())["env"]
    wired = {e["name"]: e["value"] for e in entries if "value" in e}
    assert wired["LAKEBASE_ENDPOINT"] == ENDPOINT and "LAKEBASE_INSTANCE_NAME" not in wired
    assert wired["LAKEBASE_DATABASE"] == "test" and wired["DATABASE_SCHEMA"] == schema

    principal = app.service_principal_client_id
    assert report["schema"] == {"name": schema, "created": True, "grantee": principal}
    assert report["database"]["endpoint"] == ENDPOINT
    # The deployer logged in with a token the endpoint issued to their identity.
    assert any(t.caller_token == TOKEN and t.scope == (ENDPOINT,) for t in lakebase.issued)

    # The deployed store, as the app: the package's env plus what the runtime injects.
    wired["ENVIRONMENT"] = "development"  # production insists on TLS, which the stand-in lacks
    store = open_store(load_settings(**wired, PGUSER=principal, PGSSLMODE="disable"))
    try:
        deck = store.create_deck("ada@example.com", "On autoscaling")
        assert store.get_deck("ada@example.com", deck.deck.id).deck.title == "On autoscaling"
        with store.engine.connect() as conn:
            assert conn.execute(sa.text("select current_user")).scalar() == principal
            assert conn.execute(sa.text("select current_schema()")).scalar() == schema
    finally:
        store.dispose()

    # Idempotent: nothing to change on the app, the schema is found, no new deployment.
    _, again = deploy(root, client, with_platform(postgres_url, platform_roles))
    assert again["plan"]["app"]["action"] == "none"
    assert again["schema"]["created"] is False
    assert (
        again["redeployed"] is False
        and again["deployment_id"] == app.active_deployment.deployment_id
    )

    # A schema created by the deploy is a change: the app is deployed again to start on it.
    admin = sa.create_engine(postgres_url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()
    _, recreated = deploy(root, client, with_platform(postgres_url, platform_roles))
    assert recreated["schema"]["created"] is True and recreated["redeployed"] is True
    assert recreated["deployment_id"] != app.active_deployment.deployment_id
    assert app_status(client, load_env_file("test", root))["database"]["branch"] == BRANCH


def test_unknown_database_or_endpoint_fails_before_any_write(
    lakebase: LakebaseState, emulator: EmulatorServer, client: WorkspaceClient, tmp_path: Path
) -> None:
    emulator.emulator.reset_journal()
    root = project(tmp_path, endpoint=ENDPOINT, database="nope", schema="s")
    with pytest.raises(DatabaseDeployError, match=r"no database 'nope'.*databricks_postgres"):
        deploy(root, client)
    root = project(tmp_path, endpoint=f"{BRANCH}/endpoints/missing", database="test")
    with pytest.raises(DatabaseDeployError, match=r"endpoint .*missing.* does not exist"):
        deploy(root, client)
    assert writes(emulator.emulator.requests()) == []


def test_dry_run_names_the_resource_and_writes_nothing(
    lakebase: LakebaseState, emulator: EmulatorServer, client: WorkspaceClient, tmp_path: Path
) -> None:
    emulator.emulator.reset_journal()
    _, report = deploy(project(tmp_path, endpoint=ENDPOINT, database="test"), client, dry_run=True)
    assert writes(emulator.emulator.requests()) == []
    text = json.dumps(report)
    assert f"would attach {BRANCH}/databases/test-db (branch {BRANCH})" in text
    assert "as resource 'postgres' (postgres, CAN_CONNECT_AND_CREATE)" in text
    assert f"LAKEBASE_ENDPOINT={ENDPOINT}" in text
    assert lakebase.issued == []


@pytest.mark.parametrize(
    ("database", "problem"),
    [
        ({"instance": "x", "endpoint": ENDPOINT}, "exactly one of instance"),
        ({}, "exactly one of instance"),
        ({"endpoint": "projects/p/endpoints/e"}, "should match pattern"),
        ({"endpoint": ENDPOINT, "create": True}, "only for provisioned instances"),
    ],
)
def test_the_section_is_validated(tmp_path: Path, database: dict[str, Any], problem: str) -> None:
    with pytest.raises(EnvFileError, match=problem):
        load_env_file("test", project(tmp_path, **database))


def test_the_emulated_apps_api_checks_the_postgres_resource_shape(
    lakebase: LakebaseState, client: WorkspaceClient
) -> None:
    def create(postgres: sdk_apps.AppResourcePostgres) -> None:
        client.apps.create(
            sdk_apps.App(
                name="shape-check", resources=[sdk_apps.AppResource("pg", postgres=postgres)]
            )
        )

    permission = sdk_apps.AppResourcePostgresPostgresPermission.CAN_CONNECT_AND_CREATE
    with pytest.raises(DatabricksError, match="database a database of that branch"):
        create(
            sdk_apps.AppResourcePostgres(
                BRANCH, "projects/other/branches/b/databases/d", permission
            )
        )
    with pytest.raises(DatabricksError, match="does not exist"):
        create(sdk_apps.AppResourcePostgres(BRANCH, f"{BRANCH}/databases/nope", permission))
    with pytest.raises(DatabricksError, match="missing permission"):
        create(sdk_apps.AppResourcePostgres(BRANCH, f"{BRANCH}/databases/test-db"))
    create(sdk_apps.AppResourcePostgres(BRANCH, f"{BRANCH}/databases/test-db", permission))
    assert client.apps.get("shape-check").resources[0].postgres.branch == BRANCH
