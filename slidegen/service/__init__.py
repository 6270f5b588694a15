"""What a user may do to a deck and how it is saved, for every interface (web, CLI, MCP).

`DeckService` turns an intent (open, apply an operation, undo, redo, restore, rename, duplicate,
delete, list) into store calls: every call is scoped by the owner, the conflict and missing-deck
policy lives here once (`Outcome`), and the synchronous store runs in a bounded thread pool
(`run_blocking`), never on the event loop. `TurnService` runs the agent for a chat turn
(generate or edit) and saves what it wrote as one version. No Reflex imports here.
"""

from __future__ import annotations

from slidegen.service.decks import (
    CONFLICT_MESSAGE,
    MISSING_MESSAGE,
    DeckService,
    Outcome,
    Status,
    Unchanged,
)
from slidegen.service.threads import STORE_THREADS, run_blocking
from slidegen.service.turns import TurnSaved, TurnService

__all__ = [
    "CONFLICT_MESSAGE",
    "MISSING_MESSAGE",
    "STORE_THREADS",
    "DeckService",
    "Outcome",
    "Status",
    "TurnSaved",
    "TurnService",
    "Unchanged",
    "run_blocking",
]
