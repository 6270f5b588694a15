"""Every Databricks `WorkspaceClient` of the app is built by `slidegen/workspace.py`.

The auth trap (a token and OAuth client credentials both configured) is resolved there once; a
client built anywhere else would miss it, or pin its own auth type. Read from the source (AST);
how the factory resolves auth is pinned by tests/integration/agent/test_workspace_auth.py.
"""

from __future__ import annotations

import ast
from pathlib import Path

import slidegen

ROOT = Path(slidegen.__file__).parent
FACTORY = ROOT / "workspace.py"


def _constructions(path: Path) -> list[str]:
    """`WorkspaceClient(...)` calls and imports of the SDK's `Config` in one module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name == "WorkspaceClient":
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} WorkspaceClient(...)")
        elif (
            isinstance(node, ast.ImportFrom)
            and (node.module or "").startswith("databricks.sdk")
            and any(alias.name == "Config" for alias in node.names)
        ):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} imports Config")
    return found


def test_no_workspace_client_is_built_outside_the_factory() -> None:
    elsewhere = [
        hit
        for path in sorted(ROOT.rglob("*.py"))
        if path != FACTORY and "emulator" not in path.relative_to(ROOT).parts
        for hit in _constructions(path)
    ]
    assert elsewhere == []
    assert _constructions(FACTORY)  # the finder does find constructions
