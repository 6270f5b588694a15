"""The theme picker's state: pick a theme for the open deck, save and delete one's own themes.

Picking is `ThemeService.apply_theme` (one version of kind THEME, no model call); the deck view
then shows the deck again through `DeckView.settle`, so every slide's document is rendered with
the new theme at once, and undo brings the old look back. Saving validates the form on the
server (`slidegen.deck.themes.parse_theme`: colours, local font names, a data-URI logo) and
uses the saved theme for the open deck. A logo arrives from the browser in base64 parts
(`FileSender`), is checked (`parse_logo`) and kept as a data URI until the theme is saved.
"""

from __future__ import annotations

import base64
import binascii
import logging
from typing import Any, TypedDict

import reflex as rx

from slidegen.deck.themes import (
    BUILTIN_THEMES,
    DEFAULT_THEME_ID,
    MAX_LOGO_BYTES,
    Theme,
    ThemeError,
    parse_logo,
)
from slidegen.service.themes import NO_THEME
from slidegen.web.states.common import theme_service, user_message, user_of
from slidegen.web.states.deck import DeckView

__all__ = ["LOGO_TYPES", "ThemeCard", "ThemeState"]

log = logging.getLogger("slidegen.web.themes")

# File endings of logos and their data-URI types.
LOGO_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "svg": "image/svg+xml",
    "webp": "image/webp",
}
_MAX_LOGO_PARTS = 1  # a logo is far below one part (CHUNK_BYTES)

_SERVICE = theme_service()


class ThemeCard(TypedDict):
    """What the picker shows of one theme."""

    id: str
    name: str
    bg: str
    surface: str
    text: str
    muted: str
    accent: str
    accent_2: str
    accent_3: str
    font: str
    heading_font: str
    mine: bool


def _stack(names: tuple[str, ...]) -> str:
    return ", ".join(n if "-" in n and " " not in n else f'"{n}"' for n in names)


def _card(theme: Theme) -> ThemeCard:
    return {
        "id": theme.id,
        "name": theme.name,
        "bg": theme.bg,
        "surface": theme.surface,
        "text": theme.text,
        "muted": theme.muted,
        "accent": theme.accent,
        "accent_2": theme.accent_2,
        "accent_3": theme.accent_3,
        "font": _stack(theme.font),
        "heading_font": _stack(theme.heading_font),
        "mine": theme.id not in BUILTIN_THEMES,
    }


def _form_defaults(theme: Theme) -> dict[str, str]:
    return {
        "base": theme.id,
        "name": f"My {theme.name}" if theme.builtin else theme.name,
        **{
            role: theme.colors[role][:7]
            for role in ("bg", "surface", "text", "muted", "accent", "accent_2")
        },
        "font": theme.font[0],
        "heading_font": theme.heading_font[0],
    }


class ThemeState(rx.State):
    dialog_open: bool = False
    themes: list[ThemeCard] = []
    # The open deck's theme id ("" when it has none), as the picker last showed it.
    current: str = ""
    busy: bool = False
    error: str = ""
    # The "save your own theme" form: shown or not, its starting values, the logo chosen.
    editing: bool = False
    form: dict[str, str] = _form_defaults(BUILTIN_THEMES[DEFAULT_THEME_ID])
    form_key: int = 0
    logo_name: str = ""
    logo_preview: str = ""
    _logo: str = ""

    # ------------------------------------------------------------------ opening
    async def _load(self) -> None:
        user = user_of(self)
        if user is None:
            self.themes = []
            return
        self.themes = [_card(t) for t in await _SERVICE.list_themes(user)]
        view = await DeckView.of(self)
        self.current = view.theme.id if view.theme is not None else NO_THEME

    @rx.event
    async def open_dialog(self) -> None:
        self.error = ""
        self.editing = False
        self.dialog_open = True
        await self._load()

    @rx.event
    def set_dialog_open(self, value: bool) -> None:
        self.dialog_open = bool(value) or self.busy

    # ------------------------------------------------------------------ picking
    async def _apply(self, apply: Any) -> bool:
        """Run `apply(user, deck_id, version)` (an Outcome) on the open deck and show it."""
        user = user_of(self)
        view = await DeckView.of(self)
        if user is None or not view.deck_id:
            self.error = "Open a deck first."
            return False
        if view.busy_notice():
            self.error = view.notice[0]
            return False
        self.busy = True
        try:
            outcome = await apply(user, view.deck_id, view.version)
        finally:
            self.busy = False
        saved = view.settle(outcome)
        self.current = view.theme.id if view.theme is not None else NO_THEME
        message, failed = view.notice
        self.error = message if failed else ""
        return saved

    @rx.event
    async def pick(self, theme_id: str) -> None:
        """Use theme `theme_id` (NO_THEME: none) for the open deck: one undoable version."""
        if theme_id == self.current:
            return
        await self._apply(
            lambda user, deck_id, version: _SERVICE.apply_theme(user, deck_id, version, theme_id)
        )

    # ------------------------------------------------------------------ your own themes
    @rx.event
    async def start_from(self, theme_id: str) -> None:
        """Open the form with the values of theme `theme_id`: a built-in one to start a new
        theme from, or one's own to change it."""
        user = user_of(self)
        theme = (await _SERVICE.find(user, theme_id) if user else None) or BUILTIN_THEMES[
            DEFAULT_THEME_ID
        ]
        self.form = _form_defaults(theme)
        self.form_key += 1  # the form's inputs take their new default values
        self._logo = self.logo_preview = theme.logo
        self.logo_name = "current logo" if theme.logo else ""
        self.error = ""
        self.editing = True

    @rx.event
    def cancel_edit(self) -> None:
        self.editing = False
        self.error = ""

    @rx.event
    async def save(self, form: dict[str, Any]) -> None:
        """Save the form as one's own theme and use it for the open deck."""
        user = user_of(self)
        if user is None:
            self.error = "You are not signed in."
            return
        base_id = str(self.form.get("base") or DEFAULT_THEME_ID)
        base = await _SERVICE.find(user, base_id) or BUILTIN_THEMES[DEFAULT_THEME_ID]
        fonts = [str(form.get("custom_font") or "").strip(), str(form.get("font") or "")]
        data = {
            **base.to_dict(),
            # One's own theme is saved over; a built-in one is the start of a new theme.
            "id": "" if base.builtin else base.id,
            "name": str(form.get("name") or ""),
            "colors": {
                role: str(form.get(role) or "")
                for role in ("bg", "surface", "text", "muted", "accent", "accent_2")
            },
            "palette": [],
            "font": [f for f in fonts if f] + list(base.font),
            "heading_font": [str(form.get("heading_font") or ""), *list(base.heading_font)],
            "logo": self._logo,
        }
        data["font"] = list(dict.fromkeys(data["font"]))[:5]
        data["heading_font"] = list(dict.fromkeys(f for f in data["heading_font"] if f))[:5]
        try:
            theme = await _SERVICE.save_theme(user, data)
        except (ThemeError, ValueError) as error:
            self.error = user_message(error)
            return
        log.info("user theme saved", extra={"theme_id": theme.id})
        self.editing = False
        self.error = ""
        await self._load()
        await self._apply(
            lambda who, deck_id, version: _SERVICE.apply_to(
                who, deck_id, version, theme, f"Theme: {theme.name}"
            )
        )

    @rx.event
    async def delete(self, theme_id: str) -> None:
        """Delete one of one's own themes (decks using it keep their copy)."""
        user = user_of(self)
        if user is None or theme_id in BUILTIN_THEMES:
            return
        if not await _SERVICE.delete_theme(user, theme_id):
            self.error = "That theme no longer exists."
        await self._load()

    # ------------------------------------------------------------------ the logo
    @rx.event
    def receive_logo(self, name: str, index: int, total: int, data: str) -> None:
        """The chosen logo file (one part: see `FileSender`), checked and kept as a data URI."""
        ending = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if index != 0 or total != _MAX_LOGO_PARTS or ending not in LOGO_TYPES:
            self.error = "Choose one PNG, JPEG, SVG or WebP image as the logo."
            return
        try:
            raw = base64.b64decode(data, validate=True)
            uri = parse_logo(f"data:{LOGO_TYPES[ending]};base64,{base64.b64encode(raw).decode()}")
        except (binascii.Error, ThemeError) as error:
            self.error = user_message(error) if isinstance(error, ThemeError) else (
                "The logo did not arrive whole: choose it again."
            )  # fmt: skip
            return
        self._logo, self.logo_preview, self.logo_name = uri, uri, name[:80]
        self.error = ""

    @rx.event
    def logo_rejected(self, name: str, reason: str) -> None:
        if reason == "size":
            self.error = f"The logo is larger than {MAX_LOGO_BYTES // 1000} KB."
        else:
            self.error = "Choose one PNG, JPEG, SVG or WebP image as the logo."

    @rx.event
    def clear_logo(self) -> None:
        self._logo, self.logo_preview, self.logo_name = "", "", ""
