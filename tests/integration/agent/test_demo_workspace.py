"""Choosing the workspace at start-up: the SDK's own config resolution decides, bounded in time.

No credentials in development: the demo workspace runs for the app's lifetime and the agent's
clients use it; production never falls back to it; a configured workspace is named in the log.
"""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

import httpx
import pytest

from slidegen import demo_workspace
from slidegen.agent import Failed
from slidegen.agent.model import NO_WORKSPACE, app_workspace_client
from slidegen.config import load_settings
from slidegen.demo_workspace import check_workspace, current_demo, workspace_lifespan
from slidegen.server.identity import UserContext
from slidegen.service import TurnStarted
from tests.support.turns import generation

_ENV = (
    "DATABRICKS_HOST",
    "DATABRICKS_TOKEN",
    "DATABRICKS_CLIENT_ID",
    "DATABRICKS_CLIENT_SECRET",
    "DATABRICKS_CONFIG_PROFILE",
    "DATABRICKS_CONFIG_FILE",
    "DATABRICKS_AUTH_TYPE",
    "DATABRICKS_APP_NAME",
    "GENIE_SPACE_ID",
    "SERVING_ENDPOINT",
    "ENVIRONMENT",
    "DEMO_WORKSPACE",
)


@pytest.fixture(autouse=True)
def bare_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No workspace variables and a HOME without ~/.databrickscfg."""
    for name in _ENV:
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(tmp_path)
    yield home
    demo_workspace.stop_demo()


def _lifespan(settings_env: dict[str, str], monkeypatch: pytest.MonkeyPatch):
    from slidegen.config import get_settings

    for key, value in settings_env.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    return workspace_lifespan()


def test_no_credentials_means_no_workspace_and_the_sdk_says_why() -> None:
    check = check_workspace(load_settings())
    assert not check.configured
    assert "cannot configure default credentials" in check.reason


def test_a_profile_in_databrickscfg_is_a_workspace(bare_home: Path, emulator_url: str) -> None:
    (bare_home / ".databrickscfg").write_text(f"[DEFAULT]\nhost = {emulator_url}\ntoken = t\n")
    check = check_workspace(load_settings())
    assert check.configured and check.host == emulator_url and check.auth_type == "pat"


def test_a_profile_that_does_not_exist_is_not_a_workspace(
    bare_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (bare_home / ".databrickscfg").write_text("[other]\nhost = https://x.example.com\n")
    monkeypatch.setenv("DATABRICKS_CONFIG_PROFILE", "mine")
    check = check_workspace(load_settings())
    assert not check.configured and "mine" in check.reason


def test_a_resolution_that_hangs_is_given_up_on_and_counts_as_configured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(demo_workspace, "_resolve", lambda settings: time.sleep(30))
    check = check_workspace(load_settings(), timeout_s=0.2)
    assert check.configured and "did not finish within 0.2 s" in check.reason


def test_without_credentials_development_runs_the_demo_for_the_apps_lifetime(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def scenario() -> str:
        async with _lifespan({}, monkeypatch):
            demo = current_demo()
            assert demo is not None
            client = app_workspace_client(load_settings())
            assert client.config.host == demo.url
            # The demo answers like a workspace: the SDK's own call with the app's client.
            assert client.current_user.me().user_name
            url = demo.url
        assert current_demo() is None
        return url

    with caplog.at_level(logging.INFO, logger="slidegen.workspace"):
        url = asyncio.run(scenario())
    assert any("demo workspace on" in r.getMessage() for r in caplog.records)
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"{url}/.well-known/databricks-config", timeout=1)


@pytest.mark.parametrize(
    "env", [{"ENVIRONMENT": "production"}, {"DEMO_WORKSPACE": "off"}], ids=["production", "off"]
)
def test_production_and_off_never_fall_back_to_the_demo(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    async def scenario() -> list:
        async with _lifespan(env, monkeypatch):
            assert current_demo() is None
            user = UserContext("u", "u@example.com", "U", "r")
            settings = load_settings(data_dir=tmp_path)
            return [e async for e in generation(None, settings, user, "x")]

    events = [e for e in asyncio.run(scenario()) if not isinstance(e, TurnStarted)]
    assert events == [Failed(f"{NO_WORKSPACE} The deck is unchanged.")]


def test_demo_on_uses_the_demo_even_with_a_workspace(
    monkeypatch: pytest.MonkeyPatch, emulator_url: str
) -> None:
    async def scenario() -> None:
        env = {"DEMO_WORKSPACE": "on", "DATABRICKS_HOST": emulator_url, "DATABRICKS_TOKEN": "t"}
        async with _lifespan(env, monkeypatch):
            assert current_demo() is not None and current_demo().url != emulator_url

    asyncio.run(scenario())


def test_a_configured_workspace_is_named_in_the_start_up_log(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, emulator_url: str
) -> None:
    async def scenario() -> None:
        env = {
            "DATABRICKS_HOST": emulator_url,
            "DATABRICKS_TOKEN": "t",
            "SERVING_ENDPOINT": "my-endpoint",
            "GENIE_SPACE_ID": "space-9",
        }
        async with _lifespan(env, monkeypatch):
            assert current_demo() is None

    with caplog.at_level(logging.INFO, logger="slidegen.workspace"):
        asyncio.run(scenario())
    lines = [r.getMessage() for r in caplog.records if r.name == "slidegen.workspace"]
    assert f"workspace {emulator_url}; serving endpoint my-endpoint; Genie space space-9" in lines


@pytest.fixture
def emulator_url():
    from slidegen.emulator import running_emulator

    with running_emulator() as server:
        yield server.url


def test_a_generation_on_the_demo_workspace_uses_its_model_and_genie_space(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from slidegen.emulator.scripts import genie_space
    from slidegen.service import TurnSaved

    async def scenario() -> tuple[list, list[str]]:
        async with _lifespan({}, monkeypatch):
            user = UserContext("u", "u@example.com", "U", "r")
            settings = load_settings(data_dir=tmp_path)
            assert settings.genie_space_id is None
            events = [e async for e in generation(None, settings, user, "A deck on partner sales")]
            demo = current_demo()
            return events, genie_space(demo.server.emulator, demo.genie_space_id).questions

    events, questions = asyncio.run(scenario())
    assert isinstance(events[-1], TurnSaved), events[-1]
    assert events[-1].record.deck.title == "Partner Sales"
    assert len(questions) == 2
