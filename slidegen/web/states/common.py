"""Small helpers shared by the state classes: the deck service, the connection's owner, messages.

Deck operations go through `deck_service()` (`slidegen.service`), which runs the store off the
event loop; `blocking` runs other blocking work (parsing an upload) in the same bounded pool.
"""

from __future__ import annotations

from typing import Any

from slidegen.server.services import get_store
from slidegen.service import DeckService, run_blocking
from slidegen.service.decks import error_text
from slidegen.web.auth import connection_user

__all__ = ["blocking", "deck_service", "owner_of", "store", "user_message"]

blocking = run_blocking
user_message = error_text

_SERVICE = DeckService(get_store)


def deck_service() -> DeckService:
    """The deck operations, on the process's store."""
    return _SERVICE


def owner_of(state: Any) -> str | None:
    """The user id of the connection behind `state`, or None when nobody is signed in."""
    user = connection_user(state)
    return user.user_id if user is not None else None


def store() -> Any:
    """The process's deck store, for what is not a deck operation yet (a chat turn)."""
    return get_store()
