"""Presenter mode (`/present/<deck>`): one slide at a time, scaled to the screen.

The slide documents are sent once on load; moving between slides changes only `index`, and the
single iframe's `srcdoc` is the current document, so each slide (and its charts' animation)
starts fresh when shown.
"""

from __future__ import annotations

import reflex as rx

from slidegen.web.auth import asset_base
from slidegen.web.states.common import deck_service, user_of
from slidegen.web.view import slide_document

__all__ = ["PresentState"]


class PresentState(rx.State):
    presenting: str = ""
    title: str = ""
    docs: list[str] = []
    index: int = 0
    missing: bool = False

    @rx.var
    def count(self) -> int:
        return len(self.docs)

    @rx.var
    def current(self) -> str:
        return self.docs[self.index] if 0 <= self.index < len(self.docs) else ""

    @rx.event
    async def on_load(self) -> None:
        # The route is /present/<deck>; the path is the one source that needs no route-arg var.
        deck_id = self.router.url.path.rstrip("/").rsplit("/", 1)[-1]
        user = user_of(self)
        self.missing = False
        record = await deck_service().open(user, deck_id) if user and deck_id else None
        if record is None:
            self._empty(missing=True)
            return
        deck = record.deck
        self.presenting = deck.id
        self.title = deck.title
        self.docs = [slide_document(deck, s, asset_base(self)) for s in deck.slides]
        start = self.router.url.query_parameters.get("slide", "")
        valid = str(start).isdigit() and 0 < int(start) <= len(deck.slides)
        self.index = int(start) - 1 if valid else 0

    def _empty(self, *, missing: bool) -> None:
        self.presenting, self.title, self.docs, self.index = "", "", [], 0
        self.missing = missing

    @rx.event
    def next(self) -> None:
        if self.index < len(self.docs) - 1:
            self.index += 1

    @rx.event
    def prev(self) -> None:
        if self.index > 0:
            self.index -= 1

    @rx.event
    def first(self) -> None:
        self.index = 0

    @rx.event
    def last(self) -> None:
        self.index = max(0, len(self.docs) - 1)

    @rx.event
    def leave(self) -> rx.event.EventSpec:
        return rx.redirect(f"/?deck={self.presenting}" if self.presenting else "/")
