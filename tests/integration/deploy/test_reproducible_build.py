"""Two builds of the same sources, each with its own `reflex export`, are byte-identical except
DEPLOYMENT_INFO's build time, and the upload plan between them is empty."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from slidegen.cli.packaging import build_package, project_root
from slidegen.deployer.manifest import Manifest, plan_upload, scan_package
from tests.support.require import missing


def _bun_available() -> bool:
    tools = project_root() / "tools" / "node_modules" / ".bin" / "bun"
    return tools.exists() or shutil.which("bun") is not None


def test_two_exports_of_the_same_sources_make_the_same_package(tmp_path: Path) -> None:
    if not _bun_available():
        missing("bun (for reflex export)")
    env = {"SERVING_ENDPOINT": {"valueFrom": "serving-endpoint"}}
    first = build_package("dev", tmp_path / "first", app_yaml_env=env, use_cache=False)
    second = build_package("dev", tmp_path / "second", app_yaml_env=env, use_cache=False)
    assert first.frontend == second.frontend == "exported"

    assert first.files == second.files
    assert any(str(p).startswith("frontend/assets/") for p in first.files)
    differ = [
        str(rel)
        for rel in first.files
        if (first.out_dir / rel).read_bytes() != (second.out_dir / rel).read_bytes()
    ]
    assert differ in ([], ["DEPLOYMENT_INFO"])
    info = json.loads((second.out_dir / "DEPLOYMENT_INFO").read_text())
    assert {
        k
        for k, v in json.loads((first.out_dir / "DEPLOYMENT_INFO").read_text()).items()
        if info.get(k) != v
    } <= {"built_at"}

    deployed = scan_package(first.out_dir)
    manifest = Manifest({rel: f.sha256 for rel, f in deployed.items()})
    plan = plan_upload(scan_package(second.out_dir), manifest, folder_exists=True)
    assert plan.is_noop

    # Reflex's own bookkeeping in .web/reflex.json is back after the export.
    kept = json.loads((project_root() / ".web" / "reflex.json").read_text())
    assert "project_hash" in kept and "last_reflex_run_datetime" in kept
