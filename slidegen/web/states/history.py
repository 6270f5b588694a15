"""The version history panel: every version with time, kind and summary; preview; restore.

Restoring never rewrites history: the store writes the old content as a new version, so
whatever was newer stays one undo (or one restore) away.
"""

from __future__ import annotations

from typing import Any, TypedDict

import reflex as rx

from slidegen.web.auth import asset_base, connection_user
from slidegen.web.states.common import blocking, store, user_message
from slidegen.web.view import format_time, slide_document

__all__ = ["HistoryState", "VersionRow"]


class VersionRow(TypedDict):
    version: int
    time: str
    kind: str
    summary: str
    actor: str


def _kind_label(kind: Any) -> str:
    value = getattr(kind, "value", kind)
    return str(value).replace("_", " ")


def _row(item: Any) -> VersionRow:
    return {
        "version": int(item.version),
        "time": format_time(getattr(item, "created_at", "")),
        "kind": _kind_label(getattr(item, "kind", "")),
        "summary": str(getattr(item, "summary", "") or ""),
        "actor": str(getattr(item, "actor", "") or ""),
    }


class HistoryState(rx.State):
    is_open: bool = False
    versions: list[VersionRow] = []
    preview_version: int = 0
    preview_docs: list[str] = []
    error: str = ""

    @rx.event
    async def toggle(self) -> None:
        self.is_open = not self.is_open
        if self.is_open:
            await self._refresh()
        else:
            self._close_preview()

    @rx.event
    async def set_open(self, value: bool) -> None:
        if value != self.is_open:
            await self.toggle()

    async def _refresh(self) -> None:
        from slidegen.store import DeckNotFoundError
        from slidegen.web.states.deck import DeckState

        user = connection_user(self)
        deck = await self.get_state(DeckState)
        if user is None or not deck.deck_id:
            self.versions = []
            return
        try:
            items = await blocking(store().list_versions, user.user_id, deck.deck_id)
        except DeckNotFoundError:
            self.versions = []
            return
        self.versions = sorted((_row(i) for i in items), key=lambda r: -r["version"])

    def _close_preview(self) -> None:
        self.preview_version = 0
        self.preview_docs = []

    @rx.event
    async def preview(self, version: int) -> None:
        from slidegen.store import DeckNotFoundError
        from slidegen.web.states.deck import DeckState

        user = connection_user(self)
        deck = await self.get_state(DeckState)
        if user is None or not deck.deck_id:
            return
        try:
            record = await blocking(
                store().get_deck, user.user_id, deck.deck_id, version=int(version)
            )
        except (DeckNotFoundError, ValueError) as error:
            self.error = user_message(error)
            return
        self.error = ""
        self.preview_version = int(version)
        self.preview_docs = [
            slide_document(record.deck, s, asset_base(self)) for s in record.deck.slides
        ]

    @rx.event
    def close_preview(self) -> None:
        self._close_preview()

    @rx.event
    async def restore(self, version: int) -> None:
        from slidegen.store import DeckNotFoundError, StaleVersionError
        from slidegen.web.states.deck import CONFLICT_MESSAGE, DeckState

        user = connection_user(self)
        deck = await self.get_state(DeckState)
        if user is None or not deck.deck_id or deck.busy:
            return
        try:
            record = await blocking(
                store().restore_version,
                user.user_id,
                deck.deck_id,
                int(version),
                base_version=deck.version,
            )
        except StaleVersionError:
            await deck._open(deck.deck_id)
            deck._say(CONFLICT_MESSAGE, error=True)
            await self._refresh()
            return
        except (DeckNotFoundError, ValueError) as error:
            self.error = user_message(error)
            return
        deck._show(record)
        deck._say(f"Restored version {version} as a new version; nothing newer was lost.")
        self._close_preview()
        await self._refresh()
