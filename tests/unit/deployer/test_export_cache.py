"""The export cache: which edits reuse the exported frontend, which export again, and that a
damaged entry can never end up in a package."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from slidegen.deployer import export_cache, packaging


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project with the files the export reads, plus a deploy-tool module it does not."""
    root = tmp_path / "project"
    for rel, text in {
        "rxconfig.py": "config = 1\n",
        "slidegen/__init__.py": "",
        "slidegen/web/pages/main.py": "TITLE = 'v1'\n",
        "slidegen/deployer/pipeline.py": "STEPS = []\n",
        "slidegen/cli/cmd_deploy.py": "X = 1\n",
        "assets/logo.svg": "<svg/>",
        "reflex.lock/package.json": "{}",
        "deploy/dev.yaml": "name: x\n",
    }.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


class FakeExport:
    """Stands in for `reflex export`: writes a frontend made from the page module."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, root: Path, env: dict[str, str] | None = None) -> Path:
        self.calls += 1
        out = root / ".web" / "build" / "client"
        out.mkdir(parents=True, exist_ok=True)
        (out / "index.html").write_text((root / "slidegen/web/pages/main.py").read_text())
        (out / "assets").mkdir(exist_ok=True)
        (out / "assets" / "app.js").write_text(f"export {self.calls}")
        return out


@pytest.fixture
def export(monkeypatch: pytest.MonkeyPatch) -> FakeExport:
    fake = FakeExport()
    monkeypatch.setattr(packaging, "run_frontend_export", fake)
    return fake


def frontend(project: Path, target: Path, use_cache: bool = True) -> str:
    return packaging._frontend(project, target, use_cache)


def test_unchanged_inputs_hit_and_a_page_edit_misses(
    project: Path, export: FakeExport, tmp_path: Path
) -> None:
    assert frontend(project, tmp_path / "a") == "exported"
    assert frontend(project, tmp_path / "b") == "cached" and export.calls == 1
    assert (tmp_path / "b" / "assets" / "app.js").read_text() == "export 1"

    (project / "slidegen/web/pages/main.py").write_text("TITLE = 'v2'\n")
    assert frontend(project, tmp_path / "c") == "exported" and export.calls == 2
    assert (tmp_path / "c" / "index.html").read_text() == "TITLE = 'v2'\n"


@pytest.mark.parametrize(
    "edit", ["slidegen/deployer/pipeline.py", "slidegen/cli/cmd_deploy.py", "deploy/dev.yaml"]
)
def test_deploy_tool_and_environment_file_edits_still_hit(
    project: Path, export: FakeExport, tmp_path: Path, edit: str
) -> None:
    frontend(project, tmp_path / "a")
    (project / edit).write_text("# edited\n")
    assert frontend(project, tmp_path / "b") == "cached" and export.calls == 1


@pytest.mark.parametrize(
    "edit", ["rxconfig.py", "assets/logo.svg", "reflex.lock/package.json", "slidegen/__init__.py"]
)
def test_other_inputs_miss(project: Path, export: FakeExport, tmp_path: Path, edit: str) -> None:
    frontend(project, tmp_path / "a")
    (project / edit).write_text("changed")
    assert frontend(project, tmp_path / "b") == "exported" and export.calls == 2


def test_the_reflex_environment_is_part_of_the_key(project: Path) -> None:
    base = export_cache.export_key(project, {"REFLEX_API_URL": "http://localhost:8000"})
    other = export_cache.export_key(project, {"REFLEX_API_URL": "http://localhost:9000"})
    assert base != other
    assert base == export_cache.export_key(
        project, {"REFLEX_API_URL": "http://localhost:8000", "DATABASE_URL": "x"}
    )


@pytest.mark.parametrize("damage", ["edit", "truncate", "extra", "remove", "index"])
def test_a_damaged_entry_is_dropped_and_exported_again(
    project: Path, export: FakeExport, tmp_path: Path, damage: str
) -> None:
    frontend(project, tmp_path / "a")
    [entry] = [p for p in (project / export_cache.CACHE_DIRNAME).iterdir() if p.is_dir()]
    app_js = entry / "files" / "assets" / "app.js"
    if damage == "edit":
        app_js.write_text("export 666")
    elif damage == "truncate":
        app_js.write_text("")
    elif damage == "extra":
        (entry / "files" / "evil.js").write_text("steal()")
    elif damage == "remove":
        app_js.unlink()
    else:
        (entry / "index.json").write_text("{not json")

    assert frontend(project, tmp_path / "b") == "exported" and export.calls == 2
    assert (tmp_path / "b" / "assets" / "app.js").read_text() == "export 2"
    assert not (tmp_path / "b" / "evil.js").exists()
    # The entry was replaced by the new export, which is intact again.
    assert frontend(project, tmp_path / "c") == "cached"
    index = json.loads((entry / "index.json").read_text())
    assert set(index["files"]) == {"index.html", "assets/app.js"}


def test_a_package_file_edited_in_place_never_reaches_the_next_package(
    project: Path, export: FakeExport, tmp_path: Path
) -> None:
    frontend(project, tmp_path / "a")
    assert frontend(project, tmp_path / "b") == "cached"
    # Restored files may be hard links to the entry: this edit may have reached it.
    (tmp_path / "b" / "assets" / "app.js").write_text("edited by hand")

    frontend(project, tmp_path / "c")
    assert (tmp_path / "c" / "assets" / "app.js").read_text() == f"export {export.calls}"


def test_no_cache_exports_and_keeps_only_a_few_entries(
    project: Path, export: FakeExport, tmp_path: Path
) -> None:
    frontend(project, tmp_path / "a")
    assert frontend(project, tmp_path / "b", use_cache=False) == "exported"
    for n in range(export_cache.KEEP + 2):
        (project / "slidegen/web/pages/main.py").write_text(f"TITLE = {n}\n")
        frontend(project, tmp_path / f"n{n}")
    entries = [p for p in (project / export_cache.CACHE_DIRNAME).iterdir() if p.is_dir()]
    assert len(entries) == export_cache.KEEP


def test_the_cache_lives_in_a_git_ignored_folder() -> None:
    root = packaging.project_root()
    probe = f"{export_cache.CACHE_DIRNAME}/0123/index.json"
    ignored = subprocess.run(["git", "check-ignore", "-q", probe], cwd=root, check=False)
    assert ignored.returncode == 0


def test_compiling_the_app_imports_none_of_the_packages_left_out_of_the_key() -> None:
    """The key leaves out deployer/, cli/ and the emulator because the app never imports them:
    load the modules Reflex loads to compile (rxconfig and the app module) and check."""
    root = packaging.project_root()
    code = (
        "import sys, rxconfig, slidegen.slidegen\n"
        "bad = sorted(m for m in sys.modules if m.startswith(("
        "'slidegen.deployer', 'slidegen.cli', 'slidegen.emulator')))\n"
        "print(','.join(bad))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == ""
