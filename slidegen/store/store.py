"""`DeckStore`: versioned, per-user persistence of decks and their chat history.

Access: every public method takes the caller first and every query filters on it
(`access.deck_access`): an owner id (`str`) reaches only that user's decks; a `Principal` also
reaches decks shared with them (read with any grant, changed with an editor grant). Owner-only
methods (create, list, rename, delete, undelete, purge) take the owner id. There is no way to
load anything by id alone; a deck out of reach is reported exactly like a missing one
(`DeckNotFoundError`). A deleted deck is invisible to reads and writes until undeleted. Versions
and chat rows keep the deck's owner in `owner` and who made them in `actor` / the row's meta.

Versions: every change appends a row to `deck_versions` (version numbers 1, 2, 3, … per deck;
the newest is the *head*), listing the deck's pieces, each stored once per deck (`content.py`).
Nothing is ever rewritten, so any version can be read or restored later.

Optimistic concurrency: a change names the version it was based on (`base_version`); the head
moves with `UPDATE decks SET head_version = base + 1 … WHERE id = ? AND owner = ? AND
head_version = base`, in the same transaction as the new version's INSERT. If another tab moved
the head first, no row matches and the change is refused with `StaleVersionError`; nothing is
lost and nothing half-written.

Undo and redo are changes too (kinds UNDO / REDO): each appends a version, so history stays
linear and append-only, and two tabs undoing at once are caught like any other conflict. Each
version carries two pointers:
- `undo_to`: the version whose content is the state before this one's change;
- `redo_to`: the version whose content a redo from here brings back (set only by undo/redo).
A normal change (edit, restore, rename, …) points `undo_to` at its base and clears redo.
Undo at head H appends content(H.undo_to), with undo_to = (H.undo_to).undo_to and redo_to = H.
Redo at head H (R = H.redo_to) appends content(R), with undo_to = H and redo_to = R.redo_to.
So A→B→C, undo, undo gives versions 4 (=B) and 5 (=A); redo, redo gives 6 (=B) and 7 (=C);
an edit after an undo starts a new branch and clears redo, as in any editor.
Restoring an old version is a normal change (kind RESTORE) that undo can take back.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from slidegen.deck import Deck, DeckLimitError, new_deck_id, normalise_title
from slidegen.deck.ops import DeckOperationError, set_slides
from slidegen.deck.themes import Theme
from slidegen.store.access import Caller, caller_id, deck_access
from slidegen.store.content import CONTENT_FORMAT, decode_version, encode_version, forget_deck
from slidegen.store.engine import write_connection
from slidegen.store.models import (
    ChangeKind,
    ChatMessage,
    ChatRole,
    DeckNotFoundError,
    DeckRecord,
    DeckSummary,
    NothingToRedoError,
    NothingToUndoError,
    StaleVersionError,
    VersionInfo,
)
from slidegen.store.sharing import SharingMixin
from slidegen.store.tables import chat_messages, deck_blobs, deck_grants, deck_versions, decks
from slidegen.store.themes import UserThemesMixin

__all__ = ["DeckStore"]

MAX_SUMMARY_CHARS = 500
MAX_CHAT_CHARS = 200_000
MAX_OWNER_CHARS = 255
# Kinds with a dedicated method: save_deck refuses them so the history stays truthful.
_DEDICATED = frozenset({ChangeKind.CREATE, ChangeKind.IMPORT, ChangeKind.UNDO, ChangeKind.REDO})


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    """SQLite returns naive datetimes; everything we store is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _summary(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= MAX_SUMMARY_CHARS else text[: MAX_SUMMARY_CHARS - 1] + "…"


def _check_owner(owner: str) -> str:
    if not isinstance(owner, str) or not owner.strip() or len(owner) > MAX_OWNER_CHARS:
        raise ValueError("owner must be a non-empty user id of at most 255 characters")
    return owner


def _validated(deck: Deck) -> Deck:
    """Apply the domain's limits before anything is written."""
    try:
        title = normalise_title(deck.title)
        checked = set_slides(deck, deck.slides)
    except (DeckLimitError, DeckOperationError) as error:
        raise ValueError(str(error)) from None
    return dataclasses.replace(checked, title=title)


def _plain_summary(summary: str) -> str:
    """The change an undo/redo is about, without earlier "Undo: "/"Redo: " prefixes."""
    while summary.startswith(("Undo: ", "Redo: ")):
        summary = summary[6:]
    return summary


class DeckStore(SharingMixin, UserThemesMixin):
    """Decks, versions and chat messages on one SQLAlchemy engine (migrated by `open_store`)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def dispose(self) -> None:
        self.engine.dispose()

    # ------------------------------------------------------------------------------- decks

    def create_deck(
        self,
        owner: str,
        title: str,
        *,
        actor: str | None = None,
        styles: str = "",
        slides: tuple[Any, ...] = (),
        imported_from: str | None = None,
        deck_id: str | None = None,
        theme: Theme | None = None,
    ) -> DeckRecord:
        """A new deck at version 1 (empty unless `styles`/`slides`/`theme` are given). With
        `imported_from` (a file name, or "pasted HTML") the version's kind is "import".
        `deck_id` keeps an id chosen before saving (a generation's trace already names it)."""
        _check_owner(owner)
        deck = _validated(
            Deck(deck_id or new_deck_id(), owner, title, styles, tuple(slides), theme=theme)
        )
        now = _now()
        with write_connection(self.engine) as conn:
            conn.execute(
                decks.insert().values(
                    id=deck.id,
                    owner=owner,
                    title=deck.title,
                    head_version=1,
                    slide_count=len(deck.slides),
                    created_at=now,
                    updated_at=now,
                    deleted_at=None,
                )
            )
            kind, summary = ChangeKind.CREATE, "Created"
            if imported_from is not None:
                kind, summary = ChangeKind.IMPORT, f"Imported from {imported_from}"[:200]
            self._insert_version(conn, deck, 1, now, actor or owner, kind, summary, None, None)
        return DeckRecord(deck, 1, 1, now, now)

    def list_decks(self, owner: str) -> list[DeckSummary]:
        """The owner's decks, most recently changed first (deleted ones excluded)."""
        return self._summaries(owner, deleted=False)

    def list_deleted_decks(self, owner: str) -> list[DeckSummary]:
        """The owner's soft-deleted decks (the trash), most recently changed first."""
        return self._summaries(owner, deleted=True)

    def _summaries(self, owner: str, *, deleted: bool) -> list[DeckSummary]:
        condition = decks.c.deleted_at.is_not(None) if deleted else decks.c.deleted_at.is_(None)
        query = (
            sa.select(decks)
            .where(decks.c.owner == owner, condition)
            .order_by(decks.c.updated_at.desc(), decks.c.id)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [
            DeckSummary(
                id=r.id,
                title=r.title,
                slide_count=r.slide_count,
                updated_at=_aware(r.updated_at),
                version=r.head_version,
                created_at=_aware(r.created_at),
                deleted_at=_aware(r.deleted_at) if r.deleted_at else None,
            )
            for r in rows
        ]

    def get_deck(self, owner: Caller, deck_id: str, version: int | None = None) -> DeckRecord:
        """The deck at its head, or at `version`; `DeckNotFoundError` if out of the caller's
        reach."""
        if version is not None and (not isinstance(version, int) or version < 1):
            raise ValueError(f"version must be a positive integer (got {version!r})")
        with self.engine.connect() as conn:
            return self._record(conn, owner, deck_id, version)

    def _record(
        self, conn: sa.Connection, owner: Caller, deck_id: str, version: int | None
    ) -> DeckRecord:
        row = self._version_row(
            conn,
            owner,
            deck_id,
            version,
            decks.c.head_version,
            decks.c.created_at.label("deck_created_at"),
            decks.c.updated_at.label("deck_updated_at"),
        )
        return DeckRecord(
            deck=decode_version(conn, deck_id, row.owner, row.content_format, row.content),
            version=row.version,
            head_version=row.head_version,
            created_at=_aware(row.deck_created_at),
            updated_at=_aware(row.deck_updated_at),
            deleted=False,
            can_undo=row.undo_to is not None,
            can_redo=row.redo_to is not None,
        )

    def _exists(self, conn: sa.Connection, owner: Caller, deck_id: str) -> bool:
        return self._owner_of(conn, owner, deck_id) is not None

    def _owner_of(
        self, conn: sa.Connection, caller: Caller, deck_id: str, *, write: bool = False
    ) -> str | None:
        """The owner of the live deck `deck_id` if `caller` may read (or `write`) it."""
        query = sa.select(decks.c.owner).where(
            decks.c.id == deck_id, deck_access(caller, write=write), decks.c.deleted_at.is_(None)
        )
        return conn.execute(query).scalar()

    def save_deck(
        self,
        owner: Caller,
        deck: Deck,
        *,
        base_version: int,
        kind: ChangeKind,
        summary: str,
        actor: str | None = None,
    ) -> DeckRecord:
        """Store `deck` as the new head, if `base_version` is still the head."""
        kind = ChangeKind(kind)
        if kind in _DEDICATED:
            raise ValueError(f"use the store's own method for a {kind.value} change")
        if isinstance(owner, str) and deck.owner != owner:
            raise DeckNotFoundError(f"deck {deck.id} not found")
        deck = _validated(deck)
        with write_connection(self.engine) as conn:
            return self._append(conn, owner, deck, base_version, kind, summary, actor, base_version)

    def change_deck(
        self,
        owner: Caller,
        deck_id: str,
        operation: Callable[[Deck], Deck],
        *,
        base_version: int,
        kind: ChangeKind,
        summary: str,
        actor: str | None = None,
    ) -> DeckRecord:
        """Apply `operation` (Deck -> Deck) to the head and store the result as the new head,
        if `base_version` is still the head: `get_deck` + `save_deck` in one write transaction
        (one connection and one round of queries fewer on the editor's path). An exception
        from `operation` writes nothing."""
        kind = ChangeKind(kind)
        if kind in _DEDICATED:
            raise ValueError(f"use the store's own method for a {kind.value} change")
        with write_connection(self.engine) as conn:
            head = self._record(conn, owner, deck_id, None)
            if head.version != base_version:
                raise self._refusal(conn, owner, deck_id, base_version)
            deck = operation(head.deck)
            if deck.owner != head.deck.owner or deck.id != deck_id:
                raise DeckNotFoundError(f"deck {deck.id} not found")
            deck = _validated(deck)
            return self._append(conn, owner, deck, base_version, kind, summary, actor, base_version)

    def _append(
        self,
        conn: sa.Connection,
        owner: Caller,
        deck: Deck,
        base_version: int,
        kind: ChangeKind,
        summary: str,
        actor: str | None,
        undo_to: int | None,
        redo_to: int | None = None,
        content: bytes | None = None,
    ) -> DeckRecord:
        now = _now()
        new_version = base_version + 1
        moved = conn.execute(
            decks.update()
            .where(
                decks.c.id == deck.id,
                decks.c.owner == deck.owner,
                deck_access(owner, write=True),
                decks.c.head_version == base_version,
                decks.c.deleted_at.is_(None),
            )
            .values(
                head_version=new_version,
                title=deck.title,
                slide_count=len(deck.slides),
                updated_at=now,
            )
        )
        if moved.rowcount != 1:
            raise self._refusal(conn, owner, deck.id, base_version)
        self._insert_version(
            conn, deck, new_version, now, actor or caller_id(owner), kind, summary, undo_to,
            redo_to, content,
        )  # fmt: skip
        created = conn.execute(
            sa.select(decks.c.created_at).where(decks.c.id == deck.id, decks.c.owner == deck.owner)
        ).scalar()
        return DeckRecord(
            deck=deck,
            version=new_version,
            head_version=new_version,
            created_at=_aware(created),
            updated_at=now,
            can_undo=undo_to is not None,
            can_redo=redo_to is not None,
        )

    def _insert_version(
        self,
        conn: sa.Connection,
        deck: Deck,
        version: int,
        now: datetime,
        actor: str,
        kind: ChangeKind,
        summary: str,
        undo_to: int | None,
        redo_to: int | None,
        content: bytes | None = None,
    ) -> None:
        conn.execute(
            deck_versions.insert().values(
                deck_id=deck.id,
                version=version,
                owner=deck.owner,
                created_at=now,
                actor=actor[:MAX_OWNER_CHARS],
                kind=kind.value,
                summary=_summary(summary),
                title=deck.title,
                slide_count=len(deck.slides),
                undo_to=undo_to,
                redo_to=redo_to,
                content_format=CONTENT_FORMAT,
                content=content if content is not None else encode_version(conn, deck),
            )
        )

    def _refusal(
        self, conn: sa.Connection, owner: Caller, deck_id: str, base_version: int
    ) -> Exception:
        row = conn.execute(
            sa.select(decks.c.head_version).where(
                decks.c.id == deck_id,
                deck_access(owner, write=True),
                decks.c.deleted_at.is_(None),
            )
        ).first()
        if row is None:
            return DeckNotFoundError(f"deck {deck_id} not found")
        return StaleVersionError(
            f"the deck changed since version {base_version} (it is now at version "
            f"{row.head_version}); reload it and make the change again",
            base_version=base_version,
            head_version=row.head_version,
        )

    # ------------------------------------------------------------------------ undo / redo

    def undo(
        self, owner: Caller, deck_id: str, base_version: int, *, actor: str | None = None
    ) -> DeckRecord:
        """Go back one change (appends a version; see the module docstring)."""
        return self._step(owner, deck_id, base_version, actor, forward=False)

    def redo(
        self, owner: Caller, deck_id: str, base_version: int, *, actor: str | None = None
    ) -> DeckRecord:
        """Bring back the change the last undo took away (appends a version)."""
        return self._step(owner, deck_id, base_version, actor, forward=True)

    def _step(
        self, owner: Caller, deck_id: str, base_version: int, actor: str | None, *, forward: bool
    ) -> DeckRecord:
        with write_connection(self.engine) as conn:
            if self._owner_of(conn, owner, deck_id, write=True) is None:
                raise DeckNotFoundError(f"deck {deck_id} not found")  # before "nothing to undo"
            head = self._version_row(conn, owner, deck_id, None)
            if head.version != base_version:
                raise self._refusal(conn, owner, deck_id, base_version)
            if forward:
                if head.redo_to is None:
                    raise NothingToRedoError("nothing to redo")
                target = self._version_row(conn, owner, deck_id, head.redo_to)
                undo_to, redo_to = head.version, target.redo_to
                kind, summary = ChangeKind.REDO, f"Redo: {_plain_summary(target.summary)}"
            else:
                if head.undo_to is None:
                    raise NothingToUndoError("nothing to undo")
                target = self._version_row(conn, owner, deck_id, head.undo_to)
                undo_to, redo_to = target.undo_to, head.version
                kind, summary = ChangeKind.UNDO, f"Undo: {_plain_summary(head.summary)}"
            deck = decode_version(
                conn, deck_id, target.owner, target.content_format, target.content
            )
            return self._append(
                conn, owner, deck, base_version, kind, summary, actor, undo_to, redo_to,
                content=target.content,
            )  # fmt: skip

    def _version_row(
        self,
        conn: sa.Connection,
        owner: Caller,
        deck_id: str,
        version: int | None,
        *deck_columns: Any,
    ) -> sa.Row[Any]:
        """One version of a live deck the caller may read (the head when `version` is None),
        with any extra `decks` columns; DeckNotFoundError naming what is missing."""
        wanted = decks.c.head_version if version is None else sa.literal(version)
        row = conn.execute(
            sa.select(deck_versions, *deck_columns)
            .join(decks, decks.c.id == deck_versions.c.deck_id)
            .where(
                decks.c.id == deck_id,
                deck_access(owner),
                deck_versions.c.owner == decks.c.owner,
                decks.c.deleted_at.is_(None),
                deck_versions.c.version == wanted,
            )
        ).first()
        if row is None:
            if version is not None and self._exists(conn, owner, deck_id):
                raise DeckNotFoundError(f"deck {deck_id} has no version {version}")
            raise DeckNotFoundError(f"deck {deck_id} not found")
        return row

    def restore_version(
        self,
        owner: Caller,
        deck_id: str,
        version: int,
        base_version: int,
        *,
        actor: str | None = None,
    ) -> DeckRecord:
        """Make an old version's content the new head (a new version; nothing is lost)."""
        with write_connection(self.engine) as conn:
            old = self._version_row(conn, owner, deck_id, version)
            deck = decode_version(conn, deck_id, old.owner, old.content_format, old.content)
            return self._append(
                conn, owner, deck, base_version, ChangeKind.RESTORE,
                f"Restored version {version}", actor, base_version, content=old.content,
            )  # fmt: skip

    def list_versions(self, owner: Caller, deck_id: str) -> list[VersionInfo]:
        """The deck's history, newest first (metadata only: no content is decompressed)."""
        with self.engine.connect() as conn:
            deck_owner = self._owner_of(conn, owner, deck_id)
            if deck_owner is None:
                raise DeckNotFoundError(f"deck {deck_id} not found")
            rows = conn.execute(
                sa.select(
                    deck_versions.c.version,
                    deck_versions.c.created_at,
                    deck_versions.c.actor,
                    deck_versions.c.kind,
                    deck_versions.c.summary,
                    deck_versions.c.slide_count,
                    deck_versions.c.title,
                )
                .where(deck_versions.c.deck_id == deck_id, deck_versions.c.owner == deck_owner)
                .order_by(deck_versions.c.version.desc())
            ).all()
        return [
            VersionInfo(
                version=r.version,
                created_at=_aware(r.created_at),
                actor=r.actor,
                kind=ChangeKind(r.kind),
                summary=r.summary,
                slide_count=r.slide_count,
                title=r.title,
            )
            for r in rows
        ]

    # ------------------------------------------------------------------- deck management

    def rename_deck(
        self,
        owner: str,
        deck_id: str,
        title: str,
        *,
        base_version: int | None = None,
        actor: str | None = None,
    ) -> DeckRecord:
        """Rename (a new version). Without `base_version` it applies to whatever the head is:
        a title change cannot conflict with slide edits, so it is retried on a race."""
        try:
            title = normalise_title(title)
        except DeckLimitError as error:
            raise ValueError(str(error)) from None
        attempts = 1 if base_version is not None else 5
        for attempt in range(attempts):
            with write_connection(self.engine) as conn:
                head = self._record(conn, owner, deck_id, None)
                base = head.version if base_version is None else base_version
                renamed = dataclasses.replace(head.deck, title=title)
                try:
                    return self._append(
                        conn, owner, renamed, base, ChangeKind.RENAME, f"Renamed to {title}",
                        actor, base,
                    )  # fmt: skip
                except StaleVersionError:
                    if attempt == attempts - 1:
                        raise
        raise AssertionError("unreachable")

    def duplicate_deck(
        self,
        owner: Caller,
        deck_id: str,
        *,
        title: str | None = None,
        version: int | None = None,
        actor: str | None = None,
    ) -> DeckRecord:
        """A new deck of the caller's own with the content of `deck_id` (head or `version`),
        which may be a deck shared with them."""
        source = self.get_deck(owner, deck_id, version)
        new_title = title or _copy_title(source.deck.title)
        record = self.create_deck(
            caller_id(owner),
            new_title,
            actor=actor,
            styles=source.deck.styles,
            slides=source.deck.slides,
            theme=source.deck.theme,
        )
        return record

    def delete_deck(self, owner: str, deck_id: str) -> None:
        """Soft delete: the deck disappears from lists and reads until `undelete_deck`."""
        with write_connection(self.engine) as conn:
            done = conn.execute(
                decks.update()
                .where(decks.c.id == deck_id, decks.c.owner == owner, decks.c.deleted_at.is_(None))
                .values(deleted_at=_now())
            )
            if done.rowcount != 1:
                raise DeckNotFoundError(f"deck {deck_id} not found")

    def undelete_deck(self, owner: str, deck_id: str) -> None:
        with write_connection(self.engine) as conn:
            done = conn.execute(
                decks.update()
                .where(
                    decks.c.id == deck_id, decks.c.owner == owner, decks.c.deleted_at.is_not(None)
                )
                .values(deleted_at=None, updated_at=_now())
            )
            if done.rowcount != 1:
                raise DeckNotFoundError(f"deleted deck {deck_id} not found")

    def purge_deleted(self, owner: str, older_than: timedelta) -> int:
        """Remove for good the owner's decks deleted over `older_than` ago; returns how many."""
        return self._purge(older_than, lambda: decks.c.owner == owner)

    def purge_deleted_all_owners(self, older_than: timedelta) -> int:
        """Maintenance job: the same for every owner. Reads no deck content; returns a count."""
        return self._purge(older_than, lambda: sa.true())

    def _purge(self, older_than: timedelta, scope: Callable[[], Any]) -> int:
        cutoff = _now() - older_than
        with write_connection(self.engine) as conn:
            doomed = sa.select(decks.c.id).where(
                scope(), decks.c.deleted_at.is_not(None), decks.c.deleted_at < cutoff
            )
            ids = [r.id for r in conn.execute(doomed)]
            if not ids:
                return 0
            # Children first: SQLite only cascades with foreign_keys on, so do not rely on it.
            conn.execute(chat_messages.delete().where(chat_messages.c.deck_id.in_(ids)))
            conn.execute(deck_grants.delete().where(deck_grants.c.deck_id.in_(ids)))
            conn.execute(deck_versions.delete().where(deck_versions.c.deck_id.in_(ids)))
            conn.execute(deck_blobs.delete().where(deck_blobs.c.deck_id.in_(ids)))
            conn.execute(decks.delete().where(decks.c.id.in_(ids)))
        forget_deck(ids)
        return len(ids)

    # ------------------------------------------------------------------------------ chat

    def add_chat_message(
        self,
        owner: Caller,
        deck_id: str,
        role: str,
        content: str,
        *,
        trace_id: str | None = None,
        meta: dict[str, Any] | None = None,
    ) -> ChatMessage:
        role = ChatRole(role).value
        if len(content) > MAX_CHAT_CHARS:
            raise ValueError(f"chat message longer than {MAX_CHAT_CHARS} characters")
        meta_text = json.dumps(meta, default=str) if meta else None
        now = _now()
        with write_connection(self.engine) as conn:
            deck_owner = self._owner_of(conn, owner, deck_id, write=True)
            if deck_owner is None:
                raise DeckNotFoundError(f"deck {deck_id} not found")
            inserted = conn.execute(
                chat_messages.insert().values(
                    deck_id=deck_id,
                    owner=deck_owner,
                    created_at=now,
                    role=role,
                    content=content,
                    trace_id=trace_id,
                    meta=meta_text,
                )
            )
            new_id = int(inserted.inserted_primary_key[0])
        return ChatMessage(new_id, deck_id, role, content, now, trace_id, dict(meta or {}))

    def list_chat_messages(
        self, owner: Caller, deck_id: str, *, limit: int | None = None
    ) -> list[ChatMessage]:
        """The deck's chat, oldest first (the last `limit` messages if given)."""
        with self.engine.connect() as conn:
            deck_owner = self._owner_of(conn, owner, deck_id)
            if deck_owner is None:
                raise DeckNotFoundError(f"deck {deck_id} not found")
            query = (
                sa.select(chat_messages)
                .where(chat_messages.c.deck_id == deck_id, chat_messages.c.owner == deck_owner)
                .order_by(chat_messages.c.id.desc())
            )
            if limit is not None:
                query = query.limit(limit)
            rows = conn.execute(query).all()
        return [
            ChatMessage(
                id=r.id,
                deck_id=r.deck_id,
                role=r.role,
                content=r.content,
                created_at=_aware(r.created_at),
                trace_id=r.trace_id,
                meta=json.loads(r.meta) if r.meta else {},
            )
            for r in reversed(rows)
        ]


def _copy_title(title: str) -> str:
    return normalise_title(f"Copy of {title}"[:200])
