"""Edit one slide's HTML: live preview and validation while typing, saved only when valid.

The draft is validated with the same parser the agent's output goes through
(`parse_single_slide`): it must be exactly one slide. Invalid HTML is refused with the parser's
message and nothing is saved. The preview is the draft rendered as the slide panel renders it.
The source opens indented (`indented_source`: only whitespace HTML ignores is added). The code
editor is uncontrolled (typing never waits for the server); its text reaches the server
debounced for the preview, and with the form on Save, so Save always saves what is on screen.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from slidegen.web.auth import asset_base, connection_user
from slidegen.web.states.common import blocking, store, user_message

__all__ = ["EditorState"]


class EditorState(rx.State):
    is_open: bool = False
    slide_id: str = ""
    number: int = 0
    source: str = ""
    preview: str = ""
    error: str = ""
    # Bumped on every open so React remounts the uncontrolled editor with the new source.
    generation: int = 0
    _styles_deck: str = ""

    @rx.event
    async def start(self, slide_id: str) -> None:
        from slidegen.store import DeckNotFoundError
        from slidegen.web.source_format import indented_source
        from slidegen.web.states.deck import DeckState
        from slidegen.web.view import slide_document

        user = connection_user(self)
        deck_state = await self.get_state(DeckState)
        if user is None or slide_id not in deck_state.order:
            return
        try:
            record = await blocking(store().get_deck, user.user_id, deck_state.deck_id)
            slide = record.deck.slide(slide_id)
        except (DeckNotFoundError, KeyError):
            return
        self.slide_id = slide_id
        self.number = deck_state.order.index(slide_id) + 1
        self.source = indented_source(slide)
        self.preview = slide_document(record.deck, slide, asset_base(self))
        self.error = ""
        self.generation += 1
        self.is_open = True

    async def _validate(self, html: str) -> Any:
        """The parsed slide, or None with `error` set to the parser's message."""
        from slidegen.deck import DeckParseError, parse_single_slide

        try:
            slide = await blocking(parse_single_slide, html, keep_id=self.slide_id)
        except (DeckParseError, ValueError) as error:
            self.error = user_message(error)
            return None
        self.error = ""
        return slide

    @rx.event
    async def change(self, html: str) -> None:
        """Validate the draft and refresh the preview (debounced by the page)."""
        from slidegen.store import DeckNotFoundError
        from slidegen.web.states.deck import DeckState
        from slidegen.web.view import slide_document

        if not self.is_open:
            return
        slide = await self._validate(html)
        if slide is None:
            return
        user = connection_user(self)
        deck_state = await self.get_state(DeckState)
        if user is None:
            return
        try:
            record = await blocking(store().get_deck, user.user_id, deck_state.deck_id)
        except DeckNotFoundError:
            return
        self.preview = slide_document(record.deck, slide, asset_base(self))

    @rx.event
    async def save(self, form: dict[str, Any]) -> None:
        from slidegen.deck import edit_slide_html
        from slidegen.web.states.deck import DeckState

        html = str(form.get("html", ""))
        if await self._validate(html) is None:
            return  # refused: the message stays under the editor, nothing is saved
        deck_state = await self.get_state(DeckState)
        slide_id = self.slide_id
        ok = await deck_state._change(
            lambda d: edit_slide_html(d, slide_id, html),
            "manual_edit",
            f"Edited the HTML of slide {self.number}",
        )
        if ok:
            self.is_open = False
        elif deck_state.notice_error:
            self.error = deck_state.notice

    @rx.event
    def cancel(self) -> None:
        self.is_open = False
        self.error = ""

    @rx.event
    def set_open(self, value: bool) -> None:
        if not value:
            self.cancel()
