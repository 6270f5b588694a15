"""The signed-in user, their list of decks and the deck switcher's actions.

`on_load` (the main page's load event, also run after every reconnect) takes the user from the
websocket connection's headers, lists that user's decks from the store and opens one: the deck
named in the URL (`?deck=`), else the one this tab had open, else the most recent, else a new
one. So a reload, a second tab or a restarted process shows the same deck.
"""

from __future__ import annotations

import logging
from typing import Any, TypedDict

import reflex as rx

from slidegen.web.auth import connection_user
from slidegen.web.states.common import blocking, store, user_message
from slidegen.web.view import format_time

__all__ = ["DeckSummary", "SessionState"]

log = logging.getLogger("slidegen.web.session")

NEW_DECK_TITLE = "Untitled deck"


class DeckSummary(TypedDict):
    id: str
    title: str
    updated: str
    slides: int


def _summary(item: Any) -> DeckSummary:
    return {
        "id": str(item.id),
        "title": str(item.title),
        "updated": format_time(getattr(item, "updated_at", "")),
        "slides": int(getattr(item, "slide_count", 0) or 0),
    }


class SessionState(rx.State):
    signed_in: bool = False
    checked: bool = False
    user_name: str = ""
    user_email: str = ""
    decks: list[DeckSummary] = []
    storage_notice: str = ""
    pdf_available: bool = False
    # The last deleted deck, offered back by "Undo delete" until another deck action.
    deleted_id: str = ""
    deleted_title: str = ""
    error: str = ""
    # The user this tab's view was built for (see slidegen.web.guard.OwnerGuard).
    _owner: str = ""

    @rx.event
    async def on_load(self) -> None:
        from slidegen.web.states.deck import DeckState

        user = connection_user(self)
        self.checked = True
        if user is None:
            self.signed_in = False
            self.decks = []
            await (await self.get_state(DeckState))._open("")
            return
        self.signed_in = True
        self.user_name = user.display_name
        self.user_email = user.email
        self.storage_notice = await blocking(_storage_notice)
        self.pdf_available = await blocking(_pdf_available)
        try:
            await self._refresh_decks()
        except Exception as error:  # the store is down: say so instead of a blank page
            log.exception("listing decks failed")
            self.error = f"Could not load your decks ({user_message(error)}). Reload to retry."
            return
        self.error = ""
        deck = await self.get_state(DeckState)
        wanted = self.router.url.query_parameters.get("deck", "") or deck.deck_id
        ids = [d["id"] for d in self.decks]
        if wanted not in ids:
            wanted = ids[0] if ids else ""
        if not wanted:
            await self._create(NEW_DECK_TITLE)
            return
        await deck._open(wanted)

    async def _refresh_decks(self) -> None:
        user = connection_user(self)
        if user is None:
            self.decks = []
            return
        items = await blocking(store().list_decks, user.user_id)
        summaries = [_summary(i) for i in items]
        if summaries != self.decks:
            self.decks = summaries

    async def _create(self, title: str) -> None:
        from slidegen.web.states.deck import DeckState

        user = connection_user(self)
        if user is None:
            return
        record = await blocking(store().create_deck, user.user_id, title)
        await self._refresh_decks()
        await (await self.get_state(DeckState))._open(record.deck.id)

    async def _busy(self) -> bool:
        """A turn is writing into the open deck: switching or deleting decks waits for it."""
        from slidegen.web.states.deck import DeckState

        deck = await self.get_state(DeckState)
        if deck.busy:
            deck._say("The assistant is still writing this deck: wait for it or press Stop.")
        return bool(deck.busy)

    @rx.event
    async def new_deck(self) -> None:
        if await self._busy():
            return
        self._forget_deleted()
        await self._create(NEW_DECK_TITLE)

    @rx.event
    async def open_deck(self, deck_id: str) -> None:
        from slidegen.web.states.deck import DeckState

        deck = await self.get_state(DeckState)
        if deck.busy or deck_id == deck.deck_id:
            return
        await deck._open(deck_id)

    @rx.event
    async def duplicate_deck(self, deck_id: str) -> None:
        from slidegen.store import DeckNotFoundError
        from slidegen.web.states.deck import DeckState

        user = connection_user(self)
        if user is None or await self._busy():
            return
        try:
            record = await blocking(store().duplicate_deck, user.user_id, deck_id)
        except DeckNotFoundError:
            return
        self._forget_deleted()
        await self._refresh_decks()
        await (await self.get_state(DeckState))._open(record.deck.id)

    @rx.event
    async def delete_deck(self, deck_id: str) -> None:
        from slidegen.store import DeckNotFoundError
        from slidegen.web.states.deck import DeckState

        user = connection_user(self)
        if user is None or await self._busy():
            return
        title = next((d["title"] for d in self.decks if d["id"] == deck_id), "")
        try:
            await blocking(store().delete_deck, user.user_id, deck_id)
        except DeckNotFoundError:
            return
        self.deleted_id, self.deleted_title = deck_id, title
        await self._refresh_decks()
        deck = await self.get_state(DeckState)
        if deck.deck_id == deck_id:
            if self.decks:
                await deck._open(self.decks[0]["id"])
            else:
                await self._create(NEW_DECK_TITLE)

    @rx.event
    async def undo_delete(self) -> None:
        from slidegen.store import DeckNotFoundError
        from slidegen.web.states.deck import DeckState

        user = connection_user(self)
        if user is None or not self.deleted_id or await self._busy():
            return
        deck_id = self.deleted_id
        try:
            await blocking(store().undelete_deck, user.user_id, deck_id)
        except DeckNotFoundError:
            self._forget_deleted()
            return
        self._forget_deleted()
        await self._refresh_decks()
        await (await self.get_state(DeckState))._open(deck_id)

    @rx.event
    def dismiss_deleted(self) -> None:
        self._forget_deleted()

    def _forget_deleted(self) -> None:
        if self.deleted_id:
            self.deleted_id, self.deleted_title = "", ""


def _storage_notice() -> str:
    """One line for the header when decks would not survive a restart, else ""."""
    from slidegen.config import get_settings

    try:
        from slidegen.store.durability import storage_info
    except ImportError:
        return ""
    info = storage_info(get_settings())
    if info.get("durable", True):
        return ""
    return str(
        info.get("warning")
        or info.get("message")
        or "Decks are stored on this app's local disk and are lost on restart or "
        "redeploy: configure a database (Lakebase) to keep them."
    )


def _pdf_available() -> bool:
    try:
        from slidegen.export import pdf_available
    except ImportError:
        return False
    return bool(pdf_available())
