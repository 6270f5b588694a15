"""Small helpers shared by the state classes: the services, the connection's owner, messages.

Deck operations go through `deck_service()` and chat turns through `turn_service()`
(`slidegen.service`), which run the store off the event loop; `blocking` runs other blocking
work (parsing an upload) in the same bounded pool.
"""

from __future__ import annotations

from typing import Any

from slidegen.server.services import get_store
from slidegen.service import DeckService, TurnService, run_blocking
from slidegen.service.decks import error_text
from slidegen.service.themes import ThemeService
from slidegen.users import UserContext
from slidegen.web.auth import connection_user

__all__ = [
    "blocking",
    "deck_service",
    "owner_of",
    "theme_service",
    "turn_service",
    "user_message",
    "user_of",
]

blocking = run_blocking
user_message = error_text

_SERVICE = DeckService(get_store)
_TURNS = TurnService(_SERVICE)
_THEMES = ThemeService(_SERVICE, get_store)


def deck_service() -> DeckService:
    """The deck operations, on the process's store."""
    return _SERVICE


def turn_service() -> TurnService:
    """Generation and edit turns, saved through `deck_service()`."""
    return _TURNS


def theme_service() -> ThemeService:
    """The theme picker's operations (themes offered, saved themes, a deck's switch)."""
    return _THEMES


def user_of(state: Any) -> UserContext | None:
    """The signed-in user of the connection behind `state` (what the deck service checks
    access with: their id, e-mail, groups through the forwarded token), or None."""
    return connection_user(state)


def owner_of(state: Any) -> str | None:
    """The user id of the connection behind `state`, or None when nobody is signed in."""
    user = connection_user(state)
    return user.user_id if user is not None else None
