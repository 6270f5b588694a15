"""The Lakebase side of a deploy: the `database` section of `deploy/<env>.yaml` and its steps.

```yaml
database:
  instance: slidegen-db        # a Lakebase (provisioned) instance
  database: databricks_postgres
  schema: slidegen             # where the store's tables live
  resource: database           # the app resource key
  create: false                # true: create the instance if it does not exist (explicit)
  capacity: CU_1               # only used when creating
```

What a deploy does with it:
1. `database` step (before the app is created or updated): reads the instance; a missing one
   is an error naming the fix, unless `create: true`, then it is created and awaited.
2. The app gets the instance as a `database` resource with `CAN_CONNECT_AND_CREATE` (through
   `EnvFile.app_fields`, so the app step's plan/update logic handles it like any resource), and
   its `app.yaml` env gets LAKEBASE_INSTANCE_NAME, LAKEBASE_DATABASE and DATABASE_SCHEMA (through
   `EnvFile.app_env`; explicit `env` entries win), which is what `slidegen.store.lakebase` reads.
3. `schema` step (after the app step, before the deploy, so the app starts on a usable schema):
   connects as the deploying user with a token from `generate_database_credential`, creates the
   schema if missing and grants USAGE and CREATE on it to the app's service principal, whose
   PostgreSQL role (named by its client id) Databricks creates when the resource is attached.
With `--dry-run` both steps only report what they would do: no request that writes, not even a
credential (a POST), is sent.

PGSSLMODE (default require) and PGPORT from the deploying machine's settings apply to the
schema step's connection, as they do to the app's own.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import sqlalchemy as sa
import yaml
from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import NotFound
from databricks.sdk.service import apps as sdk_apps
from databricks.sdk.service.database import DatabaseInstance, DatabaseInstanceState
from pydantic import BaseModel, ConfigDict, Field
from pydantic import StringConstraints as Str

from slidegen.config import load_settings

if TYPE_CHECKING:
    from slidegen.deployer.pipeline import DeployContext

__all__ = [
    "DatabaseDeployError",
    "DatabasePlan",
    "DatabaseSection",
    "database_status",
    "database_step",
    "ensure_schema",
    "schema_step",
]

_IDENT = r"^[a-z_][a-z0-9_]{0,62}$"


class DatabaseDeployError(RuntimeError):
    """The database cannot be set up as the environment file asks; the message says why."""


class DatabaseSection(BaseModel):
    """The `database` section of an environment file."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    instance: Annotated[str, Str(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]
    database: Annotated[str, Str(min_length=1, max_length=63)] = "databricks_postgres"
    # `schema` is a BaseModel attribute: keep the YAML key, rename the field.
    db_schema: Annotated[str, Str(pattern=_IDENT)] = Field("slidegen", alias="schema")
    resource: Annotated[str, Str(pattern=r"^[A-Za-z0-9_-]+$", max_length=64)] = "database"
    create: bool = False
    capacity: Literal["CU_1", "CU_2", "CU_4", "CU_8"] = "CU_1"

    def resource_api(self) -> dict[str, Any]:
        """The app resource, as the Apps API takes and returns it."""
        return {
            "name": self.resource,
            "database": {
                "instance_name": self.instance,
                "database_name": self.database,
                "permission": "CAN_CONNECT_AND_CREATE",
            },
        }

    def app_env(self) -> dict[str, str]:
        """What the deployed store needs to find its database (see slidegen.store.lakebase)."""
        return {
            "LAKEBASE_INSTANCE_NAME": self.instance,
            "LAKEBASE_DATABASE": self.database,
            "DATABASE_SCHEMA": self.db_schema,
        }


@dataclass
class DatabasePlan:
    instance: str
    state: str  # the instance's state, or ABSENT
    create_instance: bool
    host: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "instance": self.instance,
            "state": self.state,
            "create_instance": self.create_instance,
        }


def _get_instance(w: WorkspaceClient, name: str) -> DatabaseInstance | None:
    try:
        return w.database.get_database_instance(name)
    except NotFound:
        return None


def _state(instance: DatabaseInstance | None) -> str:
    if instance is None:
        return "ABSENT"
    return instance.state.value if instance.state else "UNKNOWN"


def plan_database(w: WorkspaceClient, section: DatabaseSection) -> DatabasePlan:
    """Read-only: does the instance exist, and may we create it?"""
    instance = _get_instance(w, section.instance)
    if instance is None and not section.create:
        raise DatabaseDeployError(
            f"Lakebase instance {section.instance!r} does not exist: create it, name an existing "
            "one in database.instance, or set database.create: true to have deploy create it"
        )
    return DatabasePlan(
        section.instance,
        _state(instance),
        instance is None,
        instance.read_write_dns if instance else None,
    )


def _wait_available(w: WorkspaceClient, name: str, timeout_s: float, poll_s: float) -> str:
    deadline = time.monotonic() + timeout_s
    while True:
        instance = w.database.get_database_instance(name)
        if instance.state == DatabaseInstanceState.AVAILABLE and instance.read_write_dns:
            return instance.read_write_dns
        if time.monotonic() > deadline:
            raise DatabaseDeployError(
                f"Lakebase instance {name!r} is not AVAILABLE after "
                f"{timeout_s:.0f} s (state {_state(instance)})"
            )
        time.sleep(poll_s)


def database_step(ctx: DeployContext) -> None:
    """Check (or, when asked, create) the instance before the app is bound to it."""
    section = ctx.env_file.database
    if section is None:
        return
    plan = plan_database(ctx.w, section)
    ctx.extra["database"] = plan
    ctx.report.set(
        database={
            **plan.as_json(),
            "database": section.database,
            "schema": section.db_schema,
            "resource": section.resource,
        }
    )
    wiring = ", ".join(f"{k}={v}" for k, v in section.app_env().items())
    missing = _unwired(ctx.package_dir, section)
    if missing:
        # A package built elsewhere (--package) may lack the wiring the build adds.
        ctx.report.warn(
            f"the package's app.yaml does not set {', '.join(missing)}: the "
            "deployed store will not find the database (rebuild with this env file)"
        )
    if ctx.options.dry_run:
        if plan.create_instance:
            ctx.report.info(
                f"would create Lakebase instance {section.instance} ({section.capacity})"
            )
        ctx.report.info(
            f"would attach {section.instance}/{section.database} as resource "
            f"{section.resource!r} (CAN_CONNECT_AND_CREATE)"
        )
        ctx.report.info(f"app env: {wiring}")
        return
    if plan.create_instance:
        ctx.report.info(f"creating Lakebase instance {section.instance} ({section.capacity})")
        ctx.w.database.create_database_instance(
            DatabaseInstance(name=section.instance, capacity=section.capacity)
        )
    if plan.state != "AVAILABLE":
        plan.host = _wait_available(
            ctx.w, section.instance, ctx.waits.app_timeout_s, ctx.waits.poll_s
        )
    ctx.report.info(f"Lakebase instance {section.instance} is AVAILABLE; app env: {wiring}")


def _unwired(package_dir: Path | None, section: DatabaseSection) -> list[str]:
    """Variables of `section.app_env()` the package's app.yaml does not set."""
    manifest = package_dir / "app.yaml" if package_dir else None
    if manifest is None or not manifest.is_file():
        return []
    try:
        entries = (yaml.safe_load(manifest.read_text()) or {}).get("env") or []
    except yaml.YAMLError:
        return list(section.app_env())
    names = {e.get("name") for e in entries if isinstance(e, dict)}
    return [name for name in section.app_env() if name not in names]


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def ensure_schema(
    w: WorkspaceClient, section: DatabaseSection, host: str, user: str, service_principal: str
) -> bool:
    """Create the schema if missing and let the service principal use it; True if created.

    Logs in as `user` (the deploying identity) with a fresh Lakebase token.
    """
    if not re.match(_IDENT, section.db_schema):  # validated already; the SQL relies on it
        raise DatabaseDeployError(f"invalid schema name {section.db_schema!r}")
    settings = load_settings()
    token = w.database.generate_database_credential(instance_names=[section.instance]).token
    url = sa.URL.create(
        "postgresql+psycopg2",
        username=user,
        host=host,
        port=settings.pgport,
        database=section.database,
    )
    engine = sa.create_engine(
        url,
        poolclass=sa.NullPool,
        connect_args={
            "password": token,
            "sslmode": settings.pgsslmode,
            "connect_timeout": 15,
            "application_name": "slidegen-deploy",
        },
    )
    try:
        with engine.begin() as conn:
            role = conn.execute(
                sa.text("select 1 from pg_roles where rolname = :r"), {"r": service_principal}
            ).scalar()
            if role is None:
                raise DatabaseDeployError(
                    f"the app's service principal has no role ({service_principal}) in "
                    f"{section.instance}: Databricks creates it when the database resource is "
                    "attached; check the app's resources"
                )
            exists = conn.execute(
                sa.text("select 1 from information_schema.schemata where schema_name = :s"),
                {"s": section.db_schema},
            ).scalar()
            schema, grantee = _quote(section.db_schema), _quote(service_principal)
            conn.execute(sa.text(f"CREATE SCHEMA IF NOT EXISTS {schema}"))
            conn.execute(sa.text(f"GRANT USAGE, CREATE ON SCHEMA {schema} TO {grantee}"))
    except sa.exc.OperationalError as error:
        # psycopg2's message names host and user, never the password.
        raise DatabaseDeployError(
            f"cannot connect to {section.instance} as {user}: "
            f"{str(error.orig).strip().splitlines()[0]}"
        ) from None
    finally:
        engine.dispose()
    return exists is None


def schema_step(ctx: DeployContext) -> None:
    """After the app exists (so its service principal has a role): the schema, ready for it."""
    section = ctx.env_file.database
    if section is None:
        return
    if ctx.options.dry_run:
        ctx.report.info(
            f"would ensure schema {section.db_schema} in {section.database} and "
            "grant USAGE, CREATE on it to the app's service principal"
        )
        return
    app = ctx.w.apps.get(ctx.env_file.name)
    principal = app.service_principal_client_id
    if not principal:
        raise DatabaseDeployError(f"app {ctx.env_file.name} has no service principal yet")
    plan: DatabasePlan | None = ctx.extra.get("database")
    host = (plan.host if plan else None) or _wait_available(
        ctx.w, section.instance, ctx.waits.app_timeout_s, ctx.waits.poll_s
    )
    created = ensure_schema(ctx.w, section, host, ctx.current_user, principal)
    ctx.report.info(
        f"schema {section.db_schema} {'created' if created else 'exists'}; "
        f"USAGE, CREATE granted to {principal}"
    )
    ctx.report.set(schema={"name": section.db_schema, "created": created, "grantee": principal})


def database_status(
    w: WorkspaceClient, app: sdk_apps.App, section: DatabaseSection | None
) -> dict[str, Any] | None:
    """Which database the app uses: its attached database resource, and the instance state."""
    attached = next((r for r in app.resources or [] if r.database is not None), None)
    if attached is None or attached.database is None:
        if section is None:
            return None
        return {
            "attached": False,
            "instance": section.instance,
            "database": section.database,
            "schema": section.db_schema,
            "state": None,
            "resource": None,
        }
    instance = _get_instance(w, attached.database.instance_name)
    return {
        "attached": True,
        "resource": attached.name,
        "instance": attached.database.instance_name,
        "database": attached.database.database_name,
        "schema": section.db_schema if section else None,
        "state": _state(instance),
        "host": instance.read_write_dns if instance else None,
    }
