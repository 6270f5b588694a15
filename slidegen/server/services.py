"""Process-wide services shared by the Reflex states and the HTTP routes: the deck store, and
the deck service over it (`deck_service`: every HTTP route reaches decks through it, with the
same access rule as the UI).

One store (one SQLAlchemy engine and pool) per process, opened on first use; opening it runs the
schema migrations, which are safe when several workers start together. Tests replace it with
`set_store` / `reset_services`.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from slidegen.config import get_settings

if TYPE_CHECKING:
    from slidegen.service import DeckService
    from slidegen.store import DeckStore

__all__ = ["deck_service", "get_store", "reset_services", "set_store"]

_lock = threading.Lock()
_store: DeckStore | None = None


def get_store() -> DeckStore:
    """The process's deck store, opened (and migrated) on first call."""
    global _store
    if _store is None:
        with _lock:
            if _store is None:
                from slidegen.store import open_store

                _store = open_store(get_settings())
    return _store


def set_store(store: DeckStore | None) -> None:
    global _store
    with _lock:
        _store = store


def reset_services() -> None:
    """Forget the store (disposing its engine), e.g. between tests."""
    global _store
    with _lock:
        store, _store = _store, None
    if store is not None:
        dispose = getattr(store, "dispose", None) or getattr(store.engine, "dispose", None)
        if dispose:
            dispose()


_service: DeckService | None = None


def deck_service() -> DeckService:
    """The deck operations on the process's store (`get_store`, read at each call)."""
    global _service
    if _service is None:
        from slidegen.service import DeckService

        _service = DeckService(get_store)
    return _service
