"""The Lakebase side of a deploy: the steps for the `database` section of `deploy/<env>.yaml`.

The section itself (`DatabaseSection`, validated with the rest of the file) lives in
`slidegen.deployer.envfile`, which imports no other deployer module.

```yaml
database:
  instance: slidegen-db        # a Lakebase provisioned instance, or instead:
  # endpoint: projects/slidegen/branches/production/endpoints/primary   (autoscaling)
  database: databricks_postgres
  schema: slidegen             # where the store's tables live
  resource: database           # the app resource key (default: database; postgres for endpoints)
  create: false                # instances only: create it if it does not exist (explicit)
  capacity: CU_1               # only used when creating
```

What a deploy does with it:
1. Before the plan, for an endpoint: the branch's databases are listed to find the resource
   name of `database` (`projects/…/branches/…/databases/…`, what the app resource names).
2. `database` step (before the app is created or updated): reads the instance or endpoint; a
   missing one is an error naming the fix, unless `create: true` (instances only), then it is
   created and awaited.
3. The app gets the database as a resource with `CAN_CONNECT_AND_CREATE`: a `database` resource
   (instance and database name) for an instance, a `postgres` resource (branch and database
   resource names) for an endpoint, the shapes of databricks-sdk's `AppResourceDatabase` and
   `AppResourcePostgres` (through `EnvFile.app_fields`, so the app step's plan/update logic
   handles it like any resource). Its `app.yaml` env gets LAKEBASE_INSTANCE_NAME or
   LAKEBASE_ENDPOINT, LAKEBASE_DATABASE and DATABASE_SCHEMA (through `EnvFile.app_env`; explicit
   `env` entries win), which is what `slidegen.store.lakebase` reads.
4. `schema` step (after the app step, before the deploy, so the app starts on a usable schema):
   connects as the deploying user with a token from `generate_database_credential` (of
   `w.database` or `w.postgres`), creates the schema if missing and grants USAGE and CREATE on
   it to the app's service principal, whose PostgreSQL role (named by its client id) Databricks
   creates when the resource is attached.
A created instance or schema counts as a change: that deploy makes a new deployment even when
nothing else changed (`slidegen.deployer.redeploy`).
With `--dry-run` these steps only report what they would do: no request that writes, not even a
credential (a POST), is sent.

PGSSLMODE (default require) and PGPORT from the deploying machine's settings apply to the
schema step's connection, as they do to the app's own.

SQLAlchemy is imported by `ensure_schema` only: a deploy without a `database` section (and every
other `slidegen` command) does not pay its import.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import yaml
from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import NotFound
from databricks.sdk.service import apps as sdk_apps
from databricks.sdk.service.database import DatabaseInstance, DatabaseInstanceState

from slidegen.config import load_settings
from slidegen.deployer.apps import Waits, poll
from slidegen.deployer.envfile import IDENT_RE, DatabaseDeployError, DatabaseSection
from slidegen.polling import WaitTimeout

if TYPE_CHECKING:
    from slidegen.deployer.context import DeployContext

__all__ = [
    "DatabasePlan",
    "database_status",
    "database_step",
    "ensure_schema",
    "resolve_database",
    "schema_step",
]


@dataclass
class DatabasePlan:
    target: str  # instance name or endpoint resource name
    state: str  # the instance's or endpoint's state, or ABSENT
    create_instance: bool
    host: str | None
    kind: Literal["instance", "endpoint"] = "instance"

    def as_json(self) -> dict[str, Any]:
        return {
            self.kind: self.target,
            "state": self.state,
            "create_instance": self.create_instance,
        }


def _get_instance(w: WorkspaceClient, name: str) -> DatabaseInstance | None:
    try:
        return w.database.get_database_instance(name)
    except NotFound:
        return None


def _get_endpoint(w: WorkspaceClient, name: str) -> Any | None:
    try:
        return w.postgres.get_endpoint(name=name)
    except NotFound:
        return None


def _endpoint_host(endpoint: Any) -> str | None:
    hosts = endpoint.status.hosts if endpoint and endpoint.status else None
    return hosts.host if hosts else None


def _endpoint_state(endpoint: Any) -> str:
    if endpoint is None:
        return "ABSENT"
    state = endpoint.status.current_state if endpoint.status else None
    return state.value if state else "UNKNOWN"


def _state(instance: DatabaseInstance | None) -> str:
    if instance is None:
        return "ABSENT"
    return instance.state.value if instance.state else "UNKNOWN"


def resolve_database(w: WorkspaceClient, section: DatabaseSection) -> DatabaseSection:
    """For an endpoint, the section with `database_path` found (read-only); else unchanged."""
    if not section.is_endpoint or section.database_path is not None:
        return section
    try:
        databases = list(w.postgres.list_databases(parent=section.branch))
    except NotFound:
        raise DatabaseDeployError(
            f"Lakebase branch {section.branch!r} does not exist: check database.endpoint"
        ) from None
    for found in databases:
        name = (found.status.postgres_database if found.status else None) or (
            found.spec.postgres_database if found.spec else None
        )
        if name == section.database and found.name:
            return section.model_copy(update={"database_path": found.name})
    known = sorted(
        d.status.postgres_database for d in databases if d.status and d.status.postgres_database
    )
    raise DatabaseDeployError(
        f"branch {section.branch} has no database {section.database!r} "
        f"(it has: {', '.join(known) or 'none'}); create it or name one in database.database"
    )


def plan_database(w: WorkspaceClient, section: DatabaseSection) -> DatabasePlan:
    """Read-only: does the instance or endpoint exist, and may we create it?"""
    if section.is_endpoint:
        endpoint = _get_endpoint(w, section.target)
        if endpoint is None:
            raise DatabaseDeployError(
                f"Lakebase endpoint {section.target!r} does not exist: create the project, "
                "branch and endpoint, or name an existing one in database.endpoint"
            )
        return DatabasePlan(
            section.target,
            _endpoint_state(endpoint),
            False,
            _endpoint_host(endpoint),
            kind="endpoint",
        )
    instance = _get_instance(w, section.target)
    if instance is None and not section.create:
        raise DatabaseDeployError(
            f"Lakebase instance {section.target!r} does not exist: create it, name an existing "
            "one in database.instance, or set database.create: true to have deploy create it"
        )
    return DatabasePlan(
        section.target,
        _state(instance),
        instance is None,
        instance.read_write_dns if instance else None,
    )


def _wait_available(w: WorkspaceClient, name: str, waits: Waits) -> str:
    def check() -> tuple[bool, str, str]:
        instance = w.database.get_database_instance(name)
        host = instance.read_write_dns or ""
        available = instance.state == DatabaseInstanceState.AVAILABLE and bool(host)
        return available, host, _state(instance)

    try:
        return poll(check, waits.app_timeout_s, waits, f"Lakebase instance {name!r}")
    except WaitTimeout as timeout:
        raise DatabaseDeployError(
            f"Lakebase instance {name!r} is not AVAILABLE after "
            f"{timeout.timeout_s:.0f} s (state {timeout.last_state})"
        ) from None


def _host(ctx: DeployContext, section: DatabaseSection) -> str:
    """Where to connect: an endpoint's host (it wakes on connect), an instance once AVAILABLE."""
    if section.is_endpoint:
        host = _endpoint_host(_get_endpoint(ctx.w, section.target))
        if not host:
            raise DatabaseDeployError(f"{section.label} reports no host")
        return host
    return _wait_available(ctx.w, section.target, ctx.waits)


def database_step(ctx: DeployContext) -> None:
    """Check (or, when asked, create) the instance or endpoint before the app is bound to it."""
    section = ctx.env_file.database
    if section is None:
        return
    plan = plan_database(ctx.w, section)
    ctx.extra["database"] = plan
    ctx.report.set(
        database={
            **plan.as_json(),
            "kind": "endpoint" if section.is_endpoint else "instance",
            "database": section.database,
            "schema": section.db_schema,
            "resource": section.resource_key,
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
    attached = (
        f"{section.database_path} (branch {section.branch})"
        if section.is_endpoint
        else f"{section.instance}/{section.database}"
    )
    kind = "postgres" if section.is_endpoint else "database"
    if ctx.options.dry_run:
        if plan.create_instance:
            ctx.report.info(
                f"would create Lakebase instance {section.instance} ({section.capacity})"
            )
        ctx.report.info(
            f"would attach {attached} as resource "
            f"{section.resource_key!r} ({kind}, CAN_CONNECT_AND_CREATE)"
        )
        ctx.report.info(f"app env: {wiring}")
        return
    if plan.create_instance:
        ctx.database_changes.append(f"Lakebase instance {section.instance} was created")
        ctx.report.info(f"creating Lakebase instance {section.instance} ({section.capacity})")
        ctx.w.database.create_database_instance(
            DatabaseInstance(name=section.target, capacity=section.capacity)
        )
    if not section.is_endpoint and plan.state != "AVAILABLE":
        plan.host = _host(ctx, section)
    ctx.report.info(
        f"{section.label} is {'usable' if section.is_endpoint else 'AVAILABLE'} "
        f"({plan.state}); attaching {attached} as {kind} resource; app env: {wiring}"
    )


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


def _login_token(w: WorkspaceClient, section: DatabaseSection) -> str:
    """A fresh Lakebase token for the deploying identity."""
    if section.is_endpoint:
        token = w.postgres.generate_database_credential(endpoint=section.target).token
    else:
        token = w.database.generate_database_credential(instance_names=[section.target]).token
    if not token:
        raise DatabaseDeployError(f"{section.label} issued no login token")
    return token


def ensure_schema(
    w: WorkspaceClient, section: DatabaseSection, host: str, user: str, service_principal: str
) -> bool:
    """Create the schema if missing and let the service principal use it; True if created.

    Logs in as `user` (the deploying identity) with a fresh Lakebase token.
    """
    import sqlalchemy as sa

    if not IDENT_RE.match(section.db_schema):  # validated already; the SQL relies on it
        raise DatabaseDeployError(f"invalid schema name {section.db_schema!r}")
    settings = load_settings()
    token = _login_token(w, section)
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
                    f"{section.label}: Databricks creates it when the database resource is "
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
            f"cannot connect to {section.label} as {user}: "
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
    host = (plan.host if plan else None) or _host(ctx, section)
    created = ensure_schema(ctx.w, section, host, ctx.current_user, principal)
    if created:
        ctx.database_changes.append(f"schema {section.db_schema} was created")
    ctx.report.info(
        f"schema {section.db_schema} {'created' if created else 'exists'}; "
        f"USAGE, CREATE granted to {principal}"
    )
    ctx.report.set(schema={"name": section.db_schema, "created": created, "grantee": principal})


def database_status(
    w: WorkspaceClient, app: sdk_apps.App, section: DatabaseSection | None
) -> dict[str, Any] | None:
    """Which database the app uses: its attached database (instance) or postgres (endpoint)
    resource, and the instance's or endpoint's state."""
    attached = next(
        (r for r in app.resources or [] if r.database is not None or r.postgres is not None), None
    )
    schema = section.db_schema if section else None
    if attached is None:
        if section is None:
            return None
        where = {"endpoint": section.endpoint} if section.is_endpoint else {}
        return {
            "attached": False,
            "instance": section.instance,
            **where,
            "database": section.database,
            "schema": schema,
            "state": None,
            "resource": None,
        }
    if attached.postgres is not None:
        endpoint_name = section.endpoint if section and section.is_endpoint else None
        endpoint = _get_endpoint(w, endpoint_name) if endpoint_name else None
        return {
            "attached": True,
            "resource": attached.name,
            "branch": attached.postgres.branch,
            "database": attached.postgres.database,
            "endpoint": endpoint_name,
            "schema": schema,
            "state": _endpoint_state(endpoint) if endpoint_name else None,
            "host": _endpoint_host(endpoint),
        }
    assert attached.database is not None
    instance = _get_instance(w, attached.database.instance_name)
    return {
        "attached": True,
        "resource": attached.name,
        "instance": attached.database.instance_name,
        "database": attached.database.database_name,
        "schema": schema,
        "state": _state(instance),
        "host": instance.read_write_dns if instance else None,
    }
