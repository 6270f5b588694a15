"""`slidegen deploy` as an ordered list of named steps over one `DeployContext`.

    build → auth → plan → database → upload → app → schema → deploy → permissions → verify

Each step is a plain function of the context; `DEPLOY_STEPS` is the sequence (`database` and
`schema` do nothing without a `database` section). A caller that needs another step (a test
that prepares a database platform) inserts it into a copy of the list and passes that to
`run_deploy(steps=...)`; no step knows about the others beyond the context fields.

The plan is computed from reads only. With `dry_run` every step after `plan` reports what it
would do and returns before any write, so a dry run sends no write request at all. A package
with a file over 10 MB is refused in `build`, which runs before the first request. Deleting
more than `CONFIRM_DELETES_OVER` files lists them and asks first (`--yes` without a terminal).

A deploy with nothing changed makes no new deployment (the rule is in `redeploy.py`): the plan
says whether it would, `deploy` keeps the active deployment and says so, and permissions and the
health check still run. After a deployment SUCCEEDED, its id and the content's digest are
recorded in the workspace manifest; that record is what lets the next run skip.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import NotFound

from slidegen.deployer import apps
from slidegen.deployer.client import make_client
from slidegen.deployer.context import DeployContext, DeployOptions, Step
from slidegen.deployer.database import database_step, resolve_database, schema_step
from slidegen.deployer.envfile import load_env_file
from slidegen.deployer.manifest import (
    DeployedRecord,
    content_digest,
    plan_upload,
    scan_package,
)
from slidegen.deployer.redeploy import Decision, decide, local_digest
from slidegen.deployer.report import Reporter
from slidegen.deployer.uploader import (
    RemoteState,
    UploadError,
    execute_plan,
    inspect_remote,
    write_manifest,
)

__all__ = [
    "CONFIRM_DELETES_OVER",
    "DEPLOY_STEPS",
    "DeployContext",
    "DeployOptions",
    "Step",
    "build_step",
    "run_deploy",
]

CONFIRM_DELETES_OVER = 5


def auth_step(ctx: DeployContext) -> None:
    if ctx.client is None:
        ctx.client = make_client(ctx.options.profile)
    me = ctx.w.current_user.me()
    ctx.current_user = me.user_name or ""
    ctx.folder = ctx.env_file.folder(ctx.current_user)
    ctx.report.info(f"as {ctx.current_user} on {ctx.w.config.host}")
    ctx.report.set(user=ctx.current_user, host=ctx.w.config.host, folder=ctx.folder)


def _build_package(
    options: DeployOptions, out_dir: Path, app_env: dict[str, Any]
) -> tuple[Path, str]:
    """Seam to `build_package` (slidegen/deployer/packaging.py): the folder, and whether
    the frontend was exported, cached or skipped."""
    from slidegen.deployer.packaging import build_package

    result = build_package(
        options.env,
        out_dir,
        app_yaml_env=app_env,
        export_frontend=options.export_frontend,
        use_cache=options.use_cache,
    )
    return result.out_dir, result.frontend


def build_step(ctx: DeployContext) -> None:
    if ctx.options.package is not None:
        ctx.package_dir = ctx.options.package.resolve()
        ctx.report.info(f"using the built package {ctx.package_dir}")
    else:
        out = ctx.options.build_dir or Path(tempfile.mkdtemp(prefix=f"slidegen-{ctx.options.env}-"))
        ctx.package_dir, frontend = _build_package(
            ctx.options, out / "package", ctx.env_file.app_env()
        )
        ctx.report.info(f"frontend: {frontend}")
        ctx.report.set(frontend=frontend)
    skipped = ctx.skipped
    ctx.local = scan_package(ctx.package_dir, skipped)  # refuses a file over 10 MB
    total = sum(f.size for f in ctx.local.values())
    ctx.report.info(f"{len(ctx.local)} files, {total / 1024 / 1024:.1f} MB")
    if skipped:
        ctx.report.warn(
            f"{len(skipped)} path(s) in the package are not uploaded (a build never ships "
            "them): " + ", ".join(f"{rel} ({why})" for rel, why in skipped.items())
        )
    ctx.report.set(skipped=skipped)
    info = ctx.package_dir / "DEPLOYMENT_INFO"
    if info.is_file():
        try:
            ctx.report.set(build=json.loads(info.read_text()))
        except ValueError:
            ctx.report.warn("DEPLOYMENT_INFO is not JSON")


def plan_step(ctx: DeployContext) -> None:
    if ctx.env_file.database is not None:
        # An endpoint's database is attached by its resource name: look it up (a read).
        section = resolve_database(ctx.w, ctx.env_file.database)
        ctx.env_file = ctx.env_file.model_copy(update={"database": section})
    if ctx.options.clean:
        ctx.remote = RemoteState(exists=False, manifest=None)
        ctx.report.info(f"--clean: {ctx.folder} will be removed and uploaded afresh")
    else:
        ctx.remote = inspect_remote(ctx.w, ctx.folder, jobs=ctx.options.jobs)
    remote = ctx.remote
    if remote.refused:
        ctx.report.warn(
            f"the manifest in {ctx.folder} cannot be trusted ({'; '.join(remote.refused)}): "
            "it is ignored and rebuilt, every file is uploaded again and nothing is deleted"
        )
    ctx.upload_plan = plan_upload(
        ctx.local,
        remote.manifest,
        folder_exists=remote.exists,
        remote_dirs=remote.dirs,
        remote_files=remote.listing if remote.exists else None,
    )
    if ctx.upload_plan.drifted:
        ctx.report.warn(
            f"{len(ctx.upload_plan.drifted)} file(s) were changed or removed in the workspace "
            "since the last deploy and are uploaded again: " + ", ".join(ctx.upload_plan.drifted)
        )
    recorded = set(remote.manifest.files) if remote.manifest else set()
    unmanaged = sorted(remote.files - set(ctx.local) - recorded)
    if unmanaged:
        ctx.report.warn(
            f"{len(unmanaged)} file(s) in {ctx.folder} were not uploaded by slidegen "
            "and are left in place (use --clean to remove them)"
        )
    ctx.app_plan = apps.plan_app(ctx.w, ctx.env_file)
    ctx.permission_plan = apps.plan_permissions(
        ctx.w, ctx.env_file, exact=ctx.options.exact_permissions, current_user=ctx.current_user
    )
    plan = ctx.upload_plan
    ctx.report.info(
        f"upload {len(plan.new)} new + {len(plan.changed)} changed, delete "
        f"{len(plan.removed)}, {plan.unchanged} unchanged"
    )
    ctx.report.info(
        f"app {ctx.env_file.name}: {ctx.app_plan.action}"
        + (f" ({', '.join(sorted(ctx.app_plan.changes))})" if ctx.app_plan.changes else "")
    )
    ctx.decision = _decide(ctx)
    ctx.report.info(
        f"deployment: {'new' if ctx.decision.deploy else 'keep the active one'} "
        f"({ctx.decision.reason})"
    )
    ctx.report.set(
        plan={
            "upload": plan.summary(),
            "app": ctx.app_plan.as_json(),
            "permissions": ctx.permission_plan.as_json(),
            "deploy": ctx.decision.as_json(),
            "clean": ctx.options.clean,
            "skipped": ctx.skipped,
        }
    )
    removals = ctx.permission_plan.remove
    many_deletes = plan.deleted_count > CONFIRM_DELETES_OVER
    if many_deletes:
        for rel in plan.removed:
            files = plan.removed_dir_files.get(rel)
            ctx.report.info(f"will delete {rel}" + (f"/ ({files} files)" if files else ""))
    if not ctx.options.dry_run and (ctx.options.clean or removals or many_deletes):
        what = [f"remove {ctx.folder} and upload everything again"] if ctx.options.clean else []
        if many_deletes and not ctx.options.clean:
            what.append(f"delete {plan.deleted_count} files from {ctx.folder}")
        if removals:
            names = ", ".join(name for _, name in removals)
            what.append(f"remove {len(removals)} permission entries ({names})")
        ctx.confirm(f"This will {' and '.join(what)}. Continue?")


def upload_step(ctx: DeployContext) -> None:
    plan, remote = ctx.upload_plan, ctx.remote
    assert plan is not None and remote is not None and ctx.package_dir is not None
    if ctx.options.dry_run:
        if ctx.options.clean:
            ctx.report.info(f"would remove {ctx.folder}")
        for rel in plan.uploads:
            ctx.report.info(f"would upload {rel}")
        for rel in plan.removed:
            ctx.report.info(f"would delete {rel}")
        return
    if ctx.options.clean:
        try:
            ctx.w.workspace.delete(ctx.folder, recursive=True)
            ctx.report.info(f"removed {ctx.folder}")
        except NotFound:
            pass
    with ctx.report.progress(len(plan.uploads), "uploading") as bar:
        ctx.upload = execute_plan(
            ctx.w,
            ctx.folder,
            ctx.package_dir,
            ctx.local,
            plan,
            remote.manifest,
            jobs=ctx.options.jobs,
            on_progress=lambda _rel: bar.advance(),
            meta={"app": ctx.env_file.name, "environment": ctx.options.env},
            listing=remote.listing,
        )
    result = ctx.upload
    ctx.report.info(
        f"uploaded {len(result.uploaded)} file(s) ({result.bytes / 1024:.0f} KB), "
        f"deleted {len(result.deleted)}, created {len(result.mkdirs)} folder(s) "
        f"in {result.seconds:.2f} s"
    )
    ctx.report.set(
        upload={
            "uploaded": result.uploaded,
            "deleted": result.deleted,
            "mkdirs": result.mkdirs,
            "bytes": result.bytes,
            "seconds": round(result.seconds, 3),
            "manifest_writes": result.manifest_writes,
        }
    )


def app_step(ctx: DeployContext) -> None:
    assert ctx.app_plan is not None
    if ctx.options.dry_run:
        plan = ctx.app_plan
        if plan.deleting:
            ctx.report.info(f"would wait for app {ctx.env_file.name} to finish deleting")
        if plan.action == "create":
            ctx.report.info(f"would create app {ctx.env_file.name}")
        for name, (old, new) in sorted(plan.changes.items()):
            ctx.report.info(f"would change {name}: {old!r} → {new!r}")
        if plan.compute in ("STOPPED", "ERROR"):
            ctx.report.info("would start the app's compute")
        return
    app = apps.ensure_app(ctx.w, ctx.env_file, ctx.app_plan, ctx.waits, ctx.report.info)
    ctx.url = app.url
    ctx.report.set(app=ctx.env_file.name, url=app.url)


def _decide(ctx: DeployContext) -> Decision:
    assert ctx.upload_plan is not None and ctx.app_plan is not None and ctx.remote is not None
    return decide(
        redeploy=ctx.options.redeploy,
        clean=ctx.options.clean,
        upload=ctx.upload_plan,
        app=ctx.app_plan,
        manifest=ctx.remote.manifest,
        digest=local_digest(ctx.local),
        folder=ctx.folder,
        database_changes=ctx.database_changes,
    )


def deploy_step(ctx: DeployContext) -> None:
    # Decided again: the database steps ran since the plan.
    decision = ctx.decision = _decide(ctx)
    if ctx.options.dry_run:
        if decision.deploy:
            ctx.report.info(f"would deploy {ctx.folder} (SNAPSHOT): {decision.reason}")
        else:
            unless = " unless the schema has to be created" if ctx.env_file.database else ""
            ctx.report.info(
                f"{decision.reason}; would not redeploy{unless} (use --redeploy to deploy anyway)"
            )
        return
    if not decision.deploy:
        ctx.report.info(f"{decision.reason}; not redeploying (use --redeploy to deploy anyway)")
        ctx.deployment_id = decision.kept
        ctx.report.set(deployment_id=decision.kept, redeployed=False)
        return
    ctx.report.info(f"deploying: {decision.reason}")
    deployment = apps.deploy_source(
        ctx.w, ctx.env_file.name, ctx.folder, ctx.waits, ctx.report.info
    )
    ctx.deployment_id = deployment.deployment_id
    ctx.report.set(deployment_id=deployment.deployment_id, redeployed=True)
    _record_deployment(ctx, deployment.deployment_id or "")


def _record_deployment(ctx: DeployContext, deployment_id: str) -> None:
    """Write into the manifest which deployment deployed its files (what lets the next run
    with no change skip the deployment). Failing to is only a warning: the next run deploys."""
    manifest = (ctx.upload.manifest if ctx.upload else None) or (
        ctx.remote.manifest if ctx.remote else None
    )
    if manifest is None or not deployment_id:
        return
    record = DeployedRecord(deployment_id, content_digest(manifest.files))
    try:
        write_manifest(ctx.w, ctx.folder, manifest.with_deployed(record))
    except UploadError as error:
        ctx.report.warn(
            f"could not record deployment {deployment_id} in the manifest ({error}): "
            "the next deploy deploys again"
        )


def permissions_step(ctx: DeployContext) -> None:
    plan = ctx.permission_plan
    assert plan is not None
    verb = "would " if ctx.options.dry_run else ""
    for p in plan.ensure:
        kind, who = p.principal
        ctx.report.info(f"{verb}grant {p.level} to {kind.removesuffix('_name')} {who}")
    for kind, who in plan.remove:
        ctx.report.info(f"{verb}remove {kind.removesuffix('_name')} {who}")
    if not ctx.options.dry_run:
        apps.apply_permissions(ctx.w, ctx.env_file.name, plan)


def verify_step(ctx: DeployContext) -> None:
    if ctx.options.dry_run or not ctx.options.verify:
        return
    checked = apps.verify(ctx.w, ctx.env_file.name, ctx.waits, ctx.report.info)
    ctx.url = checked.url
    ctx.report.set(
        url=checked.url,
        health={"status": checked.status_code, "seconds": round(checked.seconds, 3)},
    )


DEPLOY_STEPS: list[Step] = [
    ("build", "Build the package", build_step),
    ("auth", "Connect to the workspace", auth_step),
    ("plan", "Compare with the workspace", plan_step),
    # Both are no-ops without a `database` section (slidegen/deployer/database.py).
    ("database", "Check the Lakebase instance", database_step),
    ("upload", "Upload changed files", upload_step),
    ("app", "Create or update the app", app_step),
    ("schema", "Prepare the database schema", schema_step),
    ("deploy", "Deploy", deploy_step),
    ("permissions", "Apply permissions", permissions_step),
    ("verify", "Verify the app answers", verify_step),
]


def run_deploy(
    options: DeployOptions,
    report: Reporter,
    *,
    client: WorkspaceClient | None = None,
    waits: apps.Waits | None = None,
    steps: list[Step] | None = None,
    confirm: Callable[[str], None] | None = None,
) -> DeployContext:
    """Run the steps in order; the first failure propagates (nothing after it runs).

    `confirm(question)` raises to stop before a destructive change (--clean, --exact removals);
    by default such changes go ahead (the CLI passes a real prompt).
    """
    env_file = load_env_file(options.env, options.root)
    ctx = DeployContext(
        options=options,
        report=report,
        waits=waits or apps.Waits(),
        env_file=env_file,
        client=client,
    )
    if confirm is not None:
        ctx.confirm = confirm
    report.set(env=options.env, app=env_file.name, dry_run=options.dry_run)
    for name, title, run in steps or DEPLOY_STEPS:
        with report.step(name, title):
            run(ctx)
    return ctx
