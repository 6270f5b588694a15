"""Which Genie conversation a deck's next run continues, and what a run records for that.

A follow-up ("now split it by region") should reach Genie in the same conversation, so Genie
keeps its context. A run records the space and conversation it used in its chat message's
`meta`; the next run of the deck picks the latest conversation in the same space.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from slidegen.agent.genie import GenieSession

__all__ = ["genie_meta", "remembered_conversation"]


def remembered_conversation(messages: Iterable[Any], space_id: str | None) -> str | None:
    """The latest Genie conversation in `space_id` among a deck's chat `messages` (objects
    with a `meta` dict), or None."""
    if not space_id:
        return None
    for message in reversed(list(messages)):
        meta = getattr(message, "meta", None) or {}
        if meta.get("genie_space_id") == space_id and meta.get("genie_conversation_id"):
            return str(meta["genie_conversation_id"])
    return None


def genie_meta(session: GenieSession | None) -> dict[str, Any]:
    """What a run's chat message records of its Genie conversation (empty when none ran)."""
    if session is None or not session.conversation_id:
        return {}
    return {
        "genie_space_id": session.space_id,
        "genie_conversation_id": session.conversation_id,
    }
