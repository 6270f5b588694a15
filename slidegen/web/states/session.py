"""The signed-in user, their list of decks and the deck switcher's actions.

`on_load` (the main page's load event, also run after every reconnect) takes the user from the
websocket connection's headers, lists that user's decks from the store and opens one: the deck
named in the URL (`?deck=`), else the one this tab had open, else the most recent, else a new
one. So a reload, a second tab or a restarted process shows the same deck. Decks others share
with the user are listed apart ("Shared with me", with the owner and the level) and open the
same way; a deck named in the URL opens if the user may see it.
"""

from __future__ import annotations

import logging
from typing import Any, TypedDict

import reflex as rx

from slidegen.service.decks import LimitReached
from slidegen.web.auth import connection_user
from slidegen.web.states.common import blocking, deck_service, owner_of, user_message, user_of
from slidegen.web.states.deck import DeckView, when_deck_list_changes
from slidegen.web.view import format_time

__all__ = ["DeckSummary", "SessionState", "SharedSummary", "show_created_deck"]

log = logging.getLogger("slidegen.web.session")

NEW_DECK_TITLE = "Untitled deck"


class DeckSummary(TypedDict):
    id: str
    title: str
    updated: str
    slides: int


class SharedSummary(TypedDict):
    id: str
    title: str
    updated: str
    slides: int
    owner: str
    level: str


def _shared(item: Any) -> SharedSummary:
    return {
        **_summary(item.summary),
        "owner": str(item.owner_name),
        "level": str(item.level.value),
    }


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
    shared: list[SharedSummary] = []
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
        user = connection_user(self)
        self.checked = True
        deck = await DeckView.of(self)
        if user is None:
            self.signed_in = False
            self.decks = []
            await deck.open("")
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
        wanted = self.router.url.query_parameters.get("deck", "") or deck.deck_id
        ids = [d["id"] for d in self.decks]
        if wanted and wanted not in ids and await deck.open(wanted):
            return  # a deck shared with this user (the service checked)
        if wanted not in ids:
            wanted = ids[0] if ids else ""
        if not wanted:
            await self._create(NEW_DECK_TITLE)
            return
        await deck.open(wanted)

    async def _refresh_decks(self) -> None:
        user = user_of(self)
        if user is None:
            self.decks, self.shared = [], []
            return
        summaries = [_summary(i) for i in await deck_service().list_decks(user)]
        if summaries != self.decks:
            self.decks = summaries
        shared = [_shared(i) for i in await deck_service().shared_decks(user)]
        if shared != self.shared:
            self.shared = shared

    async def _create(self, title: str) -> None:
        owner = owner_of(self)
        if owner is None:
            return
        try:
            record = await deck_service().create(owner, title)
        except LimitReached as refused:
            self.error = user_message(refused)
            return
        self.error = ""
        await self._refresh_decks()
        await (await DeckView.of(self)).open(record.deck.id)

    async def _busy(self) -> bool:
        """A turn is writing into the open deck: switching or deleting decks waits for it."""
        return (await DeckView.of(self)).busy_notice()

    @rx.event
    async def new_deck(self) -> None:
        if await self._busy():
            return
        self._forget_deleted()
        await self._create(NEW_DECK_TITLE)

    @rx.event
    async def open_deck(self, deck_id: str) -> None:
        deck = await DeckView.of(self)
        if deck.state.busy or deck_id == deck.deck_id:
            return
        await deck.open(deck_id)

    @rx.event
    async def duplicate_deck(self, deck_id: str) -> None:
        owner = owner_of(self)
        if owner is None or await self._busy():
            return
        try:
            record = await deck_service().duplicate_deck(user_of(self) or owner, deck_id)
        except LimitReached as refused:
            self.error = user_message(refused)
            return
        self.error = ""
        if record is not None:
            await show_created_deck(self, record.deck.id)

    @rx.event
    async def delete_deck(self, deck_id: str) -> None:
        owner = owner_of(self)
        if owner is None or await self._busy():
            return
        title = next((d["title"] for d in self.decks if d["id"] == deck_id), "")
        if not await deck_service().delete_deck(owner, deck_id):
            return
        self.deleted_id, self.deleted_title = deck_id, title
        await self._refresh_decks()
        deck = await DeckView.of(self)
        if deck.deck_id == deck_id:
            if self.decks:
                await deck.open(self.decks[0]["id"])
            else:
                await self._create(NEW_DECK_TITLE)

    @rx.event
    async def undo_delete(self) -> None:
        owner = owner_of(self)
        if owner is None or not self.deleted_id or await self._busy():
            return
        deck_id = self.deleted_id
        try:
            restored = await deck_service().undelete_deck(owner, deck_id)
        except LimitReached as refused:  # it stays in the trash, offered back still
            self.error = user_message(refused)
            return
        self.error = ""
        self._forget_deleted()
        if not restored:
            return
        await self._refresh_decks()
        await (await DeckView.of(self)).open(deck_id)

    @rx.event
    def dismiss_deleted(self) -> None:
        self._forget_deleted()

    def _forget_deleted(self) -> None:
        if self.deleted_id:
            self.deleted_id, self.deleted_title = "", ""


async def show_created_deck(state: rx.State, deck_id: str) -> None:
    """A deck just made (a copy, an import) joins the deck list and is opened in this tab; the
    "Undo delete" offer ends, as after any other deck action."""
    session = await state.get_state(SessionState)
    session._forget_deleted()
    await session._refresh_decks()
    await (await DeckView.of(state)).open(deck_id)


@when_deck_list_changes
async def _refresh_deck_list(deck_state: rx.State) -> None:
    """A rename shows in the deck switcher at once."""
    await (await deck_state.get_state(SessionState))._refresh_decks()


def _storage_notice() -> str:
    """One line for the header when decks would not survive a restart, else ""."""
    from slidegen.config import get_settings
    from slidegen.store.durability import storage_info

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
    from slidegen.export import pdf_available

    return bool(pdf_available())
