"""Turns over a throw-away store: for one-off runs (`slidegen generate`) that must check and
version a deck exactly as the app does without touching the app's database."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from slidegen.agent import Agent
from slidegen.config import Settings
from slidegen.service.decks import DeckService
from slidegen.service.turns import TurnService
from slidegen.store import open_store

__all__ = ["scratch_turns"]


@contextlib.contextmanager
def scratch_turns(
    settings: Settings, agent: Callable[[], Agent] | None = None
) -> Iterator[TurnService]:
    """A `TurnService` on a SQLite store in a temporary directory, removed on exit."""
    with tempfile.TemporaryDirectory(prefix="slidegen-turns-") as scratch:
        url = f"sqlite:///{Path(scratch) / 'decks.db'}"
        store = open_store(settings.model_copy(update={"database_url": url}))
        try:
            yield TurnService(
                DeckService(lambda: store), agent or (lambda: Agent(settings)), lambda: settings
            )
        finally:
            store.dispose()
