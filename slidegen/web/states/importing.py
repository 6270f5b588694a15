"""The import dialog's state: an uploaded .html file or pasted HTML becomes a new deck.

The work is `slidegen.deck.importing` (parse, check, report); this state only moves bytes in,
saves the new deck (version 1, change kind "import") and shows the report. A file arrives in
base64 parts over the websocket (`FileSender`, up to `MAX_IMPORT_BYTES`); pasted text comes
with the form's event, in one websocket message, which Reflex caps at 1 MB, hence the smaller
paste limit.
"""

from __future__ import annotations

import base64
import binascii
import logging
import math
from typing import Any

import reflex as rx

from slidegen.deck.importing import MAX_IMPORT_BYTES
from slidegen.web.auth import connection_user
from slidegen.web.components.file_sender import CHUNK_BYTES
from slidegen.web.states.common import blocking, deck_service, user_message

__all__ = ["MAX_PASTE_CHARS", "ImportState"]

log = logging.getLogger(__name__)

# Characters a paste may have: three bytes each at worst stays under the websocket's 1 MB.
MAX_PASTE_CHARS = 300_000
_MAX_PARTS = math.ceil(MAX_IMPORT_BYTES / CHUNK_BYTES)


class ImportState(rx.State):
    # Parts of the file being received (backend only: never sent to the browser).
    _parts: list[bytes] = []
    dialog_open: bool = False
    busy: bool = False
    error: str = ""
    imported_title: str = ""
    kept: list[str] = []
    removed: list[str] = []

    def _reset_dialog(self) -> None:
        self.busy = False
        self.error = ""
        self.imported_title = ""
        self.kept = []
        self.removed = []

    @rx.event
    def open_dialog(self) -> None:
        self._reset_dialog()
        self.dialog_open = True

    @rx.event
    def set_dialog_open(self, value: bool) -> None:
        if not value and self.busy:
            return  # the import finishes first: its result must not land in a closed dialog
        self.dialog_open = value
        if not value:
            self._reset_dialog()

    @rx.event
    async def receive_chunk(self, name: str, index: int, total: int, data: str) -> None:
        """One part of a file the browser sends (see `FileSender`), in order; the last one
        imports the file."""
        from slidegen.deck.importing import DeckImportError, read_deck_file

        if index == 0:
            self._reset_dialog()
            self._parts = []
            self.busy = True
        if not self.busy or index != len(self._parts) or not 0 < total <= _MAX_PARTS:
            self._parts = []
            self._fail("The file did not arrive whole: choose it again.")
            return
        try:
            self._parts.append(base64.b64decode(data, validate=True))
        except binascii.Error:
            self._parts = []
            self._fail("The file did not arrive whole: choose it again.")
            return
        if len(self._parts) < total:
            return
        content, self._parts = b"".join(self._parts), []
        try:
            imported = await blocking(read_deck_file, name, content)
        except DeckImportError as error:
            self._fail(user_message(error))
            return
        await self._save(imported)

    @rx.event
    def file_rejected(self, name: str, reason: str) -> None:
        """The browser refused the file (wrong type, too large, several) before sending it."""
        label = name or "The file"
        if reason == "size":
            self._fail(
                f"{label} is larger than {MAX_IMPORT_BYTES // 1_000_000} MB, the limit for "
                "an import."
            )
        elif reason == "many":
            self._fail("Drop one file at a time.")
        else:
            self._fail(f"{label} is not an HTML file: choose a .html file.")

    @rx.event
    async def import_pasted(self, form: dict[str, Any]) -> None:
        from slidegen.deck.importing import DeckImportError, read_pasted_deck

        text = str(form.get("html", ""))
        if len(text) >= MAX_PASTE_CHARS:
            self._fail(
                f"The paste box holds at most {MAX_PASTE_CHARS:,} characters and your HTML was "
                "cut there: save it as a .html file and upload that instead."
            )
            return
        try:
            imported = await blocking(read_pasted_deck, text)
        except DeckImportError as error:
            self._fail(user_message(error))
            return
        await self._save(imported)

    def _fail(self, message: str) -> None:
        self.busy = False
        self.error = message
        self.imported_title = ""

    async def _save(self, imported: Any) -> None:
        from slidegen.web.states.deck import DeckState
        from slidegen.web.states.session import show_created_deck

        user = connection_user(self)
        if user is None:
            self._fail("You are not signed in.")
            return
        deck_state = await self.get_state(DeckState)
        if deck_state.busy:
            self._fail("The assistant is still writing the open deck: wait for it or press Stop.")
            return
        self.busy = True
        try:
            record = await deck_service().create(
                user.user_id,
                imported.title,
                styles=imported.styles,
                slides=imported.slides,
                imported_from=imported.source,
            )
        except ValueError as error:  # a deck limit the parser does not know of
            self._fail(user_message(error))
            return
        log.info(
            "deck imported",
            extra={"deck_id": record.deck.id, "slides": len(imported.slides)},
        )
        self.busy = False
        self.error = ""
        self.imported_title = record.deck.title
        self.kept = imported.kept
        self.removed = imported.removed
        await show_created_deck(self, record.deck.id)
