"""Databricks Apps in the emulated workspace: `/api/2.0/apps*`, plus each app's own URL.

Lifecycle, with the real API's shapes (`App`, `AppDeployment`, `AppUpdate` as the SDK parses them):
- create → compute STARTING, ACTIVE after `timing.start_s` (STOPPED with `no_compute`);
  409 RESOURCE_ALREADY_EXISTS for a name in use, including one still DELETING;
- delete → compute DELETING for `timing.delete_s`, then the app is gone (404);
- start/stop move the compute through STARTING/STOPPING; starting an app that has an active
  deployment redeploys it (a pending deployment), as the platform does;
- deploy (SNAPSHOT) copies the source folder to a snapshot path
  (`deployment_artifacts.source_code_path`), is IN_PROGRESS for `timing.deploy_s`, then SUCCEEDED
  (becomes `active_deployment`, app RUNNING) or FAILED with `status.message` (stays the
  `pending_deployment`). It fails like the platform when the folder is missing, `app.yaml` is
  invalid or names an unknown resource, or a file exceeds 10 MB; `state.fail_next_deployment`
  scripts any other failure. A deploy while one is IN_PROGRESS, or on compute that is not
  ACTIVE, is refused;
- update (PATCH) is a full replacement (omitted fields are cleared); create_update applies only
  the fields named in `update_mask`, IN_PROGRESS for `timing.update_s`.
- resources are checked on create, update and create_update with the SDK's `AppResource`
  shapes: one kind per resource, its required fields and permissions, unique names; a
  `postgres` (Lakebase autoscaling) resource names a branch and a database of that branch that
  exists in the emulated Lakebase (`api_database`).
Time advances lazily: each request first applies the transitions that are due, so there are no
background threads and tests control durations through `apps_state(emu).timing`.

The app URL is `{emulator}/_apps/{name}`: `GET …/api/health` answers 200 once the compute is
ACTIVE with a succeeded deployment (`app.health_status` overrides it), and the websocket
`…/logz/stream` speaks the log-stream protocol the Databricks CLI uses (send a search term, get
JSON `{source, timestamp, message}` frames, or a single NUL byte when there are none).
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import yaml
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from slidegen.emulator.api_scim import identity
from slidegen.emulator.api_workspace import WorkspaceError, canonical, workspace
from slidegen.emulator.core import Emulator, error_response

__all__ = ["AppsState", "AppsTiming", "EmulatedApp", "app_folder_files", "apps_state", "routes"]

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,28}[a-z0-9]$")
MAX_FILE_BYTES = 10 * 1024 * 1024
# Fields a caller may set; `update` clears every one it omits.
WRITABLE = (
    "description",
    "compute_size",
    "resources",
    "user_api_scopes",
    "budget_policy_id",
    "usage_policy_id",
    "compute_min_instances",
    "compute_max_instances",
)


class ApiError(Exception):
    def __init__(self, status: int, error_code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.error_code, self.message = status, error_code, message


def _now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass
class AppsTiming:
    """How long each transition takes, in seconds (short by default: tests wait on them)."""

    start_s: float = 0.3
    stop_s: float = 0.2
    delete_s: float = 0.5
    deploy_s: float = 0.3
    update_s: float = 0.2


@dataclass
class EmulatedApp:
    name: str
    spec: dict[str, Any]
    id: str
    url: str
    creator: str
    create_time: str = field(default_factory=_now_iso)
    update_time: str = field(default_factory=_now_iso)
    compute: tuple[str, str] = ("STOPPED", "App compute is stopped.")
    status: tuple[str, str] = (
        "UNAVAILABLE",
        "App has not been deployed yet. Please deploy your app.",
    )
    deployments: dict[str, dict[str, Any]] = field(default_factory=dict)
    active_deployment_id: str | None = None
    pending_deployment_id: str | None = None
    update: dict[str, Any] | None = None
    logs: list[dict[str, Any]] = field(default_factory=list)
    timers: list[tuple[float, Callable[[], None]]] = field(default_factory=list)
    health_status: int | None = None  # tests: force the health route's answer

    @property
    def service_principal_client_id(self) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"app:{self.id}"))

    def schedule(self, delay_s: float, action: Callable[[], None]) -> None:
        self.timers.append((time.monotonic() + delay_s, action))

    def log(self, source: str, message: str) -> None:
        self.logs.append({"source": source, "timestamp": time.time(), "message": message})

    def healthy(self) -> bool:
        return (
            self.compute[0] == "ACTIVE"
            and self.active_deployment_id is not None
            and self.status[0] in ("RUNNING", "DEPLOYING")
        )

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {k: v for k, v in self.spec.items() if v not in (None, [], "")}
        body.update(
            name=self.name,
            id=self.id,
            url=self.url,
            creator=self.creator,
            create_time=self.create_time,
            update_time=self.update_time,
            updater=self.creator,
            compute_status={
                "state": self.compute[0],
                "message": self.compute[1],
                "active_instances": 1 if self.compute[0] == "ACTIVE" else 0,
            },
            app_status={"state": self.status[0], "message": self.status[1]},
            service_principal_client_id=self.service_principal_client_id,
            service_principal_id=int(self.id[:8], 16),
            service_principal_name=f"app-{self.name}",
            default_source_code_path=self._last_source(),
        )
        body.setdefault("compute_size", "MEDIUM")
        if self.spec.get("user_api_scopes"):
            body["effective_user_api_scopes"] = list(self.spec["user_api_scopes"])
        if self.active_deployment_id:
            body["active_deployment"] = self.deployments[self.active_deployment_id]
        if self.pending_deployment_id:
            body["pending_deployment"] = self.deployments[self.pending_deployment_id]
        return {k: v for k, v in body.items() if v is not None}

    def _last_source(self) -> str | None:
        for deployment in reversed(self.deployments.values()):
            return deployment.get("source_code_path")
        return None


class AppsState:
    """All apps of the emulated workspace and the knobs tests turn."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.timing = AppsTiming()
        self.apps: dict[str, EmulatedApp] = {}
        self.fail_next_deployment: str | None = None
        self.logz_enabled = True

    def advance(self) -> None:
        """Apply every transition that is due, oldest first."""
        with self.lock:
            now = time.monotonic()
            while True:
                due = [
                    (t, app, action)
                    for app in list(self.apps.values())
                    for (t, action) in app.timers
                    if t <= now
                ]
                if not due:
                    return
                t, app, action = min(due, key=lambda item: item[0])
                app.timers.remove((t, action))
                action()

    def get(self, name: str) -> EmulatedApp:
        self.advance()
        app = self.apps.get(name)
        if app is None:
            raise ApiError(
                404,
                "RESOURCE_DOES_NOT_EXIST",
                f"App with name {name} does not exist or is deleted.",
            )
        return app


def apps_state(emu: Emulator) -> AppsState:
    return emu.state("apps.state", AppsState)


def _validate_app_yaml(text: bytes, resource_keys: set[str]) -> str | None:
    """The platform's complaint about an app.yaml, or None when it is usable."""
    try:
        doc = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        return f"Error loading app.yaml: invalid YAML: {error}"
    if not isinstance(doc, dict):
        return "Error loading app.yaml: the file must be a mapping."
    unknown = set(doc) - {"command", "env"}
    if unknown:
        return f"Error loading app.yaml: unknown keys {sorted(unknown)}."
    command = doc.get("command")
    if command is not None and (
        not isinstance(command, list) or not all(isinstance(c, str) for c in command)
    ):
        return "Error loading app.yaml: 'command' must be a list of strings."
    for entry in doc.get("env") or []:
        if not isinstance(entry, dict) or "name" not in entry:
            return "Error loading app.yaml: every env entry needs a 'name'."
        source = entry.get("valueFrom")
        if source is not None and source not in resource_keys:
            return (
                f"Error resolving env var {entry['name']}: resource '{source}' is not "
                "defined for this app."
            )
    return None


# Resource kinds (databricks-sdk `AppResource`) and the fields each requires and permits.
_RESOURCE_KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "serving_endpoint": (("name", "permission"), ("CAN_QUERY", "CAN_VIEW", "CAN_MANAGE")),
    "genie_space": (("space_id", "permission"), ("CAN_RUN", "CAN_VIEW", "CAN_EDIT", "CAN_MANAGE")),
    "experiment": (("experiment_id", "permission"), ("CAN_READ", "CAN_EDIT", "CAN_MANAGE")),
    "database": (("instance_name", "database_name", "permission"), ("CAN_CONNECT_AND_CREATE",)),
    "postgres": (("branch", "database", "permission"), ("CAN_CONNECT_AND_CREATE",)),
    "sql_warehouse": (("id", "permission"), ("CAN_USE", "CAN_MANAGE", "IS_OWNER")),
    "secret": (("scope", "key", "permission"), ("READ", "WRITE", "MANAGE")),
    "job": (("id", "permission"), ("CAN_VIEW", "CAN_MANAGE_RUN", "CAN_MANAGE", "IS_OWNER")),
    "uc_securable": (("securable_full_name", "securable_type", "permission"), ()),
    "app": (("name", "permission"), ("CAN_USE",)),
}
_BRANCH_RE = re.compile(r"^projects/[a-z0-9][a-z0-9-]{0,62}/branches/[a-z0-9][a-z0-9-]{0,62}$")


def _validate_resources(resources: Any, emu: Emulator) -> None:
    """Refuse resources the platform would refuse: unknown kinds, missing fields, bad
    permissions, duplicate names, and a Lakebase autoscaling database that does not exist."""
    from slidegen.emulator.api_database import lakebase_state

    if resources is None:
        return
    if not isinstance(resources, list):
        raise ApiError(400, "INVALID_PARAMETER_VALUE", "resources must be a list.")
    names: set[str] = set()
    for resource in resources:
        name = resource.get("name") if isinstance(resource, dict) else None
        if not name:
            raise ApiError(400, "INVALID_PARAMETER_VALUE", "Every app resource needs a name.")
        if name in names:
            raise ApiError(400, "INVALID_PARAMETER_VALUE", f"Duplicate resource name '{name}'.")
        names.add(name)
        kinds = [k for k in resource if k in _RESOURCE_KINDS]
        unknown = [
            k for k in resource if k not in _RESOURCE_KINDS and k not in ("name", "description")
        ]
        if len(kinds) != 1 or unknown:
            raise ApiError(
                400,
                "INVALID_PARAMETER_VALUE",
                f"Resource '{name}' must have exactly one resource type"
                + (f" (unknown fields {sorted(unknown)})" if unknown else "")
                + ".",
            )
        kind = kinds[0]
        body = resource[kind] or {}
        required, permissions = _RESOURCE_KINDS[kind]
        missing = [f for f in required if not body.get(f)]
        if missing:
            raise ApiError(
                400,
                "INVALID_PARAMETER_VALUE",
                f"Resource '{name}' ({kind}) is missing {', '.join(missing)}.",
            )
        if permissions and body["permission"] not in permissions:
            raise ApiError(
                400,
                "INVALID_PARAMETER_VALUE",
                f"Invalid permission {body['permission']} for {kind} resource '{name}'.",
            )
        if kind == "postgres":
            branch, database = str(body["branch"]), str(body["database"])
            if not _BRANCH_RE.match(branch) or not database.startswith(branch + "/databases/"):
                raise ApiError(
                    400,
                    "INVALID_PARAMETER_VALUE",
                    f"Resource '{name}': branch must be projects/<p>/branches/<b> and database "
                    "a database of that branch (projects/<p>/branches/<b>/databases/<d>).",
                )
            if database not in lakebase_state(emu).databases:
                raise ApiError(
                    404, "RESOURCE_DOES_NOT_EXIST", f"Database '{database}' does not exist."
                )


def routes(emu: Emulator) -> list[BaseRoute]:
    state = apps_state(emu)
    fs = workspace(emu)

    def api(handler: Callable[..., Any]) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> Response:
            try:
                body = await request.json() if await request.body() else {}
                with state.lock:
                    state.advance()
                    return JSONResponse(handler(request, body))
            except (ApiError, WorkspaceError) as error:
                return error_response(error.status, error.error_code, error.message)

        return endpoint

    def finish_start(app: EmulatedApp) -> None:
        app.compute = ("ACTIVE", "App compute is running.")
        if app.active_deployment_id:
            # The platform redeploys the last active deployment when the compute starts.
            last = app.deployments[app.active_deployment_id]
            begin_deployment(
                app,
                last["source_code_path"],
                last.get("mode", "SNAPSHOT"),
                snapshot_from=last["deployment_artifacts"]["source_code_path"],
            )

    def begin_deployment(
        app: EmulatedApp, source: str, mode: str, snapshot_from: str | None = None
    ) -> dict[str, Any]:
        deployment_id = uuid.uuid4().hex
        snapshot = f"/Workspace/Users/{app.service_principal_client_id}/src/{deployment_id}"
        deployment: dict[str, Any] = {
            "deployment_id": deployment_id,
            "source_code_path": source,
            "mode": mode,
            "creator": identity(emu).user_name,
            "create_time": _now_iso(),
            "update_time": _now_iso(),
            "deployment_artifacts": {"source_code_path": snapshot},
            "status": {"state": "IN_PROGRESS", "message": "Deployment is in progress."},
        }
        failure = state.fail_next_deployment
        state.fail_next_deployment = None
        origin = snapshot_from or source
        origin_obj = fs.get(origin)
        if origin_obj is None or origin_obj.object_type != "DIRECTORY":
            failure = failure or f"Source code path {source} does not exist or is not a folder."
        else:
            fs.copy_tree(origin, snapshot)
            files = fs.files_under(snapshot)
            too_big = sorted(rel for rel, obj in files.items() if len(obj.content) > MAX_FILE_BYTES)
            if too_big:
                failure = failure or f"File {too_big[0]} exceeds the maximum size of 10 MB."
            manifest = files.get("app.yaml") or files.get("app.yml")
            keys = {r.get("name") for r in app.spec.get("resources") or []}
            if manifest is not None:
                failure = failure or _validate_app_yaml(manifest.content, keys)
        app.deployments[deployment_id] = deployment
        app.pending_deployment_id = deployment_id
        app.status = ("DEPLOYING", "App is being deployed.")
        app.log("SYSTEM", f"Deploying source code from {source}")

        def finish() -> None:
            deployment["update_time"] = _now_iso()
            if failure:
                deployment["status"] = {"state": "FAILED", "message": failure}
                app.log("SYSTEM", f"Deployment failed: {failure}")
                app.status = (
                    ("RUNNING", "App is running.")
                    if app.active_deployment_id
                    else ("CRASHED", failure)
                )
                return
            deployment["status"] = {"state": "SUCCEEDED", "message": "App started successfully"}
            app.active_deployment_id = deployment_id
            app.pending_deployment_id = None
            app.status = ("RUNNING", "App is running.")
            app.log("SYSTEM", "Installing requirements from requirements.txt")
            app.log("APP", f"Serving {app.name} on port 8000")

        app.schedule(state.timing.deploy_s, finish)
        return deployment

    def create(request: Request, body: dict[str, Any]) -> dict[str, Any]:
        name = str(body.get("name", ""))
        if not NAME_RE.match(name):
            raise ApiError(
                400,
                "INVALID_PARAMETER_VALUE",
                f"Invalid app name '{name}': use 2-30 lowercase letters, digits or hyphens.",
            )
        _validate_resources(body.get("resources"), emu)
        existing = state.apps.get(name)
        if existing is not None:
            being_deleted = existing.compute[0] == "DELETING"
            raise ApiError(
                409,
                "RESOURCE_ALREADY_EXISTS",
                f"An app with the same name ({name}) "
                + ("is being deleted. Try again later." if being_deleted else "already exists."),
            )
        app_id = uuid.uuid4().hex
        app = EmulatedApp(
            name=name,
            spec={k: body.get(k) for k in WRITABLE},
            id=app_id,
            url=f"{emu.base_url}/_apps/{name}",
            creator=identity(emu).user_name,
        )
        state.apps[name] = app
        if request.query_params.get("no_compute", "").lower() != "true":
            app.compute = ("STARTING", "App compute is starting.")
            app.schedule(state.timing.start_s, lambda: finish_start(app))
        return app.as_json()

    def get(request: Request, body: dict[str, Any]) -> dict[str, Any]:
        return state.get(request.path_params["name"]).as_json()

    def list_apps(request: Request, body: dict[str, Any]) -> dict[str, Any]:
        return {"apps": [a.as_json() for a in state.apps.values()]}

    def delete(request: Request, body: dict[str, Any]) -> dict[str, Any]:
        app = state.get(request.path_params["name"])
        if app.compute[0] != "DELETING":
            app.compute = ("DELETING", "App is being deleted.")
            app.timers.clear()
            app.schedule(state.timing.delete_s, lambda: state.apps.pop(app.name, None))
        return app.as_json()

    def not_deleting(app: EmulatedApp) -> None:
        if app.compute[0] == "DELETING":
            raise ApiError(400, "INVALID_STATE", f"App {app.name} is being deleted.")

    def update(request: Request, body: dict[str, Any]) -> dict[str, Any]:
        app = state.get(request.path_params["name"])
        not_deleting(app)
        _validate_resources(body.get("resources"), emu)
        app.spec = {k: body.get(k) for k in WRITABLE}  # full replacement
        app.update_time = _now_iso()
        return app.as_json()

    def create_update(request: Request, body: dict[str, Any]) -> dict[str, Any]:
        app = state.get(request.path_params["name"])
        not_deleting(app)
        if app.update and app.update["status"]["state"] == "IN_PROGRESS":
            raise ApiError(
                409, "RESOURCE_CONFLICT", f"An update of app {app.name} is already in progress."
            )
        mask = str(body.get("update_mask") or "")
        fields = list(WRITABLE) if mask == "*" else [f for f in mask.split(",") if f]
        unknown = [f for f in fields if f not in WRITABLE]
        if not fields or unknown:
            raise ApiError(
                400,
                "INVALID_PARAMETER_VALUE",
                f"Invalid update_mask '{mask}'" + (f": {unknown}" if unknown else ""),
            )
        new = body.get("app") or {}
        if "resources" in fields:
            _validate_resources(new.get("resources"), emu)
        record = {f: new.get(f) for f in fields}
        app.update = {
            **record,
            "status": {"state": "IN_PROGRESS", "message": "App update is in progress."},
        }

        def finish() -> None:
            app.spec.update(record)
            app.update_time = _now_iso()
            app.update = {
                **record,
                "status": {"state": "SUCCEEDED", "message": "App updated successfully."},
            }

        app.schedule(state.timing.update_s, finish)
        return {k: v for k, v in app.update.items() if v is not None}

    def get_update(request: Request, body: dict[str, Any]) -> dict[str, Any]:
        app = state.get(request.path_params["name"])
        if app.update is None:
            return {"status": {"state": "NOT_UPDATED", "message": "App has not been updated."}}
        return {k: v for k, v in app.update.items() if v is not None}

    def start(request: Request, body: dict[str, Any]) -> dict[str, Any]:
        app = state.get(request.path_params["name"])
        not_deleting(app)
        if app.compute[0] in ("STOPPED", "ERROR"):
            app.compute = ("STARTING", "App compute is starting.")
            app.schedule(state.timing.start_s, lambda: finish_start(app))
        return app.as_json()

    def stop(request: Request, body: dict[str, Any]) -> dict[str, Any]:
        app = state.get(request.path_params["name"])
        not_deleting(app)
        if app.compute[0] in ("ACTIVE", "STARTING"):
            app.compute = ("STOPPING", "App compute is stopping.")

            def finish() -> None:
                app.compute = ("STOPPED", "App compute is stopped.")
                app.status = ("UNAVAILABLE", "App is not running.")

            app.schedule(state.timing.stop_s, finish)
        return app.as_json()

    def deploy(request: Request, body: dict[str, Any]) -> dict[str, Any]:
        app = state.get(request.path_params["name"])
        pending = app.deployments.get(app.pending_deployment_id or "")
        if pending and pending["status"]["state"] == "IN_PROGRESS":
            raise ApiError(
                400,
                "INVALID_STATE",
                f"Cannot deploy app {app.name} as there is an active deployment in progress.",
            )
        if app.compute[0] != "ACTIVE":
            raise ApiError(
                400,
                "INVALID_STATE",
                f"Cannot deploy app {app.name} as its compute is in "
                f"{app.compute[0]} state. Please start the app compute first.",
            )
        source = str(body.get("source_code_path") or "")
        if not source:
            raise ApiError(400, "INVALID_PARAMETER_VALUE", "source_code_path is required.")
        canonical(source)
        return begin_deployment(app, source, str(body.get("mode") or "SNAPSHOT"))

    def get_deployment(request: Request, body: dict[str, Any]) -> dict[str, Any]:
        app = state.get(request.path_params["name"])
        deployment = app.deployments.get(request.path_params["deployment_id"])
        if deployment is None:
            raise ApiError(
                404,
                "RESOURCE_DOES_NOT_EXIST",
                f"Deployment {request.path_params['deployment_id']} does not exist.",
            )
        return deployment

    def list_deployments(request: Request, body: dict[str, Any]) -> dict[str, Any]:
        app = state.get(request.path_params["name"])
        return {"app_deployments": list(reversed(app.deployments.values()))}

    async def health(request: Request) -> Response:
        with state.lock:
            state.advance()
            app = state.apps.get(request.path_params["name"])
            if app is not None and app.health_status is not None:
                code = app.health_status
            else:
                code = 200 if app is not None and app.healthy() else 503
        if code != 200:
            return Response("App Not Available", status_code=code)
        return JSONResponse({"status": "ok", "app": request.path_params["name"]})

    async def logz(websocket: WebSocket) -> None:
        name = websocket.path_params["name"]
        auth = websocket.headers.get("authorization", "")
        with state.lock:
            state.advance()
            app = state.apps.get(name)
        if not auth.startswith("Bearer ") or app is None or not state.logz_enabled:
            status, code, message = (
                (401, "UNAUTHENTICATED", "missing bearer token")
                if not auth.startswith("Bearer ")
                else (404, "NOT_FOUND", f"App {name} not found")
                if app is None
                else (403, "PERMISSION_DENIED", "Log streaming is not enabled for this workspace.")
            )
            await websocket.send_denial_response(
                JSONResponse({"error_code": code, "message": message}, status_code=status)
            )
            return
        await websocket.accept()
        try:
            search = await websocket.receive_text()
            sent = 0
            first = True
            while True:
                with state.lock:
                    state.advance()
                    entries = list(app.logs)
                fresh = [e for e in entries[sent:] if search.lower() in e["message"].lower()]
                sent = len(entries)
                for entry in fresh:
                    await websocket.send_text(json.dumps(entry))
                if first and not fresh:
                    await websocket.send_text("\x00")
                first = False
                await asyncio.sleep(0.05)
        except WebSocketDisconnect:
            return

    base = "/api/2.0/apps"
    return [
        Route(base, api(create), methods=["POST"]),
        Route(base, api(list_apps), methods=["GET"]),
        Route(f"{base}/{{name}}", api(get), methods=["GET"]),
        Route(f"{base}/{{name}}", api(update), methods=["PATCH"]),
        Route(f"{base}/{{name}}", api(delete), methods=["DELETE"]),
        Route(f"{base}/{{name}}/update", api(create_update), methods=["POST"]),
        Route(f"{base}/{{name}}/update", api(get_update), methods=["GET"]),
        Route(f"{base}/{{name}}/start", api(start), methods=["POST"]),
        Route(f"{base}/{{name}}/stop", api(stop), methods=["POST"]),
        Route(f"{base}/{{name}}/deployments", api(deploy), methods=["POST"]),
        Route(f"{base}/{{name}}/deployments", api(list_deployments), methods=["GET"]),
        Route(
            f"{base}/{{name}}/deployments/{{deployment_id}}", api(get_deployment), methods=["GET"]
        ),
        Route("/_apps/{name}/api/health", health, methods=["GET"]),
        WebSocketRoute("/_apps/{name}/logz/stream", logz),
    ]


def app_folder_files(emu: Emulator, path: str) -> dict[str, bytes]:
    """Test helper: a workspace folder's files (e.g. a snapshot) by relative path."""
    return {rel: obj.content for rel, obj in workspace(emu).files_under(path).items()}
