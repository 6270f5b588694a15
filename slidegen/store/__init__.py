"""Versioned, per-user persistence of decks, their versions and chat history.

`open_store(settings)` creates the engine (SQLite file by default; PostgreSQL or Lakebase by
settings), runs the schema migrations and returns a `DeckStore`. Every `DeckStore` method takes
the owner first; see `store.py` for versions, undo/redo and optimistic concurrency.
No Reflex imports here.
"""

from __future__ import annotations

from slidegen.config import Settings, get_settings
from slidegen.store.access import AccessLevel, Caller, Principal, PrincipalKind
from slidegen.store.engine import create_engine_for, store_schema
from slidegen.store.migrate import upgrade
from slidegen.store.models import (
    ChangeKind,
    ChatMessage,
    ChatRole,
    DeckNotFoundError,
    DeckRecord,
    DeckSummary,
    NothingToRedoError,
    NothingToUndoError,
    StaleVersionError,
    StoreError,
    VersionInfo,
)
from slidegen.store.sharing import Grant, SharedDeck
from slidegen.store.store import DeckStore
from slidegen.store.themes import ThemeNotFoundError

__all__ = [
    "AccessLevel",
    "Caller",
    "ChangeKind",
    "ChatMessage",
    "ChatRole",
    "DeckNotFoundError",
    "DeckRecord",
    "DeckStore",
    "DeckSummary",
    "Grant",
    "NothingToRedoError",
    "NothingToUndoError",
    "Principal",
    "PrincipalKind",
    "SharedDeck",
    "StaleVersionError",
    "StoreError",
    "ThemeNotFoundError",
    "VersionInfo",
    "create_engine_for",
    "open_store",
]


def open_store(settings: Settings | None = None, *, schema: str | None = None) -> DeckStore:
    """Engine + migrations (idempotent, safe across processes) + store."""
    settings = settings or get_settings()
    schema = store_schema(settings, schema)
    engine = create_engine_for(settings, schema=schema)
    try:
        upgrade(engine, schema if engine.dialect.name == "postgresql" else None)
    except BaseException:
        engine.dispose()
        raise
    return DeckStore(engine)
