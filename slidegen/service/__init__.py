"""What a user may do to a deck and how it is saved, for every interface (web, CLI, MCP).

`DeckService` turns an intent (open, apply an operation, undo, redo, restore, rename, duplicate,
delete, list) into store calls: every call is scoped by the owner, the conflict and missing-deck
policy lives here once (`Outcome`), and the synchronous store runs in a bounded thread pool
(`run_blocking`), never on the event loop. `TurnService` runs the agent for a chat turn
(generate or edit) and saves what it wrote as one version. No Reflex imports here.
"""

from __future__ import annotations

from slidegen.service.access import Access, User
from slidegen.service.decks import (
    CONFLICT_MESSAGE,
    MISSING_MESSAGE,
    OWNER_ONLY_MESSAGE,
    VIEW_ONLY_MESSAGE,
    DeckService,
    Outcome,
    Sharing,
    Status,
    Unchanged,
)
from slidegen.service.threads import STORE_THREADS, run_blocking
from slidegen.service.turns import TurnSaved, TurnService, TurnStarted

__all__ = [
    "CONFLICT_MESSAGE",
    "MISSING_MESSAGE",
    "OWNER_ONLY_MESSAGE",
    "STORE_THREADS",
    "VIEW_ONLY_MESSAGE",
    "Access",
    "DeckService",
    "Outcome",
    "Sharing",
    "Status",
    "TurnSaved",
    "TurnService",
    "TurnStarted",
    "Unchanged",
    "User",
    "run_blocking",
]
