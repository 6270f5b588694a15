"""Event middleware that keeps one user's view out of another user's connection.

A Reflex client token names a state in the state manager. If a token is replayed from a
connection that carries another user's headers, the state still holds the first user's view
(deck titles, slide HTML, chat). Reflex sends the whole state on hydrate, *before* any handler of
ours runs, so checking in handlers is not enough: this middleware runs before every event
(hydrate included), compares the connection's user with the user the state was built for, and
if they differ wipes every slidegen state back to its defaults first. Handlers still pass the
connection's user to the store on every call, so even a wiped state cannot reach a deck by id.
(A token presented under another user already names another state, see
`slidegen.server.tokens`; this is the second line.)

It also releases a tab whose turn lost its lease (the worker running it died): see
`ChatState._lease_until`.
"""

from __future__ import annotations

import logging
from typing import Any

import reflex as rx

from slidegen.web.auth import connection_user

__all__ = ["OwnerGuard"]

log = logging.getLogger("slidegen.web.guard")


class OwnerGuard(rx.Middleware):
    """Reset the tab's state when the connection's user is not the one it was built for."""

    async def preprocess(self, app: Any, state: Any, event: Any) -> None:
        from slidegen.web.states import USER_STATES
        from slidegen.web.states.chat import ChatState
        from slidegen.web.states.session import SessionState

        user = connection_user(state)
        uid = user.user_id if user else ""
        session = await state.get_state(SessionState)
        if session._owner == uid:
            chat = await state.get_state(ChatState)
            if chat._lease_expired():
                log.warning("turn lease expired; the tab is released", extra={"user_id": uid})
                await chat._release_dead_turn()
            return None
        if session._owner:
            # Not an error on a normal path: a signed-in tab never changes user. Logged so that
            # a replayed token shows up in the logs (ids only, no data).
            log.warning(
                "state token reused by another user; view reset", extra={"user_id": uid or None}
            )
        for cls in USER_STATES:
            sub = await state.get_state(cls)
            sub.reset()
        session._owner = uid
        return None
