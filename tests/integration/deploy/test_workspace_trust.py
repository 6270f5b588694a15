"""The deploy tool does not trust the workspace folder: a manifest naming paths outside it (or
absolute ones) is refused and rebuilt, nothing outside the folder is ever deleted, files changed
or removed in the workspace after a deploy are uploaded again, deleting many files needs `--yes`
without a terminal, and a `--package` folder's strays (caches, local data, `.env`, editor files)
are never uploaded. All through the real WorkspaceClient against the emulator."""

from __future__ import annotations

import io
import json
import threading
from pathlib import Path

import pytest
from databricks.sdk import WorkspaceClient
from typer.testing import CliRunner

from slidegen.cli.main import app as cli
from slidegen.deployer.manifest import MANIFEST_NAME, Manifest, UploadPlan, manifest_problems
from slidegen.deployer.pipeline import DeployContext, DeployOptions, run_deploy
from slidegen.deployer.report import JsonReporter
from slidegen.deployer.uploader import UploadError, execute_plan
from slidegen.emulator.api_workspace import workspace
from slidegen.emulator.server import EmulatorServer
from tests.integration.deploy.conftest import FAST, imported_paths

APPS = "/Users/deployer@example.com/apps"
FOLDER = f"{APPS}/slidegen-test"
SHA = "0" * 64

runner = CliRunner()


def deploy(
    client: WorkspaceClient, project: Path, package: Path, **options: object
) -> tuple[DeployContext, JsonReporter]:
    report = JsonReporter(io.StringIO())
    opts = DeployOptions(env="test", root=project, package=package, **options)  # type: ignore[arg-type]
    return run_deploy(opts, report, client=client, waits=FAST), report


def remote_manifest(emulator: EmulatorServer) -> Manifest:
    obj = workspace(emulator.emulator).get(f"{FOLDER}/{MANIFEST_NAME}")
    assert obj is not None
    manifest = Manifest.from_bytes(obj.content)
    assert manifest is not None
    return manifest


def tamper_manifest(emulator: EmulatorServer, **extra: str) -> None:
    """Rewrite the folder's manifest with extra entries, as anyone who can write it could."""
    fs = workspace(emulator.emulator)
    doc = json.loads(fs.get(f"{FOLDER}/{MANIFEST_NAME}").content)
    doc["files"].update({rel: {"sha256": sha} for rel, sha in extra.items()})
    fs.write(f"{FOLDER}/{MANIFEST_NAME}", json.dumps(doc).encode(), overwrite=True)


@pytest.fixture
def victim(emulator: EmulatorServer) -> str:
    """Someone else's file next to the app folder."""
    fs = workspace(emulator.emulator)
    fs.mkdirs(f"{APPS}/victim")
    fs.write(f"{APPS}/victim/keep.py", b"precious = True\n")
    return f"{APPS}/victim/keep.py"


def test_manifest_entries_outside_the_folder_are_refused_and_nothing_outside_is_deleted(
    emulator: EmulatorServer, client: WorkspaceClient, project: Path, package: Path, victim: str
) -> None:
    deploy(client, project, package)
    tamper_manifest(emulator, **{"../victim/keep.py": SHA, "frontend/../../victim/keep.py": SHA})
    emulator.emulator.reset_journal()

    ctx, report = deploy(client, project, package)

    assert workspace(emulator.emulator).get(victim) is not None
    assert not emulator.emulator.requests("POST", r"/workspace/delete$")
    assert any("cannot be trusted" in w and "../victim/keep.py" in w for w in report.warnings)
    # Rebuilt: every file uploaded again, and the new manifest holds only the package.
    assert ctx.upload_plan is not None and not ctx.upload_plan.had_manifest
    rebuilt = remote_manifest(emulator)
    assert manifest_problems(rebuilt) == [] and set(rebuilt.files) == set(ctx.local)


def test_an_absolute_manifest_entry_does_not_hang_planning(
    emulator: EmulatorServer, client: WorkspaceClient, project: Path, package: Path, victim: str
) -> None:
    deploy(client, project, package)
    tamper_manifest(emulator, **{victim: SHA, "/": SHA})
    outcome: list[object] = []
    worker = threading.Thread(
        target=lambda: outcome.append(deploy(client, project, package)), daemon=True
    )
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive(), "planning did not finish"
    assert outcome and workspace(emulator.emulator).get(victim) is not None


def test_a_plan_can_never_delete_outside_the_folder(
    emulator: EmulatorServer, client: WorkspaceClient, package: Path, victim: str
) -> None:
    workspace(emulator.emulator).mkdirs(FOLDER)
    for evil in ("../victim/keep.py", "../victim", "/Users/deployer@example.com", ""):
        plan = UploadPlan(
            new=[],
            changed=[],
            deleted_files=[evil],
            deleted_dirs=[],
            mkdirs=[],
            unchanged=0,
            had_manifest=True,
        )
        with pytest.raises(UploadError, match="refusing to delete"):
            execute_plan(client, FOLDER, package, {}, plan, Manifest({}))
    assert workspace(emulator.emulator).get(victim) is not None


def test_files_changed_or_removed_in_the_workspace_are_uploaded_again(
    emulator: EmulatorServer, client: WorkspaceClient, project: Path, package: Path
) -> None:
    deploy(client, project, package)
    fs = workspace(emulator.emulator)
    original = (package / "frontend/assets/app.js").read_bytes()
    # Same size as the original, so only the modification time gives it away.
    fs.write(f"{FOLDER}/frontend/assets/app.js", b"console.log('v9');\n", overwrite=True)
    fs.write(f"{FOLDER}/app.yaml", b"command: [evil]\n", overwrite=True)
    fs.delete(f"{FOLDER}/slidegen/server", recursive=True)  # a whole folder gone
    emulator.emulator.reset_journal()

    ctx, report = deploy(client, project, package)

    uploaded = set(imported_paths(emulator.emulator.journal)) - {MANIFEST_NAME}
    assert uploaded == {"frontend/assets/app.js", "app.yaml", "slidegen/server/serve.py"}
    assert fs.get(f"{FOLDER}/frontend/assets/app.js").content == original
    assert fs.get(f"{FOLDER}/slidegen/server/serve.py") is not None
    assert ctx.upload_plan is not None and len(ctx.upload_plan.drifted) == 3
    assert ctx.upload_plan.mkdirs == ["slidegen/server"]
    assert any("changed or removed in the workspace" in w for w in report.warnings)

    # The manifest records what the workspace now reports: the next deploy uploads nothing.
    emulator.emulator.reset_journal()
    deploy(client, project, package)
    assert imported_paths(emulator.emulator.journal) == []


def test_manifest_records_the_workspace_size_and_modification_time(
    emulator: EmulatorServer, client: WorkspaceClient, project: Path, package: Path
) -> None:
    deploy(client, project, package)
    manifest = remote_manifest(emulator)
    obj = workspace(emulator.emulator).get(f"{FOLDER}/frontend/assets/app.js")
    assert manifest.stats["frontend/assets/app.js"] == (len(obj.content), obj.modified_at)
    info = client.workspace.get_status(f"{FOLDER}/frontend/assets/app.js")
    assert (info.size, info.modified_at) == manifest.stats["frontend/assets/app.js"]


def _many_files(package: Path, count: int) -> list[Path]:
    paths = []
    for n in range(count):
        path = package / "frontend" / "assets" / f"chunk-{n}.js"
        path.write_text(f"chunk({n});\n")
        paths.append(path)
    return paths


def test_deleting_many_files_needs_yes_without_a_terminal(
    emulator: EmulatorServer, client: WorkspaceClient, package: Path
) -> None:
    chunks = _many_files(package, 6)
    args = ["deploy", "--env", "dev", "--package", str(package), "--no-verify"]
    assert runner.invoke(cli, args).exit_code == 0
    for path in chunks:
        path.unlink()
    emulator.emulator.reset_journal()

    refused = runner.invoke(cli, args)

    assert refused.exit_code == 2
    assert "delete 6 files" in refused.stderr and "--yes" in refused.stderr
    assert all(f"will delete frontend/assets/chunk-{n}.js" in refused.stderr for n in range(6))
    assert [r for r in emulator.emulator.journal if r.method != "GET"] == []

    done = runner.invoke(cli, [*args, "--yes"])
    assert done.exit_code == 0, done.output
    remaining = workspace(emulator.emulator).files_under(
        "/Users/deployer@example.com/apps/slidegen-dev"
    )
    assert not any(rel.startswith("frontend/assets/chunk-") for rel in remaining)


def test_a_few_deletes_need_no_confirmation(
    emulator: EmulatorServer, client: WorkspaceClient, package: Path
) -> None:
    chunks = _many_files(package, 5)
    args = ["deploy", "--env", "dev", "--package", str(package), "--no-verify"]
    assert runner.invoke(cli, args).exit_code == 0
    for path in chunks:
        path.unlink()
    assert runner.invoke(cli, args).exit_code == 0


def test_package_strays_are_skipped_and_listed(
    emulator: EmulatorServer, client: WorkspaceClient, project: Path, package: Path
) -> None:
    strays = [
        "slidegen/__pycache__/serve.cpython-311.pyc",
        "slidegen/server/serve.cpython-311.pyc",
        "data/decks.db",
        "data/blobs/1.png",
        ".env",
        "slidegen/server/.serve.py.swp",
        "slidegen/server/serve.py~",
        "frontend/.DS_Store",
        ".vscode/settings.json",
        "notes.txt",
    ]
    for rel in strays:
        (package / rel).parent.mkdir(parents=True, exist_ok=True)
        (package / rel).write_text("SECRET=1\n")

    ctx, report = deploy(client, project, package)

    files = workspace(emulator.emulator).files_under(FOLDER)
    assert not [rel for rel in files if rel != MANIFEST_NAME and rel not in ctx.local]
    assert set(files) - {MANIFEST_NAME} == set(ctx.local)
    skipped = report.result["skipped"]
    assert set(skipped) == {
        "slidegen/__pycache__/",
        "slidegen/server/serve.cpython-311.pyc",
        "data/",
        ".env",
        "slidegen/server/.serve.py.swp",
        "slidegen/server/serve.py~",
        "frontend/.DS_Store",
        ".vscode/",
        "notes.txt",
    }
    assert skipped["data/"] == "local data" and skipped[".env"].startswith("local environment")
    assert report.result["plan"]["skipped"] == skipped
    assert any("not uploaded" in w and ".env" in w for w in report.warnings)


def test_deploy_ends_with_the_app_url_and_the_deployment_id(
    emulator: EmulatorServer, client: WorkspaceClient, package: Path
) -> None:
    human = runner.invoke(cli, ["deploy", "--env", "dev", "--package", str(package)])
    assert human.exit_code == 0, human.output
    app = client.apps.get("slidegen-dev")
    deployment_id = app.active_deployment.deployment_id
    last = [line for line in human.stderr.strip().splitlines() if line.strip()][-2:]
    assert last == [f"done: {app.url}", f"deployment: {deployment_id}"]

    # Nothing changed: the active deployment is kept and named.
    scripted = runner.invoke(cli, ["deploy", "--env", "dev", "--package", str(package), "--json"])
    assert scripted.exit_code == 0, scripted.output
    document = json.loads(scripted.stdout)
    assert document["url"] == app.url and document["deployment_id"] == deployment_id
    assert document["redeployed"] is False

    forced = runner.invoke(
        cli, ["deploy", "--env", "dev", "--package", str(package), "--json", "--redeploy"]
    )
    assert forced.exit_code == 0, forced.output
    document = json.loads(forced.stdout)
    again = client.apps.get("slidegen-dev").active_deployment.deployment_id
    assert document["url"] == app.url and document["deployment_id"] == again != deployment_id
    assert document["redeployed"] is True
