"""The deployable package: contents, app.yaml merging, DEPLOYMENT_INFO, the 10 MB limit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from slidegen.deployer.packaging import (
    MAX_FILE_BYTES,
    BuildError,
    PackageTooLargeError,
    build_package,
    check_file_sizes,
    project_root,
)


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pkg") / "dev"
    build_package(
        "dev",
        out,
        export_frontend=False,
        app_yaml_env={
            "GENIE_SPACE_ID": "space-1",
            "SERVING_ENDPOINT": {"valueFrom": "serving-endpoint"},
            "LOG_LEVEL": "DEBUG",
        },
    )
    return out


def test_package_has_code_manifest_requirements_and_info(package: Path) -> None:
    assert (package / "slidegen" / "slidegen.py").is_file()
    assert (package / "slidegen" / "server" / "__main__.py").is_file()
    assert (package / "rxconfig.py").is_file()
    assert not (package / "slidegen" / "emulator").exists()
    assert not list(package.rglob("__pycache__"))
    info = json.loads((package / "DEPLOYMENT_INFO").read_text())
    assert info["environment"] == "dev"
    assert len(info["git_commit"]) in (40, len("unknown"))
    assert info["built_at"].endswith("Z")
    pins = [
        line
        for line in (package / "requirements.txt").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    assert pins and all("==" in line for line in pins)


def test_app_yaml_merges_environment_overrides(package: Path) -> None:
    manifest = yaml.safe_load((package / "app.yaml").read_text())
    assert set(manifest) == {"command", "env"}
    env = {e["name"]: e for e in manifest["env"]}
    assert env["ENVIRONMENT"]["value"] == "production"
    assert env["LOG_LEVEL"]["value"] == "DEBUG"  # the override replaced the default entry
    assert sum(1 for e in manifest["env"] if e["name"] == "LOG_LEVEL") == 1
    assert env["GENIE_SPACE_ID"]["value"] == "space-1"
    assert env["SERVING_ENDPOINT"] == {"name": "SERVING_ENDPOINT", "valueFrom": "serving-endpoint"}


def test_a_file_over_10_mb_is_refused_by_name(tmp_path: Path) -> None:
    (tmp_path / "small.txt").write_text("ok")
    (tmp_path / "nested").mkdir()
    big = tmp_path / "nested" / "huge.bin"
    with big.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(PackageTooLargeError, match=r"nested/huge\.bin"):
        check_file_sizes(tmp_path)
    big.unlink()
    assert check_file_sizes(tmp_path) == [Path("small.txt")]


def test_refuses_to_build_over_the_project(tmp_path: Path) -> None:
    root = project_root()
    for target in (root, root / "slidegen", root.parent):
        with pytest.raises(BuildError, match="refusing"):
            build_package("dev", target, export_frontend=False)
