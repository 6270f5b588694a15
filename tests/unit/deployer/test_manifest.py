"""The upload plan: what is uploaded, deleted and created, from hashes and the manifest alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from slidegen.deployer.manifest import (
    MANIFEST_NAME,
    LocalFile,
    Manifest,
    PackageTooLargeError,
    RemoteFile,
    manifest_problems,
    plan_upload,
    scan_package,
)


def files(**hashes: str) -> dict[str, LocalFile]:
    return {
        rel.replace("__", "/"): LocalFile(rel.replace("__", "/"), 1, h) for rel, h in hashes.items()
    }


def test_first_upload_makes_only_the_deepest_folders() -> None:
    local = files(
        **{
            "app.yaml": "a",
            "web__static__x.js": "b",
            "web__static__y.js": "c",
            "web__index.html": "d",
            "lib__m.py": "e",
        }
    )
    plan = plan_upload(local, None, folder_exists=False)
    assert plan.mkdirs == ["lib", "web/static"]
    assert plan.new == sorted(local) and plan.changed == [] and plan.removed == []


def test_root_only_package_into_a_missing_folder_creates_the_root() -> None:
    plan = plan_upload(files(**{"app.yaml": "a"}), None, folder_exists=False)
    assert plan.mkdirs == [""]


def test_changed_new_deleted_and_removed_folders() -> None:
    remote = Manifest(
        {"app.yaml": "a", "web/x.js": "b", "old/deep/1.js": "c", "old/2.js": "d", "gone.txt": "e"}
    )
    local = files(**{"app.yaml": "a", "web__x.js": "B", "new__n.js": "f"})
    plan = plan_upload(local, remote, folder_exists=True)
    assert plan.changed == ["web/x.js"] and plan.new == ["new/n.js"]
    assert plan.deleted_dirs == ["old"] and plan.deleted_files == ["gone.txt"]
    assert plan.mkdirs == ["new"]  # web/ exists already (known from the manifest)
    assert plan.unchanged == 1


def test_nothing_changed_is_a_noop() -> None:
    remote = Manifest({"app.yaml": "a", "web/x.js": "b"})
    plan = plan_upload(files(**{"app.yaml": "a", "web__x.js": "b"}), remote, folder_exists=True)
    assert plan.is_noop and plan.unchanged == 2


def test_without_a_manifest_listed_folders_are_not_created_again() -> None:
    plan = plan_upload(files(**{"web__x.js": "b"}), None, folder_exists=True, remote_dirs={"web"})
    assert plan.mkdirs == [] and plan.new == ["web/x.js"]


def test_manifest_round_trip_and_garbage() -> None:
    manifest = Manifest({"b": "2", "a": "1"}, {"app": "x"})
    assert Manifest.from_bytes(manifest.to_bytes()) == manifest
    assert Manifest.from_bytes(b"not json") is None
    assert Manifest.from_bytes(b'{"version": 9, "files": {}}') is None


def test_scan_hashes_files_and_skips_a_stale_manifest(tmp_path: Path) -> None:
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "x.txt").write_bytes(b"hello")
    (tmp_path / MANIFEST_NAME).write_text("{}")
    scanned = scan_package(tmp_path)
    assert list(scanned) == ["assets/x.txt"]
    assert scanned["assets/x.txt"].sha256.startswith("2cf24dba")


def test_scan_refuses_a_file_over_10_mb_naming_it(tmp_path: Path) -> None:
    (tmp_path / "app.yaml").write_text("fine")
    (tmp_path / "frontend").mkdir()
    (tmp_path / "frontend" / "big.bin").write_bytes(b"\0" * (10 * 1024 * 1024 + 1))
    with pytest.raises(PackageTooLargeError, match=r"frontend/big\.bin is 10\.0 MB"):
        scan_package(tmp_path)


def test_absolute_and_parent_entries_are_refused_and_planning_ends() -> None:
    evil = Manifest({"/Users/x/keep.py": "a" * 64, "../victim/keep.py": "b" * 64, "/": "c" * 64})
    problems = manifest_problems(evil)
    assert len(problems) == 3 and all("not a clean relative path" in p for p in problems)
    # Even when handed such a manifest, the plan is computed (dirname('/') is '/').
    plan = plan_upload(files(**{"app.yaml": "a"}), evil, folder_exists=True)
    assert plan.new == ["app.yaml"]


def test_entries_must_be_package_files_with_sha256_hashes() -> None:
    assert manifest_problems(Manifest({"app.yaml": "a" * 64, "frontend/x.js": "b" * 64})) == []
    assert manifest_problems(Manifest({"notes.txt": "a" * 64})) == [
        "'notes.txt': not part of a build"
    ]
    assert manifest_problems(Manifest({"app.yaml": "nothex"})) == ["'app.yaml': not a SHA-256 hash"]
    assert manifest_problems(Manifest({".env": "a" * 64}))[0].startswith("'.env': local env")


def test_workspace_changes_are_found_from_the_listing() -> None:
    local = files(**{"app.yaml": "a", "web__x.js": "b", "web__y.js": "c", "gone.js": "d"})
    remote = Manifest(
        {"app.yaml": "a", "web/x.js": "b", "web/y.js": "c", "gone.js": "d"},
        stats={"app.yaml": (1, 100), "web/x.js": (1, 100), "web/y.js": (1, 100)},
    )
    listing = {
        "app.yaml": RemoteFile(1, 100),  # as recorded
        "web/x.js": RemoteFile(1, 200),  # touched since
        "web/y.js": RemoteFile(1, 100, "NOTEBOOK"),  # replaced by a notebook
        # gone.js: removed in the workspace (no recorded stats: v1 manifest entry)
    }
    plan = plan_upload(local, remote, folder_exists=True, remote_dirs={"web"}, remote_files=listing)
    assert plan.drifted == ["gone.js", "web/x.js", "web/y.js"]
    assert plan.changed == ["gone.js", "web/x.js", "web/y.js"] and plan.unchanged == 1
    # Without recorded stats (a version 1 manifest) the size still gives a change away.
    v1 = Manifest({"app.yaml": "a"})
    plan = plan_upload(
        files(**{"app.yaml": "a"}),
        v1,
        folder_exists=True,
        remote_files={"app.yaml": RemoteFile(9, 1)},
    )
    assert plan.drifted == ["app.yaml"]


def test_deployment_info_build_time_does_not_count_as_a_change(tmp_path: Path) -> None:
    info = {"version": "1", "git_commit": "abc", "built_at": "2026-01-01T00:00:00Z"}
    (tmp_path / "DEPLOYMENT_INFO").write_text(json.dumps(info))
    before = scan_package(tmp_path)["DEPLOYMENT_INFO"].sha256
    (tmp_path / "DEPLOYMENT_INFO").write_text(json.dumps({**info, "built_at": "2026-02-02"}))
    assert scan_package(tmp_path)["DEPLOYMENT_INFO"].sha256 == before
    (tmp_path / "DEPLOYMENT_INFO").write_text(json.dumps({**info, "git_commit": "def"}))
    assert scan_package(tmp_path)["DEPLOYMENT_INFO"].sha256 != before


def test_version_1_manifests_are_still_read_and_written_as_version_2() -> None:
    old = Manifest.from_bytes(b'{"version": 1, "files": {"app.yaml": "abc"}, "app": "x"}')
    assert old == Manifest({"app.yaml": "abc"}, {"app": "x"})
    new = Manifest({"app.yaml": "abc"}, {"app": "x"}, {"app.yaml": (3, 42)})
    doc = json.loads(new.to_bytes())
    assert doc["version"] == 2 and doc["files"]["app.yaml"] == {
        "sha256": "abc",
        "size": 3,
        "modified_at": 42,
    }
    assert Manifest.from_bytes(new.to_bytes()) == new
