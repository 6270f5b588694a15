"""The committed `reflex.lock/package.json` is exactly what Reflex writes back after a build.

Every frontend build (`reflex export`, so every packaged-app test) renders `.web/package.json`
from the persisted pins and copies it byte for byte back to `reflex.lock/package.json`. A
committed copy in any other form (re-indented, keys reordered) shows up as a modified tracked
file after each test run; in Reflex's own form the copy is a no-op.
"""

from __future__ import annotations

from pathlib import Path

from reflex.utils import frontend_skeleton

ROOT = Path(__file__).resolve().parents[3]


def test_committed_package_json_is_in_the_form_reflex_writes(monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    committed = (ROOT / "reflex.lock" / "package.json").read_text()
    assert frontend_skeleton._compile_package_json() == committed, (
        "reflex.lock/package.json differs from what Reflex renders from it; a build would "
        "rewrite it: commit the file as the build leaves it"
    )
