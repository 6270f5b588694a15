"""A deploy with nothing changed makes no deployment (through the real SDK, on the emulator):
what counts as unchanged, what the manifest records, failed and interrupted deployments,
`--redeploy`, `--dry-run`, and the CLI's output."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from databricks.sdk import WorkspaceClient
from typer.testing import CliRunner

from slidegen.cli.main import app as cli
from slidegen.deployer import apps
from slidegen.deployer.apps import DeploymentFailed
from slidegen.deployer.envfile import load_env_file
from slidegen.deployer.manifest import MANIFEST_NAME, content_digest
from slidegen.deployer.operations import rollback
from slidegen.deployer.pipeline import DeployContext, DeployOptions, run_deploy
from slidegen.deployer.report import JsonReporter
from slidegen.emulator.api_apps import apps_state
from slidegen.emulator.api_workspace import workspace
from slidegen.emulator.core import Emulator
from slidegen.emulator.server import EmulatorServer
from tests.integration.deploy.conftest import FAST, writes

FOLDER = "/Users/deployer@example.com/apps/slidegen-test"
DEPLOYMENTS = r"^/api/2.0/apps/slidegen-test/deployments$"


def deploy(
    client: WorkspaceClient, project: Path, package: Path, **options: object
) -> tuple[DeployContext, JsonReporter]:
    report = JsonReporter(io.StringIO())
    opts = DeployOptions(env="test", root=project, package=package, **options)  # type: ignore[arg-type]
    return run_deploy(opts, report, client=client, waits=FAST), report


def deployments(emu: Emulator) -> list[str]:
    return list(apps_state(emu).apps["slidegen-test"].deployments)


def manifest(emu: Emulator) -> dict:
    return json.loads(workspace(emu).get(f"{FOLDER}/{MANIFEST_NAME}").content)


def notes(report: JsonReporter, step: str) -> list[str]:
    return next(s.notes for s in report.steps if s.name == step)


def test_no_change_keeps_the_active_deployment_and_verifies_health(
    emulator: EmulatorServer, client: WorkspaceClient, project: Path, package: Path
) -> None:
    emu = emulator.emulator
    first, _ = deploy(client, project, package)
    recorded = manifest(emu)["deployment"]
    assert recorded["deployment_id"] == first.deployment_id
    assert recorded["content_sha256"] == content_digest(
        {rel: f.sha256 for rel, f in first.local.items()}
    )
    emu.reset_journal()

    ctx, report = deploy(client, project, package)

    assert deployments(emu) == [first.deployment_id]
    assert not emu.requests("POST", DEPLOYMENTS) and writes(emu.journal) == []
    assert emu.requests("GET", r"^/_apps/slidegen-test/api/health$")
    assert report.result["health"]["status"] == 200
    assert ctx.deployment_id == first.deployment_id
    assert report.result["deployment_id"] == first.deployment_id
    assert report.result["redeployed"] is False
    assert report.result["url"] == client.apps.get("slidegen-test").url
    assert notes(report, "deploy") == [
        f"nothing changed since deployment {first.deployment_id}; not redeploying "
        "(use --redeploy to deploy anyway)"
    ]


def test_one_changed_file_deploys_and_records_the_new_deployment(
    emulator: EmulatorServer, client: WorkspaceClient, project: Path, package: Path
) -> None:
    emu = emulator.emulator
    first, _ = deploy(client, project, package)
    (package / "frontend/assets/app.js").write_text("console.log('v2');\n")

    ctx, report = deploy(client, project, package)

    assert deployments(emu) == [first.deployment_id, ctx.deployment_id]
    assert report.result["redeployed"] is True
    assert "deploying: 1 file(s) to upload" in notes(report, "deploy")
    assert manifest(emu)["deployment"]["deployment_id"] == ctx.deployment_id
    assert client.apps.get("slidegen-test").active_deployment.deployment_id == ctx.deployment_id


def test_a_failed_deployment_is_deployed_again_on_the_next_run(
    emulator: EmulatorServer, client: WorkspaceClient, project: Path, package: Path
) -> None:
    emu = emulator.emulator
    first, _ = deploy(client, project, package)
    (package / "frontend/assets/app.js").write_text("console.log('v2');\n")
    apps_state(emu).fail_next_deployment = "Error: app crashed on start"
    with pytest.raises(DeploymentFailed, match="app crashed on start"):
        deploy(client, project, package)
    # The files went up, the app still runs the first deployment, which is SUCCEEDED.
    app = client.apps.get("slidegen-test")
    assert app.active_deployment.deployment_id == first.deployment_id
    assert app.pending_deployment.status.state.value == "FAILED"
    assert "deployment" not in manifest(emu)

    ctx, report = deploy(client, project, package)

    assert ctx.upload is not None and ctx.upload.uploaded == []
    assert report.result["redeployed"] is True
    assert len(deployments(emu)) == 3
    assert client.apps.get("slidegen-test").active_deployment.deployment_id == ctx.deployment_id
    snapshot = client.apps.get("slidegen-test").active_deployment.deployment_artifacts
    content = workspace(emu).get(f"{snapshot.source_code_path}/frontend/assets/app.js").content
    assert content == b"console.log('v2');\n"
    # Now recorded: the run after skips.
    _, report = deploy(client, project, package)
    assert report.result["redeployed"] is False and len(deployments(emu)) == 3


def test_an_interrupted_deployment_is_deployed_again_on_the_next_run(
    emulator: EmulatorServer,
    client: WorkspaceClient,
    project: Path,
    package: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    emu = emulator.emulator
    deploy(client, project, package)
    (package / "frontend/assets/app.js").write_text("console.log('v2');\n")

    def interrupted(*_args: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(apps, "wait_deployment", interrupted)
        with pytest.raises(KeyboardInterrupt):
            deploy(client, project, package)
    assert "deployment" not in manifest(emu)
    # The interrupted deployment may still finish; the next run deploys all the same.
    count = len(deployments(emu))

    _, report = deploy(client, project, package)

    assert report.result["redeployed"] is True and len(deployments(emu)) == count + 1


def test_redeploy_forces_a_deployment(
    emulator: EmulatorServer, client: WorkspaceClient, project: Path, package: Path
) -> None:
    emu = emulator.emulator
    first, _ = deploy(client, project, package)

    ctx, report = deploy(client, project, package, redeploy=True)

    assert deployments(emu) == [first.deployment_id, ctx.deployment_id]
    assert report.result["redeployed"] is True
    assert "deploying: --redeploy" in notes(report, "deploy")


def test_a_manifest_without_the_record_deploys_once_then_skips(
    emulator: EmulatorServer, client: WorkspaceClient, project: Path, package: Path
) -> None:
    emu = emulator.emulator
    deploy(client, project, package)
    doc = manifest(emu)
    del doc["deployment"]  # as written before deployments were recorded
    workspace(emu).write(f"{FOLDER}/{MANIFEST_NAME}", json.dumps(doc).encode(), overwrite=True)

    _, report = deploy(client, project, package)
    assert report.result["redeployed"] is True
    assert len(deployments(emu)) == 2

    _, report = deploy(client, project, package)
    assert report.result["redeployed"] is False
    assert len(deployments(emu)) == 2


def test_after_a_rollback_a_deploy_deploys_the_folder_again(
    emulator: EmulatorServer, client: WorkspaceClient, project: Path, package: Path
) -> None:
    deploy(client, project, package)
    (package / "frontend/assets/app.js").write_text("console.log('v2');\n")
    deploy(client, project, package)
    rollback(client, load_env_file("test", project), FAST, lambda _m: None)

    ctx, report = deploy(client, project, package)

    assert report.result["redeployed"] is True
    assert any(
        "/src/" in line and line.endswith(f", not /Workspace{FOLDER}")
        for line in notes(report, "deploy")
    )
    snapshot = client.apps.get("slidegen-test").active_deployment.deployment_artifacts
    content = workspace(emulator.emulator).get(
        f"{snapshot.source_code_path}/frontend/assets/app.js"
    )
    assert content.content == b"console.log('v2');\n"
    assert ctx.deployment_id == client.apps.get("slidegen-test").active_deployment.deployment_id


def test_a_stopped_compute_is_started_and_deployed(
    emulator: EmulatorServer, client: WorkspaceClient, project: Path, package: Path
) -> None:
    deploy(client, project, package)
    client.apps.stop("slidegen-test")

    _, report = deploy(client, project, package)

    assert report.result["redeployed"] is True
    assert any(n.startswith("deploying: the compute is STOPP") for n in notes(report, "deploy"))
    assert client.apps.get("slidegen-test").app_status.state.value == "RUNNING"


def test_dry_run_says_whether_it_would_deploy(
    emulator: EmulatorServer, client: WorkspaceClient, project: Path, package: Path
) -> None:
    emu = emulator.emulator
    first, _ = deploy(client, project, package)
    emu.reset_journal()

    _, report = deploy(client, project, package, dry_run=True)
    assert report.result["plan"]["deploy"] == {
        "redeploy": False,
        "reason": f"nothing changed since deployment {first.deployment_id}",
        "kept_deployment": first.deployment_id,
    }
    assert notes(report, "deploy") == [
        f"nothing changed since deployment {first.deployment_id}; would not redeploy "
        "(use --redeploy to deploy anyway)"
    ]

    _, report = deploy(client, project, package, dry_run=True, redeploy=True)
    assert report.result["plan"]["deploy"]["redeploy"] is True
    assert notes(report, "deploy") == [f"would deploy /Workspace{FOLDER} (SNAPSHOT): --redeploy"]

    (package / "requirements.txt").write_text("reflex==0.10.1\nhttpx\n")
    _, report = deploy(client, project, package, dry_run=True)
    assert notes(report, "deploy") == [
        f"would deploy /Workspace{FOLDER} (SNAPSHOT): 1 file(s) to upload"
    ]
    assert writes(emu.journal) == []


def test_cli_no_change_prints_the_url_and_the_kept_deployment(
    emulator: EmulatorServer, client: WorkspaceClient, package: Path
) -> None:
    runner = CliRunner()
    command = ["deploy", "--env", "dev", "--package", str(package)]
    assert runner.invoke(cli, command).exit_code == 0
    app = client.apps.get("slidegen-dev")
    kept = app.active_deployment.deployment_id

    human = runner.invoke(cli, command)

    assert human.exit_code == 0, human.output
    said = " ".join(human.stderr.split())  # rich wraps long lines
    assert (
        f"nothing changed since deployment {kept}; not redeploying "
        "(use --redeploy to deploy anyway)" in said
    )
    last = [line for line in human.stderr.strip().splitlines() if line.strip()][-2:]
    assert last == [f"done: {app.url}", f"deployment: {kept}"]
    assert client.apps.get("slidegen-dev").active_deployment.deployment_id == kept
