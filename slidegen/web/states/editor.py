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

from slidegen.web.auth import asset_base
from slidegen.web.states.common import blocking, deck_service, user_message, user_of
from slidegen.web.states.deck import DeckView

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
        from slidegen.web.source_format import indented_source
        from slidegen.web.view import slide_document

        user = user_of(self)
        deck = await DeckView.of(self)
        if user is None or not deck.number_of(slide_id):
            return
        record = await deck_service().open(user, deck.deck_id)
        if record is None or slide_id not in record.deck.slide_ids:
            return
        slide = record.deck.slide(slide_id)
        self.slide_id = slide_id
        self.number = deck.number_of(slide_id)
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
        from slidegen.web.view import slide_document

        if not self.is_open:
            return
        slide = await self._validate(html)
        if slide is None:
            return
        user = user_of(self)
        if user is None:
            return
        record = await deck_service().open(user, (await DeckView.of(self)).deck_id)
        if record is None:
            return
        self.preview = slide_document(record.deck, slide, asset_base(self))

    @rx.event
    async def save(self, form: dict[str, Any]) -> None:
        from slidegen.deck import edit_slide_html

        html = str(form.get("html", ""))
        if await self._validate(html) is None:
            return  # refused: the message stays under the editor, nothing is saved
        deck = await DeckView.of(self)
        slide_id = self.slide_id
        ok = await deck.change(
            lambda d: edit_slide_html(d, slide_id, html),
            "manual_edit",
            f"Edited the HTML of slide {self.number}",
        )
        notice, failed = deck.notice
        if ok:
            self.is_open = False
        elif failed:
            self.error = notice

    @rx.event
    def cancel(self) -> None:
        self.is_open = False
        self.error = ""

    @rx.event
    def set_open(self, value: bool) -> None:
        if not value:
            self.cancel()
