"""Lakebase (Databricks managed PostgreSQL) in the emulator: the Database and Postgres APIs.

Paths and shapes are those databricks-sdk 0.162 calls:
- provisioned instances, `w.database`: `POST/GET /api/2.0/database/instances`,
  `GET/DELETE /api/2.0/database/instances/{name}`, `GET /api/2.0/database/instances:findByUid`,
  `POST/GET /api/2.0/database/instances/{instance}/roles[/{role}]`, and
  `POST /api/2.0/database/credentials` → `{"token", "expiration_time"}` (RFC 3339 string);
- autoscaling, `w.postgres`: `GET /api/2.0/postgres/{projects/p/branches/b/endpoints/e}`,
  `GET /api/2.0/postgres/{projects/p/branches/b}/databases` (list) and `…/databases/{id}`, and
  `POST /api/2.0/postgres/credentials` → `{"token", "expire_time"}`. Adding an endpoint adds its
  branch's default database `databricks_postgres` (resource id `databricks-postgres`), as a new
  project does; `add_database` adds others.

Every credential call mints a new random token that expires `token_ttl_s` after `clock()`.
The state (`LakebaseState`, via `lakebase_state(emu)`) remembers which token was issued for what
and until when, so tests can prove that every PostgreSQL connection logged in with a token the
workspace really issued and that had not expired: the local PostgreSQL standing in for Lakebase
runs with trust auth and never checks the password itself. `instance_host` is where instances
"live": 127.0.0.1, the local PostgreSQL.
"""

from __future__ import annotations

import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from slidegen.emulator.core import Emulator, error_response

__all__ = ["IssuedToken", "LakebaseState", "lakebase_state", "routes"]


def _rfc3339(epoch_s: float) -> str:
    return datetime.fromtimestamp(epoch_s, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class IssuedToken:
    token: str
    caller_token: str | None  # the bearer token of the workspace identity that asked
    scope: tuple[str, ...]  # instance names, or the endpoint resource name
    issued_at: float
    expires_at: float


@dataclass
class LakebaseState:
    """What the emulated workspace knows about Lakebase; tests script it directly."""

    token_ttl_s: float = 3600.0
    clock: Callable[[], float] = time.time
    instance_host: str = "127.0.0.1"
    instances: dict[str, dict[str, Any]] = field(default_factory=dict)
    roles: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    endpoints: dict[str, dict[str, Any]] = field(default_factory=dict)
    databases: dict[str, dict[str, Any]] = field(default_factory=dict)  # by resource name
    issued: list[IssuedToken] = field(default_factory=list)

    def add_instance(self, name: str, *, state: str = "AVAILABLE", **extra: Any) -> dict[str, Any]:
        """An existing provisioned instance, as if created earlier in the workspace."""
        instance = {
            "name": name,
            "uid": uuid.uuid4().hex,
            "capacity": extra.pop("capacity", "CU_1"),
            "pg_version": extra.pop("pg_version", "16"),
            "state": state,
            "read_write_dns": extra.pop("read_write_dns", self.instance_host),
            "creation_time": _rfc3339(self.clock()),
            "creator": extra.pop("creator", "someone@example.com"),
            **extra,
        }
        self.instances[name] = instance
        return instance

    def add_endpoint(self, name: str, *, host: str | None = None) -> dict[str, Any]:
        """An autoscaling compute endpoint `projects/{p}/branches/{b}/endpoints/{e}`."""
        parent, _, endpoint_id = name.rpartition("/endpoints/")
        endpoint = {
            "name": name,
            "parent": parent,
            "endpoint_id": endpoint_id,
            "uid": f"ep-{uuid.uuid4().hex[:12]}",
            "create_time": _rfc3339(self.clock()),
            "status": {
                "current_state": "ACTIVE",
                "endpoint_type": "ENDPOINT_TYPE_READ_WRITE",
                "hosts": {"host": host or self.instance_host},
            },
        }
        self.endpoints[name] = endpoint
        if not any(d["parent"] == parent for d in self.databases.values()):
            self.add_database(parent, "databricks_postgres", "databricks-postgres")
        return endpoint

    def add_database(
        self, branch: str, postgres_database: str, database_id: str | None = None
    ) -> dict[str, Any]:
        """A database of a branch `projects/{p}/branches/{b}`."""
        database_id = database_id or postgres_database.replace("_", "-")
        name = f"{branch}/databases/{database_id}"
        database = {
            "name": name,
            "parent": branch,
            "database_id": database_id,
            "create_time": _rfc3339(self.clock()),
            "status": {
                "database_id": database_id,
                "postgres_database": postgres_database,
                "role": f"{branch}/roles/databricks-owner",
            },
        }
        self.databases[name] = database
        return database

    def branches(self) -> set[str]:
        return {e["parent"] for e in self.endpoints.values()}

    def mint(
        self, caller_token: str | None, scope: tuple[str, ...], ttl_s: float | None
    ) -> IssuedToken:
        now = self.clock()
        issued = IssuedToken(
            token=f"lbt-{secrets.token_urlsafe(24)}",
            caller_token=caller_token,
            scope=scope,
            issued_at=now,
            expires_at=now + (ttl_s if ttl_s is not None else self.token_ttl_s),
        )
        self.issued.append(issued)
        return issued

    def find(self, token: str) -> IssuedToken | None:
        return next((t for t in self.issued if t.token == token), None)

    def is_valid(self, token: str, at: float | None = None) -> bool:
        """Whether Lakebase would accept `token` as a password at time `at` (default now)."""
        issued = self.find(token)
        moment = self.clock() if at is None else at
        return issued is not None and issued.issued_at <= moment < issued.expires_at


def lakebase_state(emu: Emulator) -> LakebaseState:
    state: LakebaseState = emu.state("lakebase", LakebaseState)
    return state


def _bearer(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    return auth.removeprefix("Bearer ").strip() or None


def _not_found(kind: str, name: str) -> Response:
    return error_response(404, "RESOURCE_DOES_NOT_EXIST", f"{kind} '{name}' does not exist.")


def _parse_duration(value: str) -> float | None:
    """A protobuf JSON duration such as "900s"."""
    try:
        return float(value.removesuffix("s"))
    except (AttributeError, ValueError):
        return None


def routes(emu: Emulator) -> list[BaseRoute]:
    state = lakebase_state(emu)

    async def create_instance(request: Request) -> Response:
        body = await request.json()
        name = body.get("name")
        if not name:
            return error_response(400, "INVALID_PARAMETER_VALUE", "Field 'name' is required.")
        with emu.lock:
            if name in state.instances:
                return error_response(
                    409, "RESOURCE_ALREADY_EXISTS", f"Database instance '{name}' already exists."
                )
            extra = {k: v for k, v in body.items() if k != "name"}
            instance = state.add_instance(name, **extra)
        return JSONResponse(instance)

    async def list_instances(request: Request) -> Response:
        with emu.lock:
            items = list(state.instances.values())
        return JSONResponse({"database_instances": items} if items else {})

    async def find_by_uid(request: Request) -> Response:
        uid = request.query_params.get("uid", "")
        with emu.lock:
            match = next((i for i in state.instances.values() if i["uid"] == uid), None)
        return JSONResponse(match) if match else _not_found("Database instance with uid", uid)

    async def instance(request: Request) -> Response:
        name = request.path_params["name"]
        with emu.lock:
            found = state.instances.get(name)
            if found is None:
                return _not_found("Database instance", name)
            if request.method == "DELETE":
                del state.instances[name]
                state.roles.pop(name, None)
                return JSONResponse({})
        return JSONResponse(found)

    async def roles(request: Request) -> Response:
        instance_name = request.path_params["name"]
        body = await request.json() if request.method == "POST" else {}
        with emu.lock:
            if instance_name not in state.instances:
                return _not_found("Database instance", instance_name)
            known = state.roles.setdefault(instance_name, {})
            if request.method == "GET":
                return JSONResponse({"database_instance_roles": list(known.values())})
            role_name = body.get("name")
            if not role_name:
                return error_response(400, "INVALID_PARAMETER_VALUE", "Field 'name' is required.")
            if role_name in known:
                return error_response(
                    409, "RESOURCE_ALREADY_EXISTS", f"Role '{role_name}' already exists."
                )
            known[role_name] = {**body, "instance_name": instance_name}
            return JSONResponse(known[role_name])

    async def role(request: Request) -> Response:
        instance_name, role_name = request.path_params["name"], request.path_params["role"]
        with emu.lock:
            found = state.roles.get(instance_name, {}).get(role_name)
        return JSONResponse(found) if found else _not_found("Role", role_name)

    async def database_credentials(request: Request) -> Response:
        body = await request.json()
        names = tuple(body.get("instance_names") or ())
        if not names and not body.get("claims"):
            return error_response(
                400,
                "INVALID_PARAMETER_VALUE",
                "At least one of instance_names or claims must be specified.",
            )
        with emu.lock:
            for name in names:
                if name not in state.instances:
                    return _not_found("Database instance", name)
            issued = state.mint(_bearer(request), names, None)
        return JSONResponse({"token": issued.token, "expiration_time": _rfc3339(issued.expires_at)})

    async def postgres_credentials(request: Request) -> Response:
        body = await request.json()
        endpoint = body.get("endpoint")
        if not endpoint:
            return error_response(400, "INVALID_PARAMETER_VALUE", "Field 'endpoint' is required.")
        ttl = _parse_duration(body["ttl"]) if "ttl" in body else None
        if ttl is not None and not 300 <= ttl <= 3600:
            return error_response(
                400, "INVALID_PARAMETER_VALUE", "ttl must be between 300s and 3600s."
            )
        with emu.lock:
            if endpoint not in state.endpoints:
                return _not_found("Endpoint", endpoint)
            issued = state.mint(_bearer(request), (endpoint,), ttl)
        return JSONResponse({"token": issued.token, "expire_time": _rfc3339(issued.expires_at)})

    async def postgres_get(request: Request) -> Response:
        name = request.path_params["name"]
        with emu.lock:
            if name.endswith("/databases"):
                branch = name.removesuffix("/databases")
                if branch not in state.branches():
                    return _not_found("Branch", branch)
                found = [d for d in state.databases.values() if d["parent"] == branch]
                return JSONResponse({"databases": found})
            found = state.endpoints.get(name) or state.databases.get(name)
        return JSONResponse(found) if found else _not_found("Resource", name)

    base = "/api/2.0/database"
    return [
        Route(f"{base}/instances", create_instance, methods=["POST"]),
        Route(f"{base}/instances", list_instances, methods=["GET"]),
        Route(f"{base}/instances:findByUid", find_by_uid, methods=["GET"]),
        Route(f"{base}/instances/{{name}}", instance, methods=["GET", "DELETE"]),
        Route(f"{base}/instances/{{name}}/roles", roles, methods=["GET", "POST"]),
        Route(f"{base}/instances/{{name}}/roles/{{role}}", role, methods=["GET"]),
        Route(f"{base}/credentials", database_credentials, methods=["POST"]),
        Route("/api/2.0/postgres/credentials", postgres_credentials, methods=["POST"]),
        Route("/api/2.0/postgres/{name:path}", postgres_get, methods=["GET"]),
    ]
