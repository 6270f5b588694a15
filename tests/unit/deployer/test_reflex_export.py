"""The export runner keeps Reflex's per-run values out of the bundle and gives Reflex its
bookkeeping back afterwards (the cause of two exports of the same sources differing)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from reflex import constants
from reflex.utils import prerequisites

from slidegen.deployer.reflex_export import pinned_reflex_json


@pytest.fixture
def web(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(prerequisites, "get_web_dir", lambda: tmp_path)
    (tmp_path / constants.Reflex.JSON).write_text(
        json.dumps({"version": "0.0.1", "project_hash": 1234, "last_reflex_run_datetime": "x"})
    )
    return tmp_path / constants.Reflex.JSON


def test_the_bundle_sees_only_the_version_and_reflex_gets_its_values_back(web: Path) -> None:
    with pinned_reflex_json():
        prerequisites.set_last_reflex_run_time()  # what `reflex export` calls before building
        assert json.loads(web.read_text()) == {"version": constants.Reflex.VERSION}
    kept = json.loads(web.read_text())
    assert kept["project_hash"] == 1234 and kept["version"] == constants.Reflex.VERSION
    assert kept["last_reflex_run_datetime"] != "x"


def test_without_the_runner_the_run_time_would_reach_the_bundle(web: Path) -> None:
    prerequisites.set_last_reflex_run_time()
    assert "last_reflex_run_datetime" in json.loads(web.read_text())


def test_the_state_module_reads_only_the_version_from_reflex_json() -> None:
    """If Reflex's frontend ever read another field, keeping only the version would break it."""
    import reflex_base

    template = Path(reflex_base.__file__).parent / ".templates" / "web" / "utils" / "state.js"
    source = template.read_text()
    uses = {line.strip() for line in source.splitlines() if "reflexEnvironment" in line}
    assert any("import reflexEnvironment" in u for u in uses)
    assert all("import" in u or "reflexEnvironment.version" in u for u in uses), uses
