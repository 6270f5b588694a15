"""A user's own themes (`user_themes`): saved once, offered for every deck of theirs.

Every query is scoped by `owner`; another user's theme is reported like a missing one. A theme
is stored as its JSON (`Theme.to_dict`) and validated again when read, so a row that no longer
passes the rules is skipped (with a warning) instead of reaching a slide document. Ids are
`u-` plus random hex, never a built-in theme's id. A deck keeps its own copy of the theme it
uses (`Deck.theme`), so saving over or deleting a theme here changes no deck.
"""

from __future__ import annotations

import json
import logging
import secrets
from datetime import UTC, datetime

import sqlalchemy as sa

from slidegen.deck.themes import Theme, ThemeError, parse_theme
from slidegen.store.engine import write_connection
from slidegen.store.models import StoreError
from slidegen.store.tables import user_themes

__all__ = ["MAX_USER_THEMES", "ThemeNotFoundError", "UserThemesMixin", "new_theme_id"]

log = logging.getLogger("slidegen.store")

MAX_USER_THEMES = 50


class ThemeNotFoundError(StoreError, LookupError):
    """No such theme for this owner."""


def new_theme_id() -> str:
    return "u-" + secrets.token_hex(6)


def _read(row: sa.Row) -> Theme | None:
    try:
        return parse_theme(json.loads(row.content), theme_id=row.id)
    except (ThemeError, ValueError) as error:
        log.warning("user theme %s is no longer valid and is not offered: %s", row.id, error)
        return None


class UserThemesMixin:
    """The `DeckStore` methods for user themes (needs `self.engine`)."""

    engine: sa.Engine

    def list_user_themes(self, owner: str) -> list[Theme]:
        """The owner's themes by name."""
        query = (
            sa.select(user_themes)
            .where(user_themes.c.owner == owner)
            .order_by(user_themes.c.name, user_themes.c.id)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [theme for theme in map(_read, rows) if theme is not None]

    def get_user_theme(self, owner: str, theme_id: str) -> Theme:
        query = sa.select(user_themes).where(
            user_themes.c.id == theme_id, user_themes.c.owner == owner
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        theme = _read(row) if row is not None else None
        if theme is None:
            raise ThemeNotFoundError(f"theme {theme_id} not found")
        return theme

    def save_user_theme(self, owner: str, theme: Theme) -> Theme:
        """Insert the theme, or replace the owner's theme with the same id. A theme whose id is
        not one of the owner's gets a fresh id (the returned theme has the id used)."""
        if not isinstance(theme, Theme):
            raise TypeError("save_user_theme takes a Theme (see slidegen.deck.themes)")
        now = datetime.now(UTC)
        with write_connection(self.engine) as conn:
            mine = conn.execute(
                sa.select(user_themes.c.id).where(
                    user_themes.c.id == theme.id, user_themes.c.owner == owner
                )
            ).first()
            if mine is None:
                count = conn.execute(
                    sa.select(sa.func.count()).where(user_themes.c.owner == owner)
                ).scalar_one()
                if count >= MAX_USER_THEMES:
                    raise ValueError(
                        f"you have {count} saved themes, the most there may be; delete one first"
                    )
                theme = parse_theme(theme.to_dict(), theme_id=new_theme_id())
            content = json.dumps(theme.to_dict(), separators=(",", ":"))
            values = {"name": theme.name, "content": content, "updated_at": now}
            if mine is None:
                conn.execute(
                    user_themes.insert().values(id=theme.id, owner=owner, created_at=now, **values)
                )
            else:
                conn.execute(
                    user_themes.update()
                    .where(user_themes.c.id == theme.id, user_themes.c.owner == owner)
                    .values(**values)
                )
        return theme

    def delete_user_theme(self, owner: str, theme_id: str) -> None:
        with write_connection(self.engine) as conn:
            done = conn.execute(
                user_themes.delete().where(
                    user_themes.c.id == theme_id, user_themes.c.owner == owner
                )
            )
            if done.rowcount != 1:
                raise ThemeNotFoundError(f"theme {theme_id} not found")
