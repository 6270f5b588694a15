"""Whether a deploy makes a new deployment: with nothing changed, the running app is left alone.

A new deployment restarts the app (tens of seconds to minutes on a workspace), so a deploy skips
it only when all of this holds; anything else deploys, and the reason is said:
- no `--redeploy` and no `--clean`;
- the upload plan uploads, deletes and creates nothing;
- the app plan changes no field, the compute is ACTIVE, the app RUNNING, and no deployment is
  in progress;
- the database and schema steps changed nothing (no instance or schema created);
- the app's active deployment SUCCEEDED from this folder and is the one the folder's manifest
  records as having deployed exactly this content (same deployment id, same `content_digest` of
  the file hashes). The record is written only once a deployment SUCCEEDED, and any upload
  rewrites the manifest without it, so a deploy whose upload went through but whose deployment
  failed or was interrupted never vouches for the new content. A manifest without the record
  (older than it, or rebuilt) never skips.

`decide` only compares what the plan already read: it sends no request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from slidegen.deployer.manifest import LocalFile, Manifest, UploadPlan, content_digest

__all__ = ["AppPlan", "Decision", "SeenDeployment", "decide", "local_digest"]


class SeenDeployment(Protocol):
    deployment_id: str
    state: str
    source_code_path: str


class AppPlan(Protocol):
    """What `decide` reads of `apps.AppPlan`; a protocol keeps this module out of the import
    cycle apps and the pipeline are in."""

    action: str
    changes: dict[str, tuple[Any, Any]]
    compute: str
    app_state: str

    @property
    def active(self) -> SeenDeployment | None: ...

    @property
    def pending(self) -> SeenDeployment | None: ...


@dataclass(frozen=True)
class Decision:
    deploy: bool
    reason: str  # why it deploys, or what it keeps
    kept: str | None = None  # the active deployment left running when not deploying

    def as_json(self) -> dict[str, Any]:
        return {"redeploy": self.deploy, "reason": self.reason, "kept_deployment": self.kept}


def local_digest(local: dict[str, LocalFile]) -> str:
    return content_digest({rel: f.sha256 for rel, f in local.items()})


def _folder(path: str) -> str:
    """Workspace paths compared without the `/Workspace` prefix or a trailing slash."""
    path = path.rstrip("/")
    return path[len("/Workspace") :] if path.startswith("/Workspace/") else path


def decide(
    *,
    redeploy: bool,
    clean: bool,
    upload: UploadPlan,
    app: AppPlan,
    manifest: Manifest | None,
    digest: str,
    folder: str,
    database_changes: list[str] | None = None,
) -> Decision:
    """Deploy, or keep the active deployment; see the module docstring for the rule."""

    def deploy(reason: str) -> Decision:
        return Decision(True, reason)

    if redeploy:
        return deploy("--redeploy")
    if clean:
        return deploy("--clean uploads everything again")
    if not upload.is_noop:
        parts = [
            f"{count} {what}"
            for count, what in (
                (len(upload.uploads), "file(s) to upload"),
                (upload.deleted_count, "file(s) to delete"),
            )
            if count
        ]
        return deploy(", ".join(parts) or "folders to create")
    if app.action == "create":
        return deploy("the app is new")
    if app.changes:
        return deploy(f"the app's {', '.join(sorted(app.changes))} change")
    if app.compute != "ACTIVE":
        return deploy(f"the compute is {app.compute}")
    if app.pending is not None and app.pending.state == "IN_PROGRESS":
        return deploy(f"deployment {app.pending.deployment_id} is in progress")
    active = app.active
    if active is None:
        return deploy("the app has no active deployment")
    if active.state != "SUCCEEDED":
        return deploy(f"the active deployment {active.deployment_id} is {active.state}")
    if _folder(active.source_code_path) != _folder(folder):
        return deploy(
            f"the active deployment {active.deployment_id} is from "
            f"{active.source_code_path or 'another source'}, not {folder}"
        )
    if app.app_state != "RUNNING":
        return deploy(f"the app is {app.app_state}")
    if database_changes:
        return deploy("; ".join(database_changes))
    record = manifest.deployed if manifest is not None else None
    if record is None:
        return deploy("the workspace manifest records no finished deployment of this content")
    if record.deployment_id != active.deployment_id:
        return deploy(
            f"the active deployment {active.deployment_id} is not the one recorded as "
            f"deploying this folder ({record.deployment_id})"
        )
    if record.content_sha256 != digest:
        return deploy(f"the content differs from what deployment {active.deployment_id} deployed")
    return Decision(
        False, f"nothing changed since deployment {active.deployment_id}", active.deployment_id
    )
