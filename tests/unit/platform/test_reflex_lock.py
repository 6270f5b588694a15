"""A frontend build leaves the tracked `reflex.lock/package.json` alone unless its pins changed.

Reflex writes the file back after every `reflex export` (so after every packaged-app test build),
compact or indented depending on whether bun ran; `persisted_package_json_kept` restores the
committed bytes when only the form changed.
"""

from __future__ import annotations

import json
from pathlib import Path

from slidegen.deployer.reflex_export import persisted_package_json_kept

PINS = {"name": "reflex", "dependencies": {"react": "19.3.1"}, "overrides": {}}


def _lock(root: Path) -> Path:
    path = root / "reflex.lock" / "package.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(PINS, indent=2))
    return path


def test_a_rewrite_in_another_form_is_undone(tmp_path: Path) -> None:
    path = _lock(tmp_path)
    committed = path.read_bytes()
    with persisted_package_json_kept(tmp_path):
        path.write_text(json.dumps(PINS))  # what Reflex writes when it only re-renders
    assert path.read_bytes() == committed


def test_new_pins_are_kept(tmp_path: Path) -> None:
    path = _lock(tmp_path)
    updated = {**PINS, "dependencies": {**PINS["dependencies"], "@codemirror/view": "6.43.15"}}
    with persisted_package_json_kept(tmp_path):
        path.write_text(json.dumps(updated))
    assert json.loads(path.read_text()) == updated
