"""Status, rollback and delete of an environment's app.

- `app_status` gathers the app and compute state, URL, active and pending deployments (with the
  git commit read from the `DEPLOYMENT_INFO` of each deployment's snapshot) and permissions.
- `rollback` redeploys an earlier SUCCEEDED deployment from its snapshot path
  (`deployment_artifacts.source_code_path`): the code that ran then, not today's folder.
- `delete_app` deletes the app, waits until it is gone, and with `files` removes its folder.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import DatabricksError, NotFound
from databricks.sdk.service import apps as sdk_apps
from databricks.sdk.service.workspace import ExportFormat

from slidegen.deployer import apps
from slidegen.deployer.database import database_status
from slidegen.deployer.envfile import EnvFile

__all__ = ["AppNotFound", "RollbackError", "app_status", "delete_app", "rollback"]


class AppNotFound(LookupError):
    """The environment's app does not exist in the workspace."""


class RollbackError(RuntimeError):
    """There is no deployment to roll back to, or the one named cannot be used."""


def _deployment_info(w: WorkspaceClient, deployment: sdk_apps.AppDeployment) -> dict[str, Any]:
    """DEPLOYMENT_INFO from the deployment's snapshot; {} when it cannot be read."""
    artifacts = deployment.deployment_artifacts
    snapshot = artifacts.source_code_path if artifacts else None
    if not snapshot:
        return {}
    try:
        data = w.workspace.download(
            f"{snapshot.rstrip('/')}/DEPLOYMENT_INFO", format=ExportFormat.AUTO
        ).read()
        info = json.loads(data)
        return info if isinstance(info, dict) else {}
    except (DatabricksError, ValueError):
        return {}


def _describe_deployment(
    w: WorkspaceClient, d: sdk_apps.AppDeployment | None
) -> dict[str, Any] | None:
    if d is None:
        return None
    info = _deployment_info(w, d)
    return {
        "id": d.deployment_id,
        "state": d.status.state.value if d.status and d.status.state else None,
        "message": d.status.message if d.status else None,
        "created": d.create_time,
        "creator": d.creator,
        "source_code_path": d.source_code_path,
        "snapshot_path": d.deployment_artifacts.source_code_path
        if d.deployment_artifacts
        else None,
        "git_commit": info.get("git_commit"),
        "git_branch": info.get("git_branch"),
        "built_at": info.get("built_at"),
    }


def app_status(w: WorkspaceClient, env: EnvFile) -> dict[str, Any]:
    app = apps.get_app(w, env.name)
    if app is None:
        raise AppNotFound(f"app {env.name} does not exist (deploy it with `slidegen deploy`)")
    permissions = []
    try:
        for entry in w.apps.get_permissions(env.name).access_control_list or []:
            who = entry.user_name or entry.group_name or entry.service_principal_name
            for p in entry.all_permissions or []:
                permissions.append(
                    {
                        "principal": who,
                        "level": p.permission_level.value if p.permission_level else None,
                        "inherited": bool(p.inherited),
                    }
                )
    except NotFound:
        pass
    return {
        "app": app.name,
        "url": app.url,
        "description": app.description,
        "compute_size": app.compute_size.value if app.compute_size else None,
        "compute": {
            "state": apps.compute_state(app),
            "message": app.compute_status.message if app.compute_status else None,
        },
        "status": {
            "state": app.app_status.state.value
            if app.app_status and app.app_status.state
            else None,
            "message": app.app_status.message if app.app_status else None,
        },
        "active_deployment": _describe_deployment(w, app.active_deployment),
        "pending_deployment": _describe_deployment(w, app.pending_deployment),
        "permissions": permissions,
        "database": database_status(w, app, env.database),
    }


def rollback(
    w: WorkspaceClient,
    env: EnvFile,
    waits: apps.Waits,
    note: Callable[[str], None],
    *,
    to: str | None = None,
) -> sdk_apps.AppDeployment:
    """Redeploy the deployment before the active one (or `to`) from its snapshot."""
    app = apps.get_app(w, env.name)
    if app is None:
        raise AppNotFound(f"app {env.name} does not exist")
    history = list(w.apps.list_deployments(env.name))  # newest first
    succeeded = [
        d for d in history if d.status and d.status.state == sdk_apps.AppDeploymentState.SUCCEEDED
    ]
    active_id = app.active_deployment.deployment_id if app.active_deployment else None
    if to:
        target = next((d for d in history if d.deployment_id == to), None)
        if target is None:
            raise RollbackError(f"deployment {to} does not exist for app {env.name}")
        if target not in succeeded:
            state = target.status.state.value if target.status and target.status.state else "?"
            raise RollbackError(f"deployment {to} is {state}; only a SUCCEEDED one can be restored")
    else:
        ids = [d.deployment_id for d in succeeded]
        start = ids.index(active_id) + 1 if active_id in ids else 0
        earlier = [d for d in succeeded[start:] if d.deployment_id != active_id]
        if not earlier:
            raise RollbackError(f"app {env.name} has no earlier successful deployment")
        target = earlier[0]
    snapshot = target.deployment_artifacts.source_code_path if target.deployment_artifacts else None
    if not snapshot:
        raise RollbackError(f"deployment {target.deployment_id} has no snapshot path")
    note(f"restoring deployment {target.deployment_id} from {snapshot}")
    apps.ensure_app(w, env, apps.AppPlan("none", compute=apps.compute_state(app)), waits, note)
    return apps.deploy_source(w, env.name, snapshot, waits, note)


def delete_app(
    w: WorkspaceClient,
    env: EnvFile,
    folder: str,
    waits: apps.Waits,
    note: Callable[[str], None],
    *,
    files: bool,
) -> dict[str, bool]:
    """Delete the app (waiting until it is gone) and, with `files`, its workspace folder."""
    done = {"app": False, "files": False}
    app = apps.get_app(w, env.name)
    if app is None:
        note(f"app {env.name} does not exist")
    else:
        if apps.compute_state(app) != "DELETING":
            w.apps.delete(env.name)
        note(f"deleting app {env.name}")
        apps.wait_app_gone(w, env.name, waits)
        done["app"] = True
    if files:
        try:
            w.workspace.delete(folder, recursive=True)
            note(f"removed {folder}")
            done["files"] = True
        except NotFound:
            note(f"{folder} does not exist")
    return done
