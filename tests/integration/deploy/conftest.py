"""Fixtures for deploy tests: the emulator, a real `WorkspaceClient` on it, a project folder with
environment files, and a small package folder (the real package comes from `build_package`)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from databricks.sdk import WorkspaceClient

from slidegen.deployer.apps import Waits
from slidegen.emulator.api_apps import apps_state
from slidegen.emulator.core import RecordedRequest
from slidegen.emulator.server import EmulatorServer, running_emulator

FAST = Waits(
    poll_s=0.02,
    max_poll_s=0.1,
    app_timeout_s=15,
    deploy_timeout_s=15,
    verify_timeout_s=15,
    http_timeout_s=5,
)
TOKEN = "dapi-deploy-test-token"

ENV_FILE = """
name: slidegen-test
description: deploy tests
compute_size: MEDIUM
permissions:
  - group_name: users
    level: CAN_USE
  - user_name: ana@example.com
    level: CAN_MANAGE
resources:
  - name: serving-endpoint
    serving_endpoint: {name: databricks-claude-sonnet-4, permission: CAN_QUERY}
user_api_scopes: [sql]
env:
  SERVING_ENDPOINT: {value_from: serving-endpoint}
"""


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    with running_emulator() as server:
        timing = apps_state(server.emulator).timing
        timing.start_s, timing.deploy_s, timing.delete_s = 0.15, 0.15, 0.3
        timing.stop_s, timing.update_s = 0.1, 0.1
        yield server


@pytest.fixture
def client(emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> WorkspaceClient:
    for var in ("DATABRICKS_CONFIG_PROFILE", "DATABRICKS_CLIENT_ID", "DATABRICKS_CLIENT_SECRET"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("DATABRICKS_HOST", emulator.url)
    monkeypatch.setenv("DATABRICKS_TOKEN", TOKEN)
    return WorkspaceClient(host=emulator.url, token=TOKEN, auth_type="pat")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "test.yaml").write_text(ENV_FILE)
    return tmp_path


@pytest.fixture
def package(tmp_path: Path) -> Path:
    root = tmp_path / "package"
    files = {
        "app.yaml": 'command: ["python", "-m", "slidegen", "serve"]\n'
        "env:\n  - name: SERVING_ENDPOINT\n    valueFrom: serving-endpoint\n",
        "requirements.txt": "reflex==0.10.1\n",
        "DEPLOYMENT_INFO": json.dumps(
            {"version": "0.1.0", "git_commit": "c0ffee1234567890", "git_branch": "main"}
        ),
        "slidegen/__init__.py": '"""slidegen."""\n',
        "slidegen/server/serve.py": "def main() -> None:\n    pass\n",
        "frontend/index.html": "<!doctype html><title>slidegen</title>",
        "frontend/assets/app.js": "console.log('v1');\n",
        "frontend/assets/old/legacy.js": "legacy();\n",
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def writes(requests: list[RecordedRequest]) -> list[RecordedRequest]:
    return [r for r in requests if r.method != "GET"]


def imported_paths(requests: list[RecordedRequest], folder_marker: str = "/apps/") -> list[str]:
    """Workspace paths of the import requests (multipart or import-file), relative to the app
    folder."""
    out = []
    for r in requests:
        if r.path == "/api/2.0/workspace/import":
            body = r.body.decode("latin-1")
            start = body.index('name="path"') + len('name="path"')
            value = body[start:].split("\r\n\r\n", 1)[1].split("\r\n", 1)[0]
            out.append(value.split(folder_marker, 1)[1].split("/", 1)[1])
        elif r.path.startswith("/api/2.0/workspace-files/import-file/"):
            out.append(r.path.split(folder_marker, 1)[1].split("/", 1)[1])
    return sorted(out)
