"""Table definitions (SQLAlchemy Core) for decks, their versions and chat messages.

The migrations in `migrations/versions/` create exactly these tables; a test compares them.
Tables carry no schema name: a PostgreSQL schema is selected per connection (`search_path`,
see `engine.py`), so the same definitions serve SQLite, PostgreSQL and Lakebase.

`deck_versions` is append-only: one row per change, whose `content` lists the deck's pieces
(`content_format = "refs+zlib"`): each slide and the shared CSS are stored once per deck in
`deck_blobs`, content-addressed by SHA-256 (see `content.py`). A one-slide edit of a 200-slide
deck adds that slide and a ~1 KB list; a reorder or an undo adds only the list. Reading a
version is one primary-key lookup plus one `IN` query for the pieces (bench/b7_large_decks.py).
`owner` is repeated on every version row so that every query can filter by it directly.

`deck_grants` shares a deck with a user (e-mail, lower-case) or a group (display name) as viewer
or editor; queries for a reader who is not the owner filter through it (`store.py`).

`user_themes` holds each user's own themes (`store/themes.py`).
"""

from __future__ import annotations

import sqlalchemy as sa

__all__ = [
    "chat_messages",
    "deck_blobs",
    "deck_grants",
    "deck_versions",
    "decks",
    "metadata",
    "user_themes",
]

metadata = sa.MetaData()

_ID = sa.String(32)
_OWNER = sa.String(255)
_TS = sa.DateTime(timezone=True)

decks = sa.Table(
    "decks",
    metadata,
    sa.Column("id", _ID, primary_key=True),
    sa.Column("owner", _OWNER, nullable=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("head_version", sa.Integer, nullable=False),
    sa.Column("slide_count", sa.Integer, nullable=False),
    sa.Column("created_at", _TS, nullable=False),
    sa.Column("updated_at", _TS, nullable=False),
    sa.Column("deleted_at", _TS, nullable=True),
    sa.Index("ix_decks_owner_updated", "owner", "updated_at"),
)

deck_versions = sa.Table(
    "deck_versions",
    metadata,
    sa.Column("deck_id", _ID, sa.ForeignKey("decks.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("owner", _OWNER, nullable=False),
    sa.Column("created_at", _TS, nullable=False),
    sa.Column("actor", _OWNER, nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("summary", sa.String(500), nullable=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("slide_count", sa.Integer, nullable=False),
    # Undo/redo pointers (versions of the same deck); see store.py for the semantics.
    sa.Column("undo_to", sa.Integer, nullable=True),
    sa.Column("redo_to", sa.Integer, nullable=True),
    sa.Column("content_format", sa.String(16), nullable=False),
    sa.Column("content", sa.LargeBinary, nullable=False),
)


def _serial_id() -> sa.Column:
    """A 64-bit auto-increment `id` primary key; INTEGER on SQLite, where only an INTEGER
    PRIMARY KEY is the rowid that auto-increments."""
    return sa.Column(
        "id",
        sa.BigInteger().with_variant(sa.Integer, "sqlite"),
        primary_key=True,
        autoincrement=True,
    )


deck_blobs = sa.Table(
    "deck_blobs",
    metadata,
    _serial_id(),
    sa.Column("deck_id", _ID, sa.ForeignKey("decks.id", ondelete="CASCADE"), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("content", sa.LargeBinary, nullable=False),
    sa.UniqueConstraint("deck_id", "sha256", name="uq_deck_blobs_deck_sha256"),
    # Ids are never reused after a purge (SQLite would otherwise hand out the highest again).
    sqlite_autoincrement=True,
)

chat_messages = sa.Table(
    "chat_messages",
    metadata,
    _serial_id(),
    sa.Column("deck_id", _ID, sa.ForeignKey("decks.id", ondelete="CASCADE"), nullable=False),
    sa.Column("owner", _OWNER, nullable=False),
    sa.Column("created_at", _TS, nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("content", sa.Text, nullable=False),
    sa.Column("trace_id", sa.String(128), nullable=True),
    sa.Column("meta", sa.Text, nullable=True),
    sa.Index("ix_chat_messages_deck", "deck_id", "id"),
)

deck_grants = sa.Table(
    "deck_grants",
    metadata,
    sa.Column("deck_id", _ID, sa.ForeignKey("decks.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("principal_kind", sa.String(8), primary_key=True),
    sa.Column("principal", _OWNER, primary_key=True),
    sa.Column("level", sa.String(8), nullable=False),
    sa.Column("granted_by", _OWNER, nullable=False),
    sa.Column("granted_at", _TS, nullable=False),
    sa.CheckConstraint("principal_kind IN ('user', 'group')", name="ck_deck_grants_kind"),
    sa.CheckConstraint("level IN ('viewer', 'editor')", name="ck_deck_grants_level"),
    sa.Index("ix_deck_grants_principal", "principal_kind", "principal"),
)

# A user's own themes, for all their decks (`slidegen.deck.themes`). `content` is the theme's
# JSON (`Theme.to_dict`, validated again when read); a deck keeps a copy of the theme it uses,
# so deleting a theme here changes no deck.
user_themes = sa.Table(
    "user_themes",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("owner", _OWNER, nullable=False),
    sa.Column("name", sa.String(60), nullable=False),
    sa.Column("content", sa.Text, nullable=False),
    sa.Column("created_at", _TS, nullable=False),
    sa.Column("updated_at", _TS, nullable=False),
    sa.Index("ix_user_themes_owner", "owner", "name"),
)
