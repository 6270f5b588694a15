"""Two builds of the same sources, each with its own `reflex export`, are byte-identical except
DEPLOYMENT_INFO's build time, and the upload plan between them is empty.

The first build may take its frontend from the export cache: an entry there is an earlier export
of these very inputs (the suite's packaged app makes one), so the second, uncached build still
compares two exports while the suite runs one export fewer."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from slidegen.deployer.manifest import Manifest, plan_upload, scan_package
from slidegen.deployer.package_files import list_package
from slidegen.deployer.packaging import build_package, project_root
from tests.support.require import missing


def _bun_available() -> bool:
    tools = project_root() / "tools" / "node_modules" / ".bin" / "bun"
    return tools.exists() or shutil.which("bun") is not None


def _sources() -> str:
    """A digest of everything a build copies or compiles, to tell whether the sources stayed
    the same between the two builds (in a working tree others may be editing)."""
    root = project_root()
    digest = hashlib.sha256()
    for folder in ("slidegen", "assets", "reflex.lock"):
        files, _ = list_package(root / folder, f"{folder}/")
        for rel in files:
            digest.update(rel.encode() + (root / rel).read_bytes())
    for name in ("rxconfig.py", "app.yaml", "requirements.lock"):
        digest.update((root / name).read_bytes())
    return digest.hexdigest()


def test_two_exports_of_the_same_sources_make_the_same_package(tmp_path: Path) -> None:
    if not _bun_available():
        missing("bun (for reflex export)")
    env = {"SERVING_ENDPOINT": {"valueFrom": "serving-endpoint"}}
    before = _sources()
    first = build_package("dev", tmp_path / "first", app_yaml_env=env)
    second = build_package("dev", tmp_path / "second", app_yaml_env=env, use_cache=False)
    if _sources() != before:
        pytest.skip("the sources were edited while the two builds ran")
    assert first.frontend in ("exported", "cached") and second.frontend == "exported"

    assert first.files == second.files
    assert any(str(p).startswith("frontend/assets/") for p in first.files)
    differ = [
        str(rel)
        for rel in first.files
        if (first.out_dir / rel).read_bytes() != (second.out_dir / rel).read_bytes()
    ]
    assert differ in ([], ["DEPLOYMENT_INFO"])
    info = json.loads((second.out_dir / "DEPLOYMENT_INFO").read_text())
    earlier = json.loads((first.out_dir / "DEPLOYMENT_INFO").read_text())
    # A commit made meanwhile changes git_commit/git_dirty, not the sources.
    expected = {"built_at"} | (
        {"git_commit", "git_dirty"} if info["git_commit"] != earlier["git_commit"] else set()
    )
    assert {k for k, v in earlier.items() if info.get(k) != v} <= expected

    deployed = scan_package(first.out_dir)
    manifest = Manifest({rel: f.sha256 for rel, f in deployed.items()})
    plan = plan_upload(scan_package(second.out_dir), manifest, folder_exists=True)
    assert plan.is_noop or (expected != {"built_at"} and plan.changed == ["DEPLOYMENT_INFO"])

    # Reflex's own bookkeeping in .web/reflex.json is back after the export.
    kept = json.loads((project_root() / ".web" / "reflex.json").read_text())
    assert "project_hash" in kept and "last_reflex_run_datetime" in kept
