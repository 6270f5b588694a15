"""What one `slidegen deploy` run carries from step to step: its options and its context.

Kept apart from `pipeline.py` (which runs the steps) so that modules holding steps, such as
`database.py`, can name the context without importing the pipeline that imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from databricks.sdk import WorkspaceClient

from slidegen.deployer import apps
from slidegen.deployer.envfile import EnvFile
from slidegen.deployer.manifest import LocalFile, UploadPlan
from slidegen.deployer.redeploy import Decision
from slidegen.deployer.report import Reporter
from slidegen.deployer.uploader import DEFAULT_JOBS, RemoteState, UploadResult

__all__ = ["DeployContext", "DeployOptions", "Step"]


@dataclass(frozen=True)
class DeployOptions:
    env: str
    profile: str | None = None
    dry_run: bool = False
    clean: bool = False
    exact_permissions: bool = False
    package: Path | None = None  # deploy this built folder instead of building
    export_frontend: bool = True
    use_cache: bool = True  # reuse the exported frontend when its inputs are unchanged
    jobs: int = DEFAULT_JOBS
    root: Path | None = None  # project root holding deploy/ (tests use a temporary one)
    verify: bool = True
    redeploy: bool = False  # deploy even when nothing changed
    # Where the build goes; None: a new temporary folder left for the caller to read or remove
    # (the CLI passes one it removes when the command ends).
    build_dir: Path | None = None


@dataclass
class DeployContext:
    options: DeployOptions
    report: Reporter
    waits: apps.Waits
    env_file: EnvFile
    client: WorkspaceClient | None = None
    current_user: str = ""
    folder: str = ""
    package_dir: Path | None = None
    local: dict[str, LocalFile] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)  # package paths not uploaded, and why
    remote: RemoteState | None = None
    upload_plan: UploadPlan | None = None
    app_plan: apps.AppPlan | None = None
    permission_plan: apps.PermissionPlan | None = None
    upload: UploadResult | None = None
    decision: Decision | None = None  # whether the deploy step makes a new deployment
    database_changes: list[str] = field(default_factory=list)  # what the database steps did
    deployment_id: str | None = None
    url: str | None = None
    confirm: Callable[[str], None] = field(default=lambda question: None)
    extra: dict[str, Any] = field(default_factory=dict)  # what a step leaves for later ones

    @property
    def w(self) -> WorkspaceClient:
        assert self.client is not None, "the auth step runs first"
        return self.client


Step = tuple[str, str, Callable[[DeployContext], None]]
