"""Open tabs follow their deck live: another tab's save shows within a second, a revoked or
deleted deck is left at once.

Each worker remembers which of the tabs it serves (their Reflex client tokens) show which deck
(`watch`, called when a tab opens a deck; `unwatch` when it leaves). The deck service publishes
a `DeckNotice` after every saved version and every change of who may reach a deck (through
Redis to every worker, see `slidegen.service.live`); each worker then refreshes its own tabs on
that deck out of band (`app.modify_state`, whose delta Reflex sends to the tab's socket, on
whichever worker holds it). The refresh re-reads the deck through the service as the tab's own
user (from the tab's connection headers), so it shows only what that user may see:
- a newer version: `DeckView.reload`, which keeps the selection and focus where the slides
  still exist; a tab whose assistant is writing, or that is already at that version, is left;
- an access change: the tab opens the deck again; if it may no longer, it leaves it with
  `REVOKED_MESSAGE` and its deck lists refresh; a changed level shows (editing controls appear
  or go). Every other tab of the worker refreshes its deck lists too, so a deck just shared
  with someone shows under "Shared with me" in the tabs they have open (sharing is rare: one
  list query per open tab).
Tabs that are no longer connected to this worker are forgotten (a reconnecting tab runs the
page's load event again, which opens its deck and watches it anew). The deck state registers
itself and what a notice does to it (`follow`), so this module imports no state.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable
from typing import Any

import reflex as rx

from slidegen.service.live import ACCESS, DeckNotice, deck_notices

__all__ = ["REVOKED_MESSAGE", "follow", "unwatch", "watch", "watched"]

log = logging.getLogger("slidegen.web.live")

REVOKED_MESSAGE = (
    "This deck is no longer shared with you (or it was deleted), so it was closed here."
)

_lock = threading.Lock()
_by_deck: dict[str, set[str]] = {}
_by_token: dict[str, str] = {}
_listening: set[int] = set()
# The state class a tab's deck lives in, and what a notice does to that state.
_follower: tuple[type[rx.State], Callable[[Any, DeckNotice], Awaitable[None]]] | None = None


def follow(
    state_cls: type[rx.State], on_notice: Callable[[Any, DeckNotice], Awaitable[None]]
) -> None:
    """`on_notice(state, notice)` runs, under the tab's state lock, for each watched tab."""
    global _follower
    _follower = (state_cls, on_notice)


_PRUNE_AT = 5000  # remembered tabs before those no longer connected here are forgotten


def watch(token: str, deck_id: str) -> None:
    """The tab `token` (served by this worker) shows `deck_id` now."""
    if not token:
        return
    if len(_by_token) >= _PRUNE_AT:
        _prune()
    with _lock:
        old = _by_token.get(token)
        if old == deck_id:
            pass
        else:
            if old is not None:
                _by_deck.get(old, set()).discard(token)
            _by_token[token] = deck_id
            _by_deck.setdefault(deck_id, set()).add(token)
    _listen()


def _prune() -> None:
    """Forget tabs closed without leaving their deck (no notice came to find them gone)."""
    try:
        app = _app()
    except Exception:
        return
    for token in list(_by_token):
        if not _connected_here(app, token):
            unwatch(token)


def unwatch(token: str) -> None:
    with _lock:
        old = _by_token.pop(token, None)
        if old is not None:
            tokens = _by_deck.get(old, set())
            tokens.discard(token)
            if not tokens:
                _by_deck.pop(old, None)


def watched(deck_id: str) -> set[str]:
    with _lock:
        return set(_by_deck.get(deck_id, ()))


def _listen() -> None:
    """Start hearing notices on this loop (once per loop)."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return
    if id(loop) in _listening:
        return
    _listening.add(id(loop))
    deck_notices().listen(_on_notice)


async def _on_notice(notice: DeckNotice) -> None:
    if notice.kind == ACCESS:
        with _lock:
            tokens = set(_by_token)
    else:
        tokens = watched(notice.deck_id)
    if tokens:
        await asyncio.gather(*(_refresh(token, notice) for token in tokens))


def _app() -> Any:
    from reflex.utils.prerequisites import get_and_validate_app

    return get_and_validate_app().app


def _connected_here(app: Any, token: str) -> bool:
    manager = getattr(getattr(app, "event_namespace", None), "_token_manager", None)
    sockets = getattr(manager, "token_to_socket", None)
    if manager is None or sockets is None:
        return True  # cannot tell: try
    record = sockets.get(token)
    return record is not None and record.instance_id == manager.instance_id


async def _refresh(token: str, notice: DeckNotice) -> None:
    if _follower is None:
        return
    state_cls, on_notice = _follower
    app = _app()
    if not _connected_here(app, token):
        unwatch(token)
        return
    try:
        async with app.modify_state(rx.BaseStateToken(ident=token, cls=state_cls)) as state:
            await on_notice(await state.get_state(state_cls), notice)
    except Exception:  # one tab failing must not stop the others
        log.exception("refreshing an open tab after a deck notice failed")
