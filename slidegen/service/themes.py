"""Themes as a user works with them: the ones they can pick, their own saved themes, and a
deck's theme switch as one undoable version.

The themes offered are the built-in ones (`slidegen.deck.themes.BUILTIN_THEMES`) followed by
the user's own (`DeckStore.list_user_themes`, owner-scoped). A switch is the pure operation
`slidegen.deck.set_theme` applied through `DeckService.apply` with `ChangeKind.THEME`: one new
version holding the same slides with another theme, so undo brings the old look back and no
model is called. The deck keeps a copy of the theme, so a saved theme deleted later leaves
every deck as it was.

One user keeps at most `MAX_THEMES_PER_USER` saved themes: saving a new one past it raises
`LimitReached` (a `ValueError`, shown as the theme editor and MCP show any refusal) and saves
nothing; saving over one of one's own themes is always allowed. The store's own cap
(`MAX_USER_THEMES`) holds whatever the setting says.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from slidegen.config import Settings, get_settings
from slidegen.deck import set_theme
from slidegen.deck.themes import BUILTIN_THEMES, Theme, ThemeError, parse_theme
from slidegen.service.access import User
from slidegen.service.decks import (
    DeckService,
    LimitReached,
    Outcome,
    Status,
    Unchanged,
    counted,
    owner_lock,
)
from slidegen.service.threads import run_blocking
from slidegen.store import ChangeKind, DeckStore, ThemeNotFoundError

__all__ = ["NO_THEME", "LimitReached", "ThemeError", "ThemeService"]

# The picker's value for "no theme": the deck's own CSS only.
NO_THEME = ""
_THEME_LIMIT = (
    "You already have {count}, the most one user may keep: delete one you no longer use, or "
    "save over one of your own."
)


class ThemeService:
    """Theme operations on the store that `store` returns; deck switches through `decks`;
    `settings` gives the per-user limit (read at each save)."""

    def __init__(
        self,
        decks: DeckService,
        store: Callable[[], DeckStore],
        settings: Callable[[], Settings] = get_settings,
    ) -> None:
        self._decks = decks
        self._store = store
        self._settings = settings

    async def list_themes(self, owner: User) -> list[Theme]:
        """Every theme `owner` can pick: the built-in ones, then their own by name."""
        mine = await run_blocking(self._store().list_user_themes, _checked(owner))
        return [*BUILTIN_THEMES.values(), *mine]

    async def find(self, owner: User, theme_id: str) -> Theme | None:
        """A built-in theme or one of the owner's by id; None when there is none."""
        if theme_id in BUILTIN_THEMES:
            return BUILTIN_THEMES[theme_id]

        def read() -> Theme | None:
            try:
                return self._store().get_user_theme(owner, theme_id)
            except ThemeNotFoundError:
                return None

        owner = _checked(owner)
        return await run_blocking(read)

    async def save_theme(self, owner: User, data: Mapping[str, Any]) -> Theme:
        """Validate `data` (`Theme.to_dict` shape) and save it as the owner's theme: the one
        with the same `id` if it is theirs, else a new one. `ThemeError` (a `ValueError`) says
        what is wrong; nothing is saved then."""
        owner = _checked(owner)
        # A built-in theme's id (a user saving a changed copy of one) or none: a new theme.
        theme_id = str(data.get("id") or "")
        theme = parse_theme(
            data, theme_id="u-new" if theme_id in ("", *BUILTIN_THEMES) else theme_id
        )
        limit = self._settings().max_themes_per_user

        def save() -> Theme:
            store = self._store()
            with owner_lock(owner):
                mine = store.list_user_themes(owner)
                # The store saves over the owner's theme of that id, else adds a new one.
                if theme.id not in {t.id for t in mine} and len(mine) >= limit:
                    raise LimitReached(_THEME_LIMIT.format(count=counted(len(mine), "saved theme")))
                return store.save_user_theme(owner, theme)

        return await run_blocking(save)

    async def delete_theme(self, owner: User, theme_id: str) -> bool:
        """Delete one of the owner's themes; False when it is not theirs (decks using it keep
        their copy)."""

        def delete() -> bool:
            try:
                self._store().delete_user_theme(owner, theme_id)
            except ThemeNotFoundError:
                return False
            return True

        owner = _checked(owner)
        return await run_blocking(delete)

    async def apply_theme(
        self, user: User, deck_id: str, base_version: int, theme_id: str
    ) -> Outcome:
        """Switch the deck to theme `theme_id` (`NO_THEME`: none; one of the user's own themes
        works on a deck shared with them to edit) as one new version of kind THEME; UNCHANGED
        when the deck already looks like that."""
        if theme_id == NO_THEME:
            theme, summary = None, "Removed the theme"
        else:
            theme = await self.find(user, theme_id)
            if theme is None:
                return Outcome(Status.REFUSED, message="That theme no longer exists.", error=True)
            summary = f"Theme: {theme.name}"
        return await self.apply_to(user, deck_id, base_version, theme, summary)

    async def apply_to(
        self, user: User, deck_id: str, base_version: int, theme: Theme | None, summary: str
    ) -> Outcome:
        """Switch the deck to `theme` itself (e.g. a theme being edited, before it is saved)."""

        def switch(deck: Any) -> Any:
            if deck.theme == theme:
                raise Unchanged
            return set_theme(deck, theme)

        return await self._decks.apply(
            user, deck_id, base_version, switch, ChangeKind.THEME, summary
        )


def _checked(user: User) -> str:
    """The user id that owns one's own themes (a `UserContext` or the id itself)."""
    owner = user if isinstance(user, str) else getattr(user, "user_id", None)
    if not isinstance(owner, str) or not owner.strip():
        raise PermissionError("no signed-in user")
    return owner
