"""`slidegen deploy` through the real WorkspaceClient against the emulator: first deploy,
incremental redeploys, dry run, an existing / deleting app, permissions, failures and retries."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from databricks.sdk import WorkspaceClient

from slidegen.deployer.apps import DeploymentFailed
from slidegen.deployer.manifest import MANIFEST_NAME
from slidegen.deployer.pipeline import DeployContext, DeployOptions, run_deploy
from slidegen.deployer.report import JsonReporter
from slidegen.deployer.uploader import UploadError
from slidegen.emulator.api_apps import apps_state
from slidegen.emulator.api_permissions import app_acl
from slidegen.emulator.api_workspace import workspace
from slidegen.emulator.server import EmulatorServer
from tests.integration.deploy.conftest import FAST, TOKEN, imported_paths, writes

FOLDER = "/Users/deployer@example.com/apps/slidegen-test"


def deploy(
    client: WorkspaceClient, project: Path, package: Path, **options: object
) -> DeployContext:
    opts = DeployOptions(env="test", root=project, package=package, **options)  # type: ignore[arg-type]
    return run_deploy(opts, JsonReporter(io.StringIO()), client=client, waits=FAST)


def test_first_deploy_creates_runs_and_verifies(
    emulator: EmulatorServer, client: WorkspaceClient, project: Path, package: Path
) -> None:
    ctx = deploy(client, project, package)
    emu = emulator.emulator

    app = client.apps.get("slidegen-test")
    assert app.compute_status.state.value == "ACTIVE"
    assert app.app_status.state.value == "RUNNING"
    assert app.active_deployment.deployment_id == ctx.deployment_id
    assert app.description == "deploy tests" and app.user_api_scopes == ["sql"]
    assert app.resources[0].serving_endpoint.name == "databricks-claude-sonnet-4"
    assert ctx.url == app.url

    files = workspace(emu).files_under(FOLDER)
    assert set(files) == {
        *(str(p.relative_to(package)) for p in package.rglob("*") if p.is_file()),
        MANIFEST_NAME,
    }
    assert {obj.object_type for obj in files.values()} == {"FILE"}  # never a notebook
    manifest = json.loads(files[MANIFEST_NAME].content)
    assert manifest["files"]["slidegen/__init__.py"]

    # The snapshot holds the package; health was checked with the caller's token.
    snapshot = app.active_deployment.deployment_artifacts.source_code_path
    assert "DEPLOYMENT_INFO" in workspace(emu).files_under(snapshot)
    health = emu.requests("GET", r"^/_apps/slidegen-test/api/health$")
    assert health and health[-1].token == TOKEN

    # Each folder created once: the deepest ones only (mkdirs makes parents).
    made = sorted(
        r.json()["path"].split("slidegen-test", 1)[1]
        for r in emu.requests("POST", r"/workspace/mkdirs$")
    )
    assert made == ["/frontend/assets/old", "/slidegen/server"]
    # Every upload is an AUTO import.
    imports = emu.requests("POST", r"/workspace/import$")
    assert imports and all(b'name="format"\r\n\r\nAUTO' in r.body for r in imports)


def test_redeploy_uploads_only_what_changed(
    emulator: EmulatorServer, client: WorkspaceClient, project: Path, package: Path
) -> None:
    deploy(client, project, package)
    emu = emulator.emulator
    (package / "frontend/assets/app.js").write_text("console.log('v2');\n")
    emu.reset_journal()

    deploy(client, project, package)

    # The manifest: without the changing file, after the upload, then with the deployment.
    assert imported_paths(emu.journal) == [MANIFEST_NAME] * 3 + ["frontend/assets/app.js"]
    assert not emu.requests("POST", r"/workspace/(mkdirs|delete)$")
    content = workspace(emu).get(f"{FOLDER}/frontend/assets/app.js").content
    assert content == b"console.log('v2');\n"


def test_redeploy_with_no_change_writes_nothing_and_still_verifies(
    emulator: EmulatorServer, client: WorkspaceClient, project: Path, package: Path
) -> None:
    first = deploy(client, project, package)
    emu = emulator.emulator
    emu.reset_journal()

    again = deploy(client, project, package)

    assert writes(emu.journal) == []  # no upload, no deployment, no permission change
    assert again.deployment_id == first.deployment_id
    assert emu.requests("GET", r"/_apps/slidegen-test/api/health$")


def test_removed_files_are_deleted_folder_at_once(
    emulator: EmulatorServer, client: WorkspaceClient, project: Path, package: Path
) -> None:
    deploy(client, project, package)
    emu = emulator.emulator
    (package / "frontend/assets/old/legacy.js").unlink()
    (package / "frontend/assets/old").rmdir()
    (package / "requirements.txt").unlink()
    emu.reset_journal()

    deploy(client, project, package)

    deleted = sorted(
        r.json()["path"].split("slidegen-test/", 1)[1]
        for r in emu.requests("POST", r"/workspace/delete$")
    )
    assert deleted == ["frontend/assets/old", "requirements.txt"]
    remaining = workspace(emu).files_under(FOLDER)
    assert "requirements.txt" not in remaining and "frontend/assets/old/legacy.js" not in remaining
    assert workspace(emu).get(f"{FOLDER}/frontend/assets/old") is None


def test_dry_run_writes_nothing(
    emulator: EmulatorServer, client: WorkspaceClient, project: Path, package: Path
) -> None:
    report = JsonReporter(io.StringIO())
    opts = DeployOptions(env="test", root=project, package=package, dry_run=True)
    ctx = run_deploy(opts, report, client=client, waits=FAST)
    emu = emulator.emulator

    assert writes(emu.journal) == []
    assert client.apps.list() is not None and not list(client.apps.list())
    assert ctx.upload_plan is not None and len(ctx.upload_plan.new) == 8
    assert report.result["plan"]["app"]["action"] == "create"

    # After a real deploy, a dry run of a change still writes nothing and names the file.
    deploy(client, project, package)
    (package / "slidegen/__init__.py").write_text('"""changed."""\n')
    emu.reset_journal()
    ctx = run_deploy(opts, report, client=client, waits=FAST)
    assert writes(emu.journal) == []
    assert ctx.upload_plan.changed == ["slidegen/__init__.py"]


def test_existing_app_is_updated_with_a_mask_not_replaced(
    emulator: EmulatorServer, client: WorkspaceClient, project: Path, package: Path
) -> None:
    from databricks.sdk.service.apps import App

    client.apps.create(
        App(name="slidegen-test", description="made by hand", user_api_scopes=["sql"])
    ).result()
    emu = emulator.emulator
    emu.reset_journal()

    deploy(client, project, package)

    assert not emu.requests("POST", r"^/api/2.0/apps$")  # not created again
    assert not emu.requests("PATCH", r"^/api/2.0/apps/")  # no full replacement
    update = emu.requests("POST", r"^/api/2.0/apps/slidegen-test/update$")[0].json()
    assert update["update_mask"].split(",") == ["description", "resources"]
    app = client.apps.get("slidegen-test")
    assert app.description == "deploy tests" and app.user_api_scopes == ["sql"]


def test_app_still_deleting_is_waited_out(
    emulator: EmulatorServer, client: WorkspaceClient, project: Path, package: Path
) -> None:
    from databricks.sdk.service.apps import App

    client.apps.create(App(name="slidegen-test")).result()
    client.apps.delete("slidegen-test")
    assert client.apps.get("slidegen-test").compute_status.state.value == "DELETING"

    deploy(client, project, package)

    app = client.apps.get("slidegen-test")
    assert app.app_status.state.value == "RUNNING"
    assert emulator.emulator.requests("POST", r"^/api/2.0/apps$")


def test_stopped_compute_is_started_first(
    emulator: EmulatorServer, client: WorkspaceClient, project: Path, package: Path
) -> None:
    deploy(client, project, package)
    client.apps.stop("slidegen-test")
    (package / "frontend/index.html").write_text("<!doctype html><title>v2</title>")

    deploy(client, project, package)

    assert emulator.emulator.requests("POST", r"/apps/slidegen-test/start$")
    assert client.apps.get("slidegen-test").app_status.state.value == "RUNNING"


def test_failed_deployment_raises_the_platform_message(
    emulator: EmulatorServer, client: WorkspaceClient, project: Path, package: Path
) -> None:
    (package / "app.yaml").write_text('command: "python -m slidegen serve"\n')
    with pytest.raises(DeploymentFailed, match="'command' must be a list of strings"):
        deploy(client, project, package)
    app = client.apps.get("slidegen-test")
    assert app.pending_deployment.status.state.value == "FAILED"


def test_permissions_are_ensured_and_exact_replaces(
    emulator: EmulatorServer, client: WorkspaceClient, project: Path, package: Path
) -> None:
    from databricks.sdk.service.apps import AppAccessControlRequest, AppPermissionLevel

    emu = emulator.emulator
    deploy(client, project, package)
    acl = app_acl(emu, apps_state(emu).apps["slidegen-test"])
    assert acl == {
        ("user_name", "deployer@example.com"): "CAN_MANAGE",
        ("group_name", "users"): "CAN_USE",
        ("user_name", "ana@example.com"): "CAN_MANAGE",
    }

    client.apps.update_permissions(
        "slidegen-test",
        access_control_list=[
            AppAccessControlRequest(
                user_name="eve@example.com", permission_level=AppPermissionLevel.CAN_MANAGE
            )
        ],
    )
    emu.reset_journal()
    deploy(client, project, package)  # ensure: nothing to change, no permission write
    assert not writes(emu.requests(path_regex=r"/permissions/"))
    assert ("user_name", "eve@example.com") in acl

    deploy(client, project, package, exact_permissions=True)
    assert ("user_name", "eve@example.com") not in acl
    assert acl[("user_name", "deployer@example.com")] == "CAN_MANAGE"  # never locked out


def test_transient_upload_errors_are_retried(
    emulator: EmulatorServer, client: WorkspaceClient, project: Path, package: Path
) -> None:
    emulator.emulator.add_fault(
        r"POST /api/2.0/workspace/import$",
        status=429,
        error_code="REQUEST_LIMIT_EXCEEDED",
        retry_after_s=0,
        times=2,
    )
    deploy(client, project, package)
    assert len(workspace(emulator.emulator).files_under(FOLDER)) == 9


def test_interrupted_upload_is_redone_on_the_next_run(
    emulator: EmulatorServer, client: WorkspaceClient, project: Path, package: Path
) -> None:
    emu = emulator.emulator
    notes = package / "slidegen/notes.py"  # notebook-like: uploaded through import-file
    notes.write_text("# Databricks notebook source\nprint('v1')\n")
    deploy(client, project, package)
    app_js = package / "frontend/assets/app.js"
    app_js.write_text("console.log('v2');\n")
    notes.write_text("# Databricks notebook source\nprint('v2')\n")
    emu.add_fault(
        r"POST /api/2.0/workspace-files/import-file/",
        status=400,
        error_code="INVALID_PARAMETER_VALUE",
        message="boom",
        times=1,
    )

    with pytest.raises(UploadError, match=r"slidegen/notes\.py: INVALID_PARAMETER_VALUE"):
        deploy(client, project, package)
    # The manifest no longer vouches for either file, whatever reached the workspace.
    manifest = json.loads(workspace(emu).get(f"{FOLDER}/{MANIFEST_NAME}").content)
    assert "frontend/assets/app.js" not in manifest["files"]
    assert "slidegen/notes.py" not in manifest["files"]

    # Back to v1 locally: both are uploaded again, so the workspace matches the package.
    app_js.write_text("console.log('v1');\n")
    notes.write_text("# Databricks notebook source\nprint('v1')\n")
    emu.reset_journal()
    deploy(client, project, package)
    assert {"frontend/assets/app.js", "slidegen/notes.py"} <= set(imported_paths(emu.journal))
    assert workspace(emu).get(f"{FOLDER}/frontend/assets/app.js").content == b"console.log('v1');\n"


def test_notebook_looking_sources_still_become_files(
    emulator: EmulatorServer, client: WorkspaceClient, project: Path, package: Path
) -> None:
    (package / "slidegen/notes.py").write_text("# Databricks notebook source\nprint(1)\n")
    deploy(client, project, package)
    obj = workspace(emulator.emulator).get(f"{FOLDER}/slidegen/notes.py")
    assert obj is not None and obj.object_type == "FILE"
    assert workspace(emulator.emulator).get(f"{FOLDER}/slidegen/notes") is None


def test_deploy_of_the_real_package_built_by_build_package(
    emulator: EmulatorServer, client: WorkspaceClient
) -> None:
    """The package build (frontend export skipped) with deploy/dev.yaml: app.yaml's env binds
    the serving endpoint resource, which the emulated platform checks at deployment."""
    opts = DeployOptions(env="dev", export_frontend=False)
    ctx = run_deploy(opts, JsonReporter(io.StringIO()), client=client, waits=FAST)
    folder = "/Users/deployer@example.com/apps/slidegen-dev"
    files = workspace(emulator.emulator).files_under(folder)
    assert {"app.yaml", "requirements.txt", "DEPLOYMENT_INFO", "slidegen/__init__.py"} <= set(files)
    assert not any(rel.startswith("slidegen/emulator/") for rel in files)
    assert {obj.object_type for obj in files.values()} == {"FILE"}
    assert b"valueFrom: serving-endpoint" in files["app.yaml"].content
    assert client.apps.get("slidegen-dev").active_deployment.deployment_id == ctx.deployment_id
