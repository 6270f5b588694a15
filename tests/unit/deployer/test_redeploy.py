"""The rule deciding whether a deploy makes a new deployment, and the manifest's record."""

from __future__ import annotations

import dataclasses

import pytest

from slidegen.deployer.apps import AppPlan, SeenDeployment
from slidegen.deployer.manifest import (
    DeployedRecord,
    LocalFile,
    Manifest,
    content_digest,
    plan_upload,
)
from slidegen.deployer.redeploy import decide, local_digest

FOLDER = "/Workspace/Users/ada@example.com/apps/slidegen-dev"
SHA = "a" * 64
LOCAL = {"app.yaml": LocalFile("app.yaml", 3, SHA), "frontend/index.html": LocalFile("x", 1, SHA)}
FILES = {rel: f.sha256 for rel, f in LOCAL.items()}
ACTIVE = SeenDeployment("d1", "SUCCEEDED", FOLDER)
RECORD = DeployedRecord("d1", content_digest(FILES))


def manifest(
    record: DeployedRecord | None = RECORD,
) -> Manifest:
    base = Manifest(dict(FILES), {"app": "slidegen-dev"})
    return base.with_deployed(record) if record else base


def running(**changes: object) -> AppPlan:
    plan = AppPlan("none", compute="ACTIVE", app_state="RUNNING", active=ACTIVE)
    return dataclasses.replace(plan, **changes)  # type: ignore[arg-type]


def verdict(**overrides: object) -> tuple[bool, str]:
    m = overrides.pop("manifest", manifest())
    args: dict[str, object] = {
        "redeploy": False,
        "clean": False,
        "upload": plan_upload(LOCAL, m, folder_exists=True),  # type: ignore[arg-type]
        "app": running(),
        "manifest": m,
        "digest": local_digest(LOCAL),
        "folder": FOLDER,
        "database_changes": [],
    }
    args.update(overrides)
    decision = decide(**args)  # type: ignore[arg-type]
    return decision.deploy, decision.reason


def test_nothing_changed_keeps_the_active_deployment() -> None:
    decision = decide(
        redeploy=False,
        clean=False,
        upload=plan_upload(LOCAL, manifest(), folder_exists=True),
        app=running(),
        manifest=manifest(),
        digest=local_digest(LOCAL),
        folder=FOLDER.removeprefix("/Workspace"),  # the same folder, either spelling
    )
    assert not decision.deploy and decision.kept == "d1"
    assert decision.reason == "nothing changed since deployment d1"


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"redeploy": True}, "--redeploy"),
        ({"clean": True}, "--clean uploads everything again"),
        ({"app": AppPlan("create")}, "the app is new"),
        (
            {"app": running(action="update", changes={"description": ("a", "b")})},
            "the app's description change",
        ),
        ({"app": running(compute="STOPPED")}, "the compute is STOPPED"),
        (
            {"app": running(pending=SeenDeployment("d2", "IN_PROGRESS", FOLDER))},
            "deployment d2 is in progress",
        ),
        ({"app": running(active=None)}, "the app has no active deployment"),
        (
            {"app": running(active=SeenDeployment("d1", "FAILED", FOLDER))},
            "the active deployment d1 is FAILED",
        ),
        (
            {"app": running(active=SeenDeployment("d1", "SUCCEEDED", "/Workspace/x/src/d0"))},
            f"the active deployment d1 is from /Workspace/x/src/d0, not {FOLDER}",
        ),
        ({"app": running(app_state="CRASHED")}, "the app is CRASHED"),
        ({"database_changes": ["schema s was created"]}, "schema s was created"),
        (
            {"manifest": manifest(None)},
            "the workspace manifest records no finished deployment of this content",
        ),
        (
            {"manifest": manifest(DeployedRecord("d0", content_digest(FILES)))},
            "the active deployment d1 is not the one recorded as deploying this folder (d0)",
        ),
        (
            {"manifest": manifest(DeployedRecord("d1", "b" * 64))},
            "the content differs from what deployment d1 deployed",
        ),
    ],
)
def test_anything_else_deploys_and_says_why(overrides: dict[str, object], reason: str) -> None:
    assert verdict(**overrides) == (True, reason)


def test_files_to_upload_or_delete_deploy() -> None:
    stale = Manifest({**FILES, "old.js": SHA, "app.yaml": "b" * 64})
    upload = plan_upload(LOCAL, stale, folder_exists=True)
    assert verdict(upload=upload) == (True, "1 file(s) to upload, 1 file(s) to delete")


def test_the_record_survives_a_round_trip_and_a_malformed_one_is_ignored() -> None:
    again = Manifest.from_bytes(manifest().to_bytes())
    assert again is not None and again.deployed == DeployedRecord("d1", content_digest(FILES))
    for bad in ("d1", {"deployment_id": "", "content_sha256": SHA}, {"deployment_id": "d1"}):
        assert Manifest(dict(FILES), {"deployment": bad}).deployed is None


def test_the_digest_covers_every_path_and_hash() -> None:
    assert content_digest(FILES) == content_digest(dict(reversed(list(FILES.items()))))
    assert content_digest(FILES) != content_digest({**FILES, "app.yaml": "b" * 64})
    assert content_digest(FILES) != content_digest({"app.yml": SHA, "frontend/index.html": SHA})
