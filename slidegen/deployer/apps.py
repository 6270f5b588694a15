"""The app side of a deploy: create or update, start, deploy and wait, permissions, verify.

Waiting is done with `slidegen.polling` rather than the SDK's waiters: those sleep 1, 2, 3 … 10 s
between polls (slow for a CLI and for tests), never give up on a CANCELLED deployment (20
minutes), and know nothing of DELETING. `Waits` bounds every wait and sets the polling pace.

`plan_app` and `plan_permissions` only read; `ensure_app` and `apply_permissions` write what
the plan says. That split is what makes `--dry-run` exact.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import requests
from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import DatabricksError, NotFound, ResourceAlreadyExists
from databricks.sdk.service import apps as sdk_apps

from slidegen import polling
from slidegen.deployer.client import auth_headers, describe_error
from slidegen.deployer.envfile import EnvFile, Permission
from slidegen.polling import Backoff, Check, WaitTimeout

__all__ = [
    "AppPlan",
    "DeploymentFailed",
    "PermissionPlan",
    "SeenDeployment",
    "VerifyFailed",
    "Waits",
    "apply_permissions",
    "deploy_source",
    "ensure_app",
    "get_app",
    "plan_app",
    "plan_permissions",
    "verify",
    "wait_app_gone",
]

T = TypeVar("T")
UPDATABLE = ("description", "compute_size", "resources", "user_api_scopes")


class DeploymentFailed(RuntimeError):
    """The platform reported the deployment FAILED (or CANCELLED); the message is its own."""


class VerifyFailed(RuntimeError):
    """The app did not become RUNNING, or its health check did not answer 200 in time."""


@dataclass(frozen=True)
class Waits:
    """Polling pace and upper bounds of every wait, in seconds."""

    poll_s: float = 1.0
    max_poll_s: float = 5.0
    app_timeout_s: float = 20 * 60
    deploy_timeout_s: float = 20 * 60
    verify_timeout_s: float = 180.0
    http_timeout_s: float = 10.0

    @property
    def backoff(self) -> Backoff:
        return Backoff(first_s=self.poll_s, max_s=self.max_poll_s, factor=1.5)


def poll(check: Check[T], timeout_s: float, waits: Waits, what: str) -> T:
    """`slidegen.polling.poll` at the deploy's pace; WaitTimeout names `what` and the last state."""
    return polling.poll(check, timeout_s=timeout_s, backoff=waits.backoff, what=what)


def get_app(w: WorkspaceClient, name: str) -> sdk_apps.App | None:
    try:
        return w.apps.get(name)
    except NotFound:
        return None


def compute_state(app: sdk_apps.App | None) -> str:
    if app is None:
        return "ABSENT"
    state = app.compute_status.state if app.compute_status else None
    return state.value if state else "UNKNOWN"


def wait_app_gone(w: WorkspaceClient, name: str, waits: Waits) -> None:
    def check() -> tuple[bool, None, str]:
        app = get_app(w, name)
        return app is None, None, compute_state(app)

    poll(check, waits.app_timeout_s, waits, f"app {name} to finish deleting")


@dataclass(frozen=True)
class SeenDeployment:
    """A deployment as the plan's read of the app showed it."""

    deployment_id: str
    state: str  # SUCCEEDED | FAILED | IN_PROGRESS | CANCELLED | UNKNOWN
    source_code_path: str

    @classmethod
    def of(cls, deployment: sdk_apps.AppDeployment | None) -> SeenDeployment | None:
        if deployment is None or not deployment.deployment_id:
            return None
        state = deployment.status.state if deployment.status else None
        return cls(
            deployment.deployment_id,
            state.value if state else "UNKNOWN",
            deployment.source_code_path or "",
        )


@dataclass
class AppPlan:
    action: str  # create | update | none
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # field → (old, new)
    compute: str = "ABSENT"  # the compute state seen while planning
    deleting: bool = False
    app_state: str = "ABSENT"  # the application's state (RUNNING, CRASHED, …)
    active: SeenDeployment | None = None
    pending: SeenDeployment | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "changed_fields": sorted(self.changes),
            "compute": self.compute,
            "waits_for_delete": self.deleting,
            "app_state": self.app_state,
            "active_deployment": self.active.deployment_id if self.active else None,
        }


def _normalised(fields: dict[str, Any]) -> dict[str, Any]:
    """Comparable values: resources keyed by name, scopes sorted, empty equals absent."""
    resources = {r["name"]: r for r in fields.get("resources") or []}
    return {
        "description": fields.get("description") or "",
        "compute_size": fields.get("compute_size") or "MEDIUM",
        "resources": [resources[k] for k in sorted(resources)],
        "user_api_scopes": sorted(fields.get("user_api_scopes") or []),
    }


def _current_fields(app: sdk_apps.App) -> dict[str, Any]:
    body = app.as_dict()
    # The API may echo extra attributes; compare only the ones an env file sets.
    kinds = (
        "name",
        "description",
        "serving_endpoint",
        "genie_space",
        "experiment",
        "database",
        "postgres",
    )
    resources = [{k: v for k, v in r.items() if k in kinds} for r in body.get("resources") or []]
    return {
        "description": body.get("description"),
        "compute_size": body.get("compute_size"),
        "resources": resources,
        "user_api_scopes": body.get("user_api_scopes"),
    }


def plan_app(w: WorkspaceClient, env: EnvFile) -> AppPlan:
    """What `ensure_app` would do, from one read of the app."""
    app = get_app(w, env.name)
    state = compute_state(app)
    if app is None or state == "DELETING":
        return AppPlan("create", compute=state, deleting=state == "DELETING")
    old, new = _normalised(_current_fields(app)), _normalised(env.app_fields())
    changes = {k: (old[k], new[k]) for k in UPDATABLE if old[k] != new[k]}
    app_state = app.app_status.state if app.app_status else None
    return AppPlan(
        "update" if changes else "none",
        changes,
        compute=state,
        app_state=app_state.value if app_state else "UNKNOWN",
        active=SeenDeployment.of(app.active_deployment),
        pending=SeenDeployment.of(app.pending_deployment),
    )


def _wait_update(w: WorkspaceClient, name: str, waits: Waits) -> None:
    def check() -> tuple[bool, sdk_apps.AppUpdate, str]:
        update = w.apps.get_update(name)
        state = update.status.state if update.status else None
        if state == sdk_apps.AppUpdateUpdateStatusUpdateState.FAILED:
            raise DeploymentFailed(
                f"app update failed: {update.status.message if update.status else ''}"
            )
        return state == sdk_apps.AppUpdateUpdateStatusUpdateState.SUCCEEDED, update, str(state)

    poll(check, waits.app_timeout_s, waits, f"the update of app {name}")


def _wait_active(
    w: WorkspaceClient, name: str, waits: Waits, note: Callable[[str], None]
) -> sdk_apps.App:
    """Start a stopped compute and wait until it is ACTIVE (through STARTING/UPDATING/STOPPING)."""
    started = False

    def check() -> tuple[bool, sdk_apps.App, str]:
        nonlocal started
        app = w.apps.get(name)
        state = compute_state(app)
        if state == "ACTIVE":
            return True, app, state
        if state in ("STOPPED", "ERROR") and not started:
            note(f"compute is {state}: starting it")
            w.apps.start(name)
            started = True
        elif state in ("STOPPED", "ERROR"):
            message = app.compute_status.message if app.compute_status else ""
            raise DeploymentFailed(f"the app's compute did not start: {state} {message}".strip())
        return False, app, state

    return poll(check, waits.app_timeout_s, waits, f"app {name}'s compute to be ACTIVE")


def wait_deployments_settled(
    w: WorkspaceClient, app: sdk_apps.App, waits: Waits, note: Callable[[str], None]
) -> None:
    """Wait out a deployment IN_PROGRESS (e.g. the redeploy that starting a compute triggers)."""
    for deployment in (app.active_deployment, app.pending_deployment):
        if (
            deployment
            and deployment.status
            and deployment.deployment_id
            and deployment.status.state == sdk_apps.AppDeploymentState.IN_PROGRESS
        ):
            note(f"waiting for deployment {deployment.deployment_id} already in progress")
            # Someone else's deployment failing does not stop ours.
            with contextlib.suppress(DeploymentFailed):
                wait_deployment(w, app.name, deployment.deployment_id, waits)


def ensure_app(
    w: WorkspaceClient, env: EnvFile, plan: AppPlan, waits: Waits, note: Callable[[str], None]
) -> sdk_apps.App:
    """Create the app or apply the planned changes, then have its compute ACTIVE and idle."""
    name = env.name
    if plan.deleting:
        note(f"app {name} is still being deleted: waiting for that to finish")
        wait_app_gone(w, name, waits)
    if plan.action == "create":
        try:
            w.apps.create(env.app_spec())
            note(f"created app {name} ({env.compute_size})")
        except ResourceAlreadyExists:
            # Created since we looked (or still deleting): settle, then converge by update.
            app = get_app(w, name)
            if compute_state(app) == "DELETING":
                wait_app_gone(w, name, waits)
                w.apps.create(env.app_spec())
            else:
                return ensure_app(w, env, plan_app(w, env), waits, note)
    elif plan.action == "update":
        fields = sorted(plan.changes)
        desired = env.app_fields()
        body = sdk_apps.App.from_dict({"name": name, **{f: desired[f] for f in fields}})
        # `apps.update` replaces the whole app and clears what it omits; create_update with a
        # mask touches only the named fields.
        w.apps.create_update(name, ",".join(fields), app=body)
        _wait_update(w, name, waits)
        note(f"updated {', '.join(fields)}")
    app = _wait_active(w, name, waits, note)
    wait_deployments_settled(w, app, waits, note)
    return w.apps.get(name)


def wait_deployment(
    w: WorkspaceClient, name: str, deployment_id: str, waits: Waits
) -> sdk_apps.AppDeployment:
    def check() -> tuple[bool, sdk_apps.AppDeployment, str]:
        deployment = w.apps.get_deployment(name, deployment_id)
        state = deployment.status.state if deployment.status else None
        if state in (sdk_apps.AppDeploymentState.FAILED, sdk_apps.AppDeploymentState.CANCELLED):
            message = deployment.status.message if deployment.status else ""
            raise DeploymentFailed(f"deployment {deployment_id} {state.value}: {message}")
        return state == sdk_apps.AppDeploymentState.SUCCEEDED, deployment, str(state)

    return poll(check, waits.deploy_timeout_s, waits, f"deployment {deployment_id}")


def deploy_source(
    w: WorkspaceClient, name: str, source_code_path: str, waits: Waits, note: Callable[[str], None]
) -> sdk_apps.AppDeployment:
    """Deploy a folder (SNAPSHOT) and wait; an active deployment in progress is waited out and
    the deploy retried once, as the Databricks CLI does."""
    request = sdk_apps.AppDeployment(
        source_code_path=source_code_path, mode=sdk_apps.AppDeploymentMode.SNAPSHOT
    )
    try:
        started = w.apps.deploy(name, request).response
    except DatabricksError as error:
        app = w.apps.get(name)
        busy = [
            d
            for d in (app.active_deployment, app.pending_deployment)
            if d and d.status and d.status.state == sdk_apps.AppDeploymentState.IN_PROGRESS
        ]
        if not busy:
            raise
        note(f"{describe_error(error)}; waiting, then retrying once")
        wait_deployments_settled(w, app, waits, note)
        started = w.apps.deploy(name, request).response
    deployment_id = started.deployment_id or ""
    note(f"deployment {deployment_id} started")
    return wait_deployment(w, name, deployment_id, waits)


@dataclass
class PermissionPlan:
    ensure: list[Permission]  # entries to set (missing or at another level)
    remove: list[tuple[str, str]]  # direct entries dropped by --exact
    exact: bool
    full: list[Permission] = field(default_factory=list)  # the list PUT sends with --exact

    @property
    def is_noop(self) -> bool:
        return not self.ensure and not self.remove

    def as_json(self) -> dict[str, Any]:
        return {
            "set": [p.model_dump(exclude_none=True) for p in self.ensure],
            "remove": [f"{kind}={name}" for kind, name in self.remove],
            "exact": self.exact,
        }


def _direct_levels(w: WorkspaceClient, name: str) -> dict[tuple[str, str], str]:
    current: dict[tuple[str, str], str] = {}
    try:
        acl = w.apps.get_permissions(name).access_control_list or []
    except NotFound:
        return current
    for entry in acl:
        principal = next(
            (
                (k, getattr(entry, k))
                for k in ("user_name", "group_name", "service_principal_name")
                if getattr(entry, k)
            ),
            None,
        )
        for permission in entry.all_permissions or []:
            if principal and not permission.inherited and permission.permission_level:
                current[principal] = permission.permission_level.value
    return current


def plan_permissions(
    w: WorkspaceClient, env: EnvFile, *, exact: bool, current_user: str
) -> PermissionPlan:
    current = _direct_levels(w, env.name)
    ensure = [p for p in env.permissions if current.get(p.principal) != p.level]
    if not exact:
        return PermissionPlan(ensure, [], exact=False)
    full = list(env.permissions)
    me = ("user_name", current_user)
    if me not in {p.principal for p in full}:
        # --exact never locks the deployer out of the app it manages.
        full.append(Permission(user_name=current_user, level="CAN_MANAGE"))
        if current.get(me) != "CAN_MANAGE":
            ensure.append(full[-1])
    wanted = {p.principal for p in full}
    remove = sorted(k for k in current if k not in wanted)
    return PermissionPlan(ensure, remove, exact=True, full=full)


def apply_permissions(w: WorkspaceClient, name: str, plan: PermissionPlan) -> None:
    """PATCH the entries to ensure, or PUT the whole list with --exact; no request when no-op."""
    if plan.is_noop:
        return

    def request(p: Permission) -> sdk_apps.AppAccessControlRequest:
        kind, who = p.principal
        return sdk_apps.AppAccessControlRequest(
            permission_level=sdk_apps.AppPermissionLevel(p.level), **{kind: who}
        )

    if plan.exact:
        w.apps.set_permissions(name, access_control_list=[request(p) for p in plan.full])
    else:
        w.apps.update_permissions(name, access_control_list=[request(p) for p in plan.ensure])


@dataclass(frozen=True)
class Verified:
    url: str
    status_code: int
    seconds: float


def verify(w: WorkspaceClient, name: str, waits: Waits, note: Callable[[str], None]) -> Verified:
    """The app RUNNING, then `GET <url>/api/health` with the caller's token answering 200."""
    started = time.monotonic()

    def running() -> tuple[bool, sdk_apps.App, str]:
        app = w.apps.get(name)
        state = app.app_status.state if app.app_status else None
        if state == sdk_apps.ApplicationState.CRASHED:
            message = app.app_status.message if app.app_status else ""
            raise VerifyFailed(f"app {name} CRASHED: {message}")
        return state == sdk_apps.ApplicationState.RUNNING and bool(app.url), app, str(state)

    try:
        app = poll(running, waits.verify_timeout_s, waits, f"app {name} to be RUNNING")
    except WaitTimeout as error:
        raise VerifyFailed(str(error)) from None
    url = (app.url or "").rstrip("/")
    health = f"{url}/api/health"
    remaining = max(waits.verify_timeout_s - (time.monotonic() - started), waits.http_timeout_s)

    def healthy() -> tuple[bool, int, str]:
        try:
            # requests, not httpx: the SDK has already loaded it, so the CLI starts faster.
            response = requests.get(
                health,
                headers=auth_headers(w),
                timeout=waits.http_timeout_s,
                allow_redirects=False,
            )
        except requests.RequestException as error:
            return False, 0, f"{type(error).__name__}: {error}"
        return response.status_code == 200, response.status_code, f"HTTP {response.status_code}"

    try:
        code = poll(healthy, remaining, waits, f"GET {health} to answer 200")
    except WaitTimeout as error:
        raise VerifyFailed(str(error)) from None
    note(f"GET {health} → {code}")
    return Verified(url=url, status_code=code, seconds=time.monotonic() - started)
