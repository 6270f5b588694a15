"""Environment files: `deploy/<env>.yaml`, one per target (dev, staging, prod).

An environment file says everything the Apps API needs that `app.yaml` cannot hold: the app's
name, description and compute size, the workspace folder the package is uploaded to, who may
use or manage the app, the resources it is bound to (serving endpoint, Genie space, MLflow
experiment), the `user_api_scopes` for on-behalf-of-user access, and `env` overrides merged into
the package's `app.yaml` (a plain value, or `{value_from: <resource name>}`).

Loading validates everything at once and raises `EnvFileError` whose message lists every
problem as `deploy/dev.yaml: <key path>: <problem>`, so a typo is found before any request.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from databricks.sdk.service import apps as sdk_apps
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic import StringConstraints as Str

__all__ = [
    "DatabaseDeployError",
    "DatabaseSection",
    "EnvFile",
    "EnvFileError",
    "EnvValue",
    "Permission",
    "Resource",
    "deploy_dir",
    "env_file_path",
    "load_env_file",
]

ENV_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
AppName = Annotated[str, Str(pattern=r"^[a-z0-9][a-z0-9-]*[a-z0-9]$", min_length=2, max_length=30)]
ResourceKey = Annotated[str, Str(pattern=r"^[A-Za-z0-9_-]+$", min_length=1, max_length=64)]
EnvName = Annotated[str, Str(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]
DEFAULT_FOLDER = "/Workspace/Users/{current_user}/apps/{app_name}"


class EnvFileError(ValueError):
    """An environment file is missing or invalid; the message names the file, key and problem."""


IDENT_RE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_ID = r"[a-z0-9][a-z0-9-]{0,62}"
ENDPOINT_RE = re.compile(rf"^projects/{_ID}/branches/{_ID}/endpoints/{_ID}$")


class DatabaseDeployError(RuntimeError):
    """The database cannot be set up as the environment file asks; the message says why."""


class DatabaseSection(BaseModel):
    """The `database` section of an environment file."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    instance: Annotated[str, Str(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")] | None = None
    endpoint: Annotated[str, Str(pattern=ENDPOINT_RE.pattern)] | None = None
    database: Annotated[str, Str(min_length=1, max_length=63)] = "databricks_postgres"
    # For an endpoint: the database's resource name, found from `database` when not given.
    database_path: (
        Annotated[str, Str(pattern=rf"^projects/{_ID}/branches/{_ID}/databases/.+$")] | None
    ) = None
    # `schema` is a BaseModel attribute: keep the YAML key, rename the field.
    db_schema: Annotated[str, Str(pattern=IDENT_RE.pattern)] = Field("slidegen", alias="schema")
    resource: Annotated[str, Str(pattern=r"^[A-Za-z0-9_-]+$", max_length=64)] | None = None
    create: bool = False
    capacity: Literal["CU_1", "CU_2", "CU_4", "CU_8"] = "CU_1"

    @model_validator(mode="after")
    def _one_target(self) -> DatabaseSection:
        if (self.instance is None) == (self.endpoint is None):
            raise ValueError(
                "give exactly one of instance (provisioned) or endpoint "
                "(autoscaling: projects/<project>/branches/<branch>/endpoints/<endpoint>)"
            )
        if self.endpoint is not None and self.create:
            raise ValueError("create: true is only for provisioned instances")
        if self.database_path is not None and not (
            self.endpoint and self.database_path.startswith(self.branch + "/databases/")
        ):
            raise ValueError("database_path must name a database of the endpoint's branch")
        return self

    @property
    def is_endpoint(self) -> bool:
        return self.endpoint is not None

    @property
    def target(self) -> str:
        """The instance name or the endpoint resource name."""
        return self.endpoint or self.instance or ""

    @property
    def branch(self) -> str:
        """`projects/<p>/branches/<b>` of an endpoint ("" for an instance)."""
        return (self.endpoint or "").rpartition("/endpoints/")[0]

    @property
    def resource_key(self) -> str:
        """The app resource key: as given, else Databricks' default for the kind."""
        return self.resource or ("postgres" if self.is_endpoint else "database")

    @property
    def label(self) -> str:
        return f"Lakebase {'endpoint' if self.is_endpoint else 'instance'} {self.target}"

    def resource_api(self) -> dict[str, Any]:
        """The app resource, as the Apps API takes and returns it (`AppResourceDatabase` for an
        instance, `AppResourcePostgres` for an endpoint)."""
        if self.is_endpoint:
            if self.database_path is None:
                raise DatabaseDeployError(
                    f"the resource name of database {self.database!r} on {self.branch} is not "
                    "known yet (resolve_database finds it)"
                )
            return {
                "name": self.resource_key,
                "postgres": {
                    "branch": self.branch,
                    "database": self.database_path,
                    "permission": "CAN_CONNECT_AND_CREATE",
                },
            }
        return {
            "name": self.resource_key,
            "database": {
                "instance_name": self.instance,
                "database_name": self.database,
                "permission": "CAN_CONNECT_AND_CREATE",
            },
        }

    def app_env(self) -> dict[str, str]:
        """What the deployed store needs to find its database (see slidegen.store.lakebase)."""
        where = (
            {"LAKEBASE_ENDPOINT": self.endpoint or ""}
            if self.is_endpoint
            else {"LAKEBASE_INSTANCE_NAME": self.instance or ""}
        )
        return {**where, "LAKEBASE_DATABASE": self.database, "DATABASE_SCHEMA": self.db_schema}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Permission(_Strict):
    """One access-control entry: exactly one principal and a level."""

    user_name: str | None = None
    group_name: str | None = None
    service_principal_name: str | None = None
    level: Literal["CAN_USE", "CAN_MANAGE"]

    @model_validator(mode="after")
    def _one_principal(self) -> Permission:
        named = [
            k for k in ("user_name", "group_name", "service_principal_name") if getattr(self, k)
        ]
        if len(named) != 1:
            raise ValueError("give exactly one of user_name, group_name, service_principal_name")
        return self

    @property
    def principal(self) -> tuple[str, str]:
        for kind in ("user_name", "group_name", "service_principal_name"):
            value = getattr(self, kind)
            if value:
                return kind, value
        raise AssertionError("validated to have one principal")


class ServingEndpoint(_Strict):
    name: str
    permission: Literal["CAN_QUERY", "CAN_VIEW", "CAN_MANAGE"] = "CAN_QUERY"


class GenieSpace(_Strict):
    space_id: str
    name: str | None = None
    permission: Literal["CAN_RUN", "CAN_VIEW", "CAN_EDIT", "CAN_MANAGE"] = "CAN_RUN"


class Experiment(_Strict):
    experiment_id: str
    permission: Literal["CAN_READ", "CAN_EDIT", "CAN_MANAGE"] = "CAN_EDIT"


RESOURCE_KINDS = ("serving_endpoint", "genie_space", "experiment")


class Resource(_Strict):
    """An app resource; `name` is the key `value_from` refers to."""

    name: ResourceKey
    description: str | None = None
    serving_endpoint: ServingEndpoint | None = None
    genie_space: GenieSpace | None = None
    experiment: Experiment | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Resource:
        kinds = [k for k in RESOURCE_KINDS if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError(f"give exactly one of {', '.join(RESOURCE_KINDS)}")
        return self

    def as_api(self) -> dict[str, Any]:
        """The `AppResource` dict the Apps API takes (and returns)."""
        body: dict[str, Any] = {"name": self.name}
        if self.description:
            body["description"] = self.description
        if self.serving_endpoint:
            body["serving_endpoint"] = self.serving_endpoint.model_dump()
        if self.genie_space:
            space = self.genie_space
            body["genie_space"] = {
                "space_id": space.space_id,
                "name": space.name or space.space_id,
                "permission": space.permission,
            }
        if self.experiment:
            body["experiment"] = self.experiment.model_dump()
        return body


class EnvValue(_Strict):
    """An `env` entry bound to a resource instead of a literal value."""

    value_from: ResourceKey


class EnvFile(_Strict):
    """The validated contents of `deploy/<env>.yaml`."""

    name: AppName
    description: str = ""
    compute_size: Literal["MEDIUM", "LARGE"] = "MEDIUM"
    workspace_folder: str = DEFAULT_FOLDER
    permissions: list[Permission] = Field(default_factory=list)
    resources: list[Resource] = Field(default_factory=list)
    user_api_scopes: list[str] = Field(default_factory=list)
    env: dict[EnvName, str | int | float | bool | EnvValue] = Field(default_factory=dict)
    # Lakebase for the store (slidegen/deployer/database.py): attached as a resource, env wired.
    database: DatabaseSection | None = None

    @model_validator(mode="after")
    def _consistent(self) -> EnvFile:
        if not self.workspace_folder.startswith("/"):
            raise ValueError("workspace_folder must be an absolute workspace path")
        keys = [r.name for r in self.resources]
        if self.database is not None:
            keys.append(self.database.resource_key)
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        if duplicates:
            raise ValueError(f"resource names must be unique: {duplicates}")
        for var, value in self.env.items():
            if isinstance(value, EnvValue) and value.value_from not in keys:
                raise ValueError(
                    f"env {var}: value_from '{value.value_from}' names no resource "
                    f"(defined: {keys or 'none'})"
                )
        principals = [p.principal for p in self.permissions]
        if len(set(principals)) != len(principals):
            raise ValueError("a principal is listed twice in permissions")
        return self

    def folder(self, current_user: str) -> str:
        """The workspace folder, with `{current_user}` and `{app_name}` filled in."""
        try:
            return self.workspace_folder.format(current_user=current_user, app_name=self.name)
        except (KeyError, IndexError) as error:
            raise EnvFileError(f"workspace_folder: unknown placeholder {error}") from None

    def app_env(self) -> dict[str, str | dict[str, str]]:
        """The `env` overrides in the shape `build_package(app_yaml_env=...)` takes."""
        # The database wiring first, so that an explicit `env` entry overrides it.
        out: dict[str, str | dict[str, str]] = dict(
            self.database.app_env() if self.database else {}
        )
        for var, value in self.env.items():
            if isinstance(value, EnvValue):
                out[var] = {"valueFrom": value.value_from}
            elif isinstance(value, bool):
                out[var] = "true" if value else "false"
            else:
                out[var] = str(value)
        return out

    def app_spec(self) -> sdk_apps.App:
        """The app as `apps.create` takes it (only the fields this file controls)."""
        return sdk_apps.App.from_dict(self.app_fields())

    def app_fields(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "compute_size": self.compute_size,
            "resources": [r.as_api() for r in self.resources]
            + ([self.database.resource_api()] if self.database else []),
            "user_api_scopes": list(self.user_api_scopes),
        }


def deploy_dir(root: Path | None = None) -> Path:
    """`<root>/deploy`; by default the checkout this module runs from, else the working folder."""
    if root is not None:
        return root / "deploy"
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "deploy").is_dir():
        return checkout / "deploy"
    return Path.cwd() / "deploy"


def env_file_path(env: str, root: Path | None = None) -> Path:
    if not ENV_NAME_RE.match(env):
        raise EnvFileError(
            f"invalid environment name {env!r}: use lowercase letters, digits, '-' or '_'"
        )
    return deploy_dir(root) / f"{env}.yaml"


def _describe(path: Path, error: ValidationError) -> str:
    lines = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or "(top level)"
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            message = "unknown key"
        lines.append(f"{path}: {where}: {message}")
    return "\n".join(lines)


def load_env_file(env: str, root: Path | None = None) -> EnvFile:
    """Read and validate `deploy/<env>.yaml`; raise `EnvFileError` naming every problem."""
    path = env_file_path(env, root)
    shown = Path("deploy") / path.name
    if not path.is_file():
        known = sorted(p.stem for p in path.parent.glob("*.yaml")) if path.parent.is_dir() else []
        raise EnvFileError(
            f"{shown}: no such environment file (known: {', '.join(known) or 'none'})"
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "(parse)"
        raise EnvFileError(
            f"{shown}: {where}: invalid YAML: {getattr(error, 'problem', None) or error}"
        ) from None
    if not isinstance(data, dict):
        raise EnvFileError(f"{shown}: (top level): expected a mapping of settings")
    try:
        return EnvFile.model_validate(data)
    except ValidationError as error:
        raise EnvFileError(_describe(shown, error)) from None
