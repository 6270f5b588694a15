"""Which Genie space a deck's data comes from: the pure operation that changes it, and its reading.

A deck's `genie_space` is `GENIE_DEFAULT` (the app's configured `GENIE_SPACE_ID`, also what a
deck saved before the field existed reads as), `GENIE_NONE` (the deck uses no data), or the id
of a Genie space the user picked. The choice is saved with the deck's versions, so undo and
restore bring an earlier choice back like any other change.
"""

from __future__ import annotations

import dataclasses
import re

from slidegen.deck.model import GENIE_DEFAULT, GENIE_NONE, Deck
from slidegen.deck.ops import DeckOperationError

__all__ = ["genie_space_for", "normalise_genie_space", "set_genie_space"]

# Genie space ids are 32 hex digits; other workspaces' and tests' ids stay within this.
_SPACE_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")


def normalise_genie_space(value: str | None) -> str:
    """`value` as a deck stores it; `DeckOperationError` for something that is no space id."""
    text = (value or "").strip()
    if not text or text == GENIE_DEFAULT:
        return GENIE_DEFAULT
    if text == GENIE_NONE:
        return GENIE_NONE
    if not _SPACE_ID_RE.match(text):
        raise DeckOperationError(f"{text[:40]!r} is not a Genie space id")
    return text


def set_genie_space(deck: Deck, space: str | None) -> Deck:
    """The deck with its data from `space` (a space id, `GENIE_DEFAULT` or `GENIE_NONE`)."""
    return dataclasses.replace(deck, genie_space=normalise_genie_space(space))


def genie_space_for(deck: Deck, default_space_id: str | None) -> str | None:
    """The space id a generation for `deck` asks, or None for no data.

    `default_space_id` is the app's `GENIE_SPACE_ID` (None or "" when it is not set).
    """
    if deck.genie_space == GENIE_NONE:
        return None
    if deck.genie_space == GENIE_DEFAULT:
        return (default_space_id or "").strip() or None
    return deck.genie_space
