"""What a package may hold: one rule for the build, `--package` uploads and manifest entries."""

from __future__ import annotations

from pathlib import Path

import pytest

from slidegen.deployer.package_files import is_clean_relative, list_package, skip_reason


@pytest.mark.parametrize(
    "rel",
    [
        "app.yaml",
        "DEPLOYMENT_INFO",
        "slidegen/web/pages/main.py",
        "frontend/assets/root-abc.js",
        "assets/logo.svg",
    ],
)
def test_files_a_build_produces_are_kept(rel: str) -> None:
    assert skip_reason(rel) is None


@pytest.mark.parametrize(
    ("rel", "reason"),
    [
        ("slidegen/__pycache__/x.cpython-311.pyc", "bytecode cache"),
        ("slidegen/x.pyc", "bytecode"),
        ("data/decks.db", "local data"),
        (".env", "local environment (secrets)"),
        ("slidegen/.env.local", "local environment (secrets)"),
        ("slidegen/.main.py.swp", "editor file"),
        ("slidegen/main.py~", "editor file"),
        ("slidegen/.#main.py", "editor file"),
        ("frontend/.DS_Store", "editor file"),
        ("slidegen/emulator/core.py", "not part of a build"),
        ("notes.txt", "not part of a build"),
        ("venv/lib/x.py", "not part of a build"),
        ("../victim/keep.py", "not a clean relative path"),
        ("/Users/a/keep.py", "not a clean relative path"),
        ("slidegen/./x.py", "not a clean relative path"),
        ("slidegen//x.py", "not a clean relative path"),
        ("", "not a clean relative path"),
    ],
)
def test_what_is_never_shipped_says_why(rel: str, reason: str) -> None:
    assert skip_reason(rel) == reason


def test_clean_relative_paths() -> None:
    assert is_clean_relative("a/b.py")
    assert not any(is_clean_relative(p) for p in ("/a", "a/../b", "./a", "a/", "a\\b", "a\x00"))


def test_listing_keeps_the_layout_and_reports_strays_once_per_folder(tmp_path: Path) -> None:
    for rel in (
        "app.yaml",
        "slidegen/app.py",
        "slidegen/__pycache__/app.cpython-311.pyc",
        "slidegen/.app.py.swp",
        "data/decks.db",
        "data/blobs/1.bin",
        ".env",
        "frontend/index.html",
    ):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    (tmp_path / "slidegen" / "link.py").symlink_to(tmp_path / ".env")

    files, skipped = list_package(tmp_path)

    assert files == ["app.yaml", "frontend/index.html", "slidegen/app.py"]
    assert skipped == {
        ".env": "local environment (secrets)",
        "data/": "local data",
        "slidegen/.app.py.swp": "editor file",
        "slidegen/__pycache__/": "bytecode cache",
        "slidegen/link.py": "symbolic link",
    }
