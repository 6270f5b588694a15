"""The version history panel: every version with time, kind and summary; preview; restore.

Restoring never rewrites history: the store writes the old content as a new version, so
whatever was newer stays one undo (or one restore) away.
"""

from __future__ import annotations

from typing import Any, TypedDict

import reflex as rx

from slidegen.service import MISSING_MESSAGE, Status
from slidegen.web.auth import asset_base
from slidegen.web.states.common import deck_service, user_message, user_of
from slidegen.web.states.deck import DeckView, when_deck_changes_elsewhere
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
        user = user_of(self)
        deck = await DeckView.of(self)
        items = await deck_service().history(user, deck.deck_id) if user and deck.deck_id else None
        self.versions = sorted((_row(i) for i in items or ()), key=lambda r: -r["version"])

    def _close_preview(self) -> None:
        self.preview_version = 0
        self.preview_docs = []

    @rx.event
    async def preview(self, version: int) -> None:
        user = user_of(self)
        deck = await DeckView.of(self)
        if user is None or not deck.deck_id:
            return
        try:
            record = await deck_service().open(user, deck.deck_id, version=int(version))
        except ValueError as error:
            self.error = user_message(error)
            return
        if record is None:
            self.error = MISSING_MESSAGE
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
        user = user_of(self)
        deck = await DeckView.of(self)
        if user is None or not deck.deck_id or deck.state.busy:
            return
        outcome = await deck_service().restore(user, deck.deck_id, int(version), deck.version)
        if outcome.status is Status.CONFLICT:
            deck.settle(outcome)
            await self._refresh()
            return
        if not outcome.saved:
            # The deck stays as shown; the panel says why nothing was restored.
            self.error = outcome.message
            return
        deck.settle(outcome)
        self._close_preview()
        await self._refresh()


@when_deck_changes_elsewhere
async def _refresh_open_history(deck_state: rx.State) -> None:
    """Someone else saved the open deck: an open history panel lists their version."""
    history = await deck_state.get_state(HistoryState)
    if history.is_open:
        await history._refresh()
