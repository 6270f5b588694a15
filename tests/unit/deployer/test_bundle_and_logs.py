"""The generated databricks.yml and the log-stream helpers."""

from __future__ import annotations

import json

import yaml

from slidegen.deployer.bundle import render_bundle
from slidegen.deployer.envfile import load_env_file
from slidegen.deployer.logs import format_frame, logs_url


def test_bundle_mirrors_the_environment_file() -> None:
    env = load_env_file("prod")
    doc = yaml.safe_load(render_bundle("prod", env))
    app = doc["resources"]["apps"]["slidegen"]
    assert app["name"] == "slidegen" and app["compute_size"] == "LARGE"
    assert app["source_code_path"] == "./build/prod"
    assert app["resources"][0]["serving_endpoint"] == {
        "name": "databricks-claude-sonnet-4",
        "permission": "CAN_QUERY",
    }
    assert {"level": "CAN_USE", "group_name": "users"} in app["permissions"]
    assert app["user_api_scopes"] == ["dashboards.genie", "sql"]
    assert doc["sync"]["include"] == ["build/prod/**"]
    assert doc["targets"]["prod"]["workspace"]["root_path"] == "/Workspace/Shared/apps/slidegen"


def test_logs_url_follows_the_cli() -> None:
    assert (
        logs_url("https://app-1.aws.databricksapps.com")
        == "wss://app-1.aws.databricksapps.com/logz/stream"
    )
    assert logs_url("http://127.0.0.1:9/_apps/x/") == "ws://127.0.0.1:9/_apps/x/logz/stream"


def test_frames_are_formatted_like_the_cli() -> None:
    frame = json.dumps({"source": "app", "timestamp": 0.5, "message": "hello\n"})
    assert format_frame(frame) == "1970-01-01T00:00:00Z [APP] hello"
    assert (
        format_frame(json.dumps({"source": "system", "timestamp": 0, "message": "x"}))
        == "---------- [SYSTEM] x"
    )
    assert format_frame("\x00") is None
    assert format_frame("plain text\n") == "plain text"
