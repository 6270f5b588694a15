"""The upload plan: what is uploaded, deleted and created, from hashes and the manifest alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from slidegen.deployer.manifest import (
    MANIFEST_NAME,
    LocalFile,
    Manifest,
    PackageTooLargeError,
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
