"""Fixtures for agent tests: the emulator as the workspace, a SQLite store, fast settings.

The agent runs through the real `ChatDatabricks` (OpenAI client) and `WorkspaceClient` against
the emulator on 127.0.0.1; only the emulator's scripted model stands in for a real LLM.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from slidegen.agent import AgentEvent
from slidegen.config import Settings, load_settings
from slidegen.emulator import EmulatorServer, running_emulator
from slidegen.emulator.scripts import ModelScript, model_script
from slidegen.server.identity import UserContext
from slidegen.store import DeckStore, open_store

APP_TOKEN = "app-token-123"
USER_TOKEN = "alice-user-token-456"
SPACE = "space-sales"
ENDPOINT = "databricks-claude-sonnet-4"

_AUTH_ENV = (
    "DATABRICKS_CLIENT_ID",
    "DATABRICKS_CLIENT_SECRET",
    "DATABRICKS_CONFIG_PROFILE",
    "DATABRICKS_AUTH_TYPE",
    "DATABRICKS_APP_NAME",
    "MLFLOW_TRACKING_URI",
    "MLFLOW_EXPERIMENT_ID",
    "GENIE_SPACE_ID",
    "SERVING_ENDPOINT",
)


@pytest.fixture
def emulator(monkeypatch: pytest.MonkeyPatch) -> Iterator[EmulatorServer]:
    with running_emulator() as server:
        for name in _AUTH_ENV:
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("DATABRICKS_HOST", server.url)
        monkeypatch.setenv("DATABRICKS_TOKEN", APP_TOKEN)
        yield server


@pytest.fixture
def model(emulator: EmulatorServer) -> ModelScript:
    return model_script(emulator.emulator)


@pytest.fixture
def settings(tmp_path: Path, emulator: EmulatorServer) -> Settings:
    return load_settings(
        data_dir=tmp_path,
        serving_endpoint=ENDPOINT,
        genie_space_id=SPACE,
        llm_timeout_s=3.0,
        llm_max_retries=1,
        genie_timeout_s=2.0,
        genie_poll_max_s=0.05,
        agent_timeout_s=20.0,
        # These tests pin the one-answer path; test_outline_first.py the outline-first one.
        generation_mode="single",
        auto_fit="off",
    )


@pytest.fixture
def store(settings: Settings) -> Iterator[DeckStore]:
    deck_store = open_store(settings)
    yield deck_store
    deck_store.dispose()


@pytest.fixture
def alice() -> UserContext:
    return UserContext("alice", "alice@example.com", "Alice", "req-1", access_token=USER_TOKEN)


async def collect(events: AsyncIterator[AgentEvent]) -> list[AgentEvent]:
    return [event async for event in events]


def run(events: AsyncIterator[AgentEvent]) -> list[AgentEvent]:
    return asyncio.run(collect(events))


def deck_html(*bodies: str, title: str = "Test deck", styles: str = "h2{color:#123}") -> str:
    slides = "\n".join(f'<div class="slide">{body}</div>' for body in bodies)
    return f"<title>{title}</title><style>{styles}</style>\n{slides}"
