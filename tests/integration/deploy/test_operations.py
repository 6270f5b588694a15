"""status, rollback, delete and logs against the emulator, and the CLI's exits and messages."""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

import pytest
from databricks.sdk import WorkspaceClient
from typer.testing import CliRunner

from slidegen.cli.main import app as cli
from slidegen.deployer.envfile import load_env_file
from slidegen.deployer.logs import LogsUnavailable, stream_logs
from slidegen.deployer.operations import RollbackError, app_status, delete_app, rollback
from slidegen.deployer.pipeline import DeployOptions, run_deploy
from slidegen.deployer.report import JsonReporter
from slidegen.emulator.api_apps import apps_state
from slidegen.emulator.api_workspace import workspace
from slidegen.emulator.server import EmulatorServer
from tests.integration.deploy.conftest import FAST

FOLDER = "/Users/deployer@example.com/apps/slidegen-test"


def deploy(client: WorkspaceClient, project: Path, package: Path, redeploy: bool = False) -> str:
    opts = DeployOptions(env="test", root=project, package=package, redeploy=redeploy)
    ctx = run_deploy(opts, JsonReporter(io.StringIO()), client=client, waits=FAST)
    assert ctx.deployment_id
    return ctx.deployment_id


def test_status_reports_deployments_with_their_git_commit(
    client: WorkspaceClient, project: Path, package: Path
) -> None:
    first = deploy(client, project, package)
    status = app_status(client, load_env_file("test", project))
    assert status["compute"]["state"] == "ACTIVE" and status["status"]["state"] == "RUNNING"
    assert status["active_deployment"]["id"] == first
    assert status["active_deployment"]["git_commit"] == "c0ffee1234567890"
    assert status["pending_deployment"] is None
    assert {"principal": "users", "level": "CAN_USE", "inherited": False} in status["permissions"]


def test_rollback_restores_the_previous_snapshot(
    emulator: EmulatorServer, client: WorkspaceClient, project: Path, package: Path
) -> None:
    env = load_env_file("test", project)
    deploy(client, project, package)
    with pytest.raises(RollbackError, match="no earlier successful deployment"):
        rollback(client, env, FAST, lambda _m: None)
    (package / "frontend/assets/app.js").write_text("console.log('v2');\n")
    deploy(client, project, package)

    restored = rollback(client, env, FAST, lambda _m: None)

    app = client.apps.get("slidegen-test")
    assert app.active_deployment.deployment_id == restored.deployment_id
    snapshot = app.active_deployment.deployment_artifacts.source_code_path
    files = workspace(emulator.emulator).files_under(snapshot)
    assert files["frontend/assets/app.js"].content == b"console.log('v1');\n"
    # The upload folder is untouched: it still holds v2 for the next deploy.
    assert (
        workspace(emulator.emulator).get(f"{FOLDER}/frontend/assets/app.js").content
        == b"console.log('v2');\n"
    )


def test_rollback_to_a_named_deployment_must_have_succeeded(
    emulator: EmulatorServer, client: WorkspaceClient, project: Path, package: Path
) -> None:
    env = load_env_file("test", project)
    good = deploy(client, project, package)
    apps_state(emulator.emulator).fail_next_deployment = "Error: app crashed on start"
    with pytest.raises(Exception, match="app crashed on start"):
        deploy(client, project, package, redeploy=True)
    failed = client.apps.get("slidegen-test").pending_deployment.deployment_id
    with pytest.raises(RollbackError, match="FAILED"):
        rollback(client, env, FAST, lambda _m: None, to=failed)
    assert rollback(client, env, FAST, lambda _m: None, to=good).status.state.value == "SUCCEEDED"


def test_delete_removes_the_app_and_with_files_the_folder(
    emulator: EmulatorServer, client: WorkspaceClient, project: Path, package: Path
) -> None:
    deploy(client, project, package)
    env = load_env_file("test", project)
    done = delete_app(client, env, FOLDER, FAST, lambda _m: None, files=False)
    assert done == {"app": True, "files": False}
    assert not list(client.apps.list())
    assert workspace(emulator.emulator).get(FOLDER) is not None

    deploy(client, project, package)
    done = delete_app(client, env, FOLDER, FAST, lambda _m: None, files=True)
    assert done == {"app": True, "files": True}
    assert workspace(emulator.emulator).get(FOLDER) is None


def test_logs_are_read_from_the_log_stream(
    emulator: EmulatorServer, client: WorkspaceClient, project: Path, package: Path
) -> None:
    deploy(client, project, package)
    apps_state(emulator.emulator).apps["slidegen-test"].log("APP", "GET /api/health 200")
    lines: list[str] = []
    stream_logs(client, "slidegen-test", lines.append, first_frame_s=2, idle_s=0.3)
    assert any("[SYSTEM] Deploying source code from" in line for line in lines)
    assert lines[-1].endswith("[APP] GET /api/health 200")

    lines.clear()
    stream_logs(client, "slidegen-test", lines.append, search="health", idle_s=0.3)
    assert len(lines) == 1

    apps_state(emulator.emulator).logz_enabled = False
    with pytest.raises(LogsUnavailable, match=r"HTTP 403.*OAuth"):
        stream_logs(client, "slidegen-test", lines.append, idle_s=0.3)


# --- the CLI: exit codes and messages ------------------------------------------------------------

runner = CliRunner()


def test_cli_failed_deployment_exits_non_zero_with_the_message(
    client: WorkspaceClient, package: Path
) -> None:
    (package / "app.yaml").write_text("command: [python, app.py]\nbogus: 1\n")
    result = runner.invoke(cli, ["deploy", "--env", "dev", "--package", str(package), "--json"])
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["ok"] is False
    assert "FAILED" in document["error"] and "unknown keys ['bogus']" in document["error"]
    assert [s["status"] for s in document["steps"]][-1] == "failed"


def test_cli_refuses_a_file_over_10_mb_before_any_request(
    emulator: EmulatorServer, client: WorkspaceClient, package: Path
) -> None:
    (package / "frontend/huge.bin").write_bytes(b"\0" * (10 * 1024 * 1024 + 1))
    emulator.emulator.reset_journal()
    result = runner.invoke(cli, ["deploy", "--env", "dev", "--package", str(package)])
    assert result.exit_code == 2
    assert "frontend/huge.bin" in result.stderr and "10 MB" in result.stderr
    assert emulator.emulator.journal == []


def test_cli_dry_run_json_and_status(
    emulator: EmulatorServer, client: WorkspaceClient, package: Path
) -> None:
    result = runner.invoke(
        cli, ["deploy", "--env", "dev", "--package", str(package), "--dry-run", "--json"]
    )
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)["plan"]
    assert plan["app"]["action"] == "create" and len(plan["upload"]["new"]) == 8
    assert [r for r in emulator.emulator.journal if r.method != "GET"] == []

    result = runner.invoke(cli, ["status", "--env", "dev", "--json"])
    assert result.exit_code == 1
    assert (
        "RESOURCE_DOES_NOT_EXIST" in json.loads(result.stdout)["error"]
        or "does not exist" in json.loads(result.stdout)["error"]
    )


def test_cli_without_auth_explains_how_to_set_it_up(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for var in (
        "DATABRICKS_HOST",
        "DATABRICKS_TOKEN",
        "DATABRICKS_CONFIG_PROFILE",
        "DATABRICKS_CLIENT_ID",
        "DATABRICKS_CLIENT_SECRET",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("DATABRICKS_CONFIG_FILE", str(tmp_path / "none.cfg"))
    monkeypatch.setenv("HOME", str(tmp_path))
    result = runner.invoke(cli, ["status", "--env", "dev"])
    assert result.exit_code == 2
    assert "DATABRICKS_HOST" in result.stderr and "--profile" in result.stderr


def test_cli_deploy_removes_its_build_when_it_ends(
    emulator: EmulatorServer,
    client: WorkspaceClient,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    result = runner.invoke(cli, ["deploy", "--env", "dev", "--no-export", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["redeployed"] is True
    assert not [p.name for p in scratch.iterdir() if p.name.startswith("slidegen-dev-")]
