"""Chat turns for tests: `TurnService` over a given store (or a throw-away one) and settings.

`generation(store, settings, user, prompt, deck_id=…, genie_space_id=…)` and `editing(store,
settings, user, deck_id, slide_ids, instruction)` return the service's event stream, exactly as
the UI's chat consumes it. `last_chat_becomes(store, user, deck_id, text)` waits for the note a
cancelled turn writes without awaiting it.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Sequence
from typing import Any

from databricks.sdk import WorkspaceClient

from slidegen.agent import Agent
from slidegen.config import Settings
from slidegen.service import DeckService, TurnService
from slidegen.service.scratch import scratch_turns
from slidegen.service.turns import TurnEvent
from slidegen.store import DeckStore
from slidegen.users import UserContext

__all__ = ["editing", "generation", "last_chat_becomes", "turns"]


def turns(
    store: DeckStore, settings: Settings, workspace: WorkspaceClient | None = None
) -> TurnService:
    return TurnService(
        DeckService(lambda: store), lambda: Agent(settings, workspace=workspace), lambda: settings
    )


async def generation(
    store: DeckStore | None,
    settings: Settings,
    user: UserContext,
    prompt: str,
    *,
    workspace: WorkspaceClient | None = None,
    **options: Any,
) -> AsyncIterator[TurnEvent]:
    """A generation turn; with `store` None, over a store that is thrown away afterwards."""
    if store is not None:
        async for event in turns(store, settings, workspace).generate(user, prompt, **options):
            yield event
        return
    with scratch_turns(settings, lambda: Agent(settings, workspace=workspace)) as service:
        async for event in service.generate(user, prompt, **options):
            yield event


def editing(
    store: DeckStore,
    settings: Settings,
    user: UserContext,
    deck_id: str,
    slide_ids: Sequence[str],
    instruction: str,
    *,
    workspace: WorkspaceClient | None = None,
    **options: Any,
) -> AsyncIterator[TurnEvent]:
    return turns(store, settings, workspace).edit(user, deck_id, slide_ids, instruction, **options)


def last_chat_becomes(
    store: DeckStore, user: str, deck_id: str, text: str, timeout_s: float = 10
) -> None:
    """Wait until the deck's last chat message is `text` (a cancelled turn's note is written in
    the store's thread pool, not awaited); fails with the last message seen."""
    deadline = time.monotonic() + timeout_s
    while (last := store.list_chat_messages(user, deck_id)[-1]).content != text:
        assert time.monotonic() < deadline, last
        time.sleep(0.05)
