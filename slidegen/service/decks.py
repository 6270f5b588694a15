"""Deck operations as a user asks for them: each is one call here, scoped by its owner.

Every write names the version the caller shows (`base_version`). The policy when that is not
the head any more, or the deck is gone, is decided here for every interface:
- another tab or client saved first (`StaleVersionError`): nothing is written; the newer head is
  read back so the caller can show it, with `CONFLICT_MESSAGE`;
- the deck does not exist for this owner (deleted, or never theirs): `MISSING_MESSAGE`; the
  caller leaves the deck;
- the operation itself refuses (a domain `ValueError`/`KeyError`, e.g. an unknown slide): its own
  message, and nothing is written; an operation that changes nothing raises `Unchanged`.
The answer is an `Outcome`, never an exception, so callers only decide how to show it.

A change (read the head, apply the pure operation, save) is one store call
(`DeckStore.change_deck`: one transaction) and one job in the store's thread pool: one hop off
the event loop per user action, and the operation's CPU work is off it too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from slidegen.deck import Deck, rename_deck
from slidegen.service.threads import run_blocking, run_detached
from slidegen.store import (
    ChangeKind,
    ChatMessage,
    DeckNotFoundError,
    DeckRecord,
    DeckStore,
    DeckSummary,
    StaleVersionError,
    VersionInfo,
)

__all__ = [
    "CONFLICT_MESSAGE",
    "MISSING_MESSAGE",
    "DeckService",
    "Outcome",
    "Status",
    "Unchanged",
]

CONFLICT_MESSAGE = (
    "This deck was changed in another tab or window, so your last change was not applied. "
    "The newer version is shown now: check it and make your change again."
)
MISSING_MESSAGE = "This deck no longer exists (it was deleted in another tab)."

Operation = Callable[[Deck], Deck]


class Unchanged(Exception):
    """Raised by an operation that would leave the deck as it is: no version is saved."""


class Status(StrEnum):
    SAVED = "saved"  # a new version is the head; `record` is it
    UNCHANGED = "unchanged"  # nothing to save
    CONFLICT = "conflict"  # not applied; `record` is the newer head
    MISSING = "missing"  # the deck is not there for this owner
    REFUSED = "refused"  # the operation or the store said no; `message` says why


@dataclass(frozen=True)
class Outcome:
    status: Status
    record: DeckRecord | None = None
    message: str = ""
    # Whether `message` reports a failure (a refusal such as "nothing to undo" is not one).
    error: bool = False

    @property
    def saved(self) -> bool:
        return self.status is Status.SAVED


def error_text(error: BaseException) -> str:
    """A message for the user from a domain error: its own text, which names the problem."""
    text = str(error).strip()
    return text or type(error).__name__


def _checked(owner: str) -> str:
    if not isinstance(owner, str) or not owner.strip():
        raise PermissionError("no signed-in user")
    return owner


class DeckService:
    """Deck operations on the store that `store` returns (read at each call, so tests and a
    restarted store are picked up)."""

    def __init__(self, store: Callable[[], DeckStore]) -> None:
        self._store = store

    # ---------------------------------------------------------------------------- reading
    async def list_decks(self, owner: str) -> list[DeckSummary]:
        return await run_blocking(self._store().list_decks, _checked(owner))

    async def open(self, owner: str, deck_id: str, version: int | None = None) -> DeckRecord | None:
        """The deck at its head (or `version`), or None when it is not there for `owner`.
        An invalid `version` raises `ValueError`."""
        if not deck_id:
            return None
        return await run_blocking(self._read, _checked(owner), deck_id, version)

    def _read(self, owner: str, deck_id: str, version: int | None = None) -> DeckRecord | None:
        try:
            return self._store().get_deck(owner, deck_id, version=version)
        except DeckNotFoundError:
            return None

    async def history(self, owner: str, deck_id: str) -> list[VersionInfo] | None:
        """Every version, newest first; None when the deck is not there."""

        def versions() -> list[VersionInfo] | None:
            try:
                return self._store().list_versions(owner, deck_id)
            except DeckNotFoundError:
                return None

        _checked(owner)
        return await run_blocking(versions)

    async def chat_history(self, owner: str, deck_id: str) -> list[ChatMessage]:
        return await run_blocking(self._store().list_chat_messages, _checked(owner), deck_id)

    # ---------------------------------------------------------------------------- changes
    async def apply(
        self,
        owner: str,
        deck_id: str,
        base_version: int,
        operation: Operation,
        kind: ChangeKind | str,
        summary: str,
    ) -> Outcome:
        """Apply `operation` (a pure Deck -> Deck from `slidegen.deck`) to the head and save
        the result as a new version, if `base_version` is still the head."""
        return await run_blocking(
            self._apply, _checked(owner), deck_id, int(base_version), operation, kind, summary
        )

    def _apply(
        self,
        owner: str,
        deck_id: str,
        base_version: int,
        operation: Operation,
        kind: ChangeKind | str,
        summary: str,
    ) -> Outcome:
        def change() -> DeckRecord:
            return self._store().change_deck(
                owner,
                deck_id,
                operation,
                base_version=base_version,
                kind=ChangeKind(kind),
                summary=summary,
                actor=owner,
            )

        try:
            return self._guarded(owner, deck_id, change, refusals=(ValueError, KeyError))
        except Unchanged:
            return Outcome(Status.UNCHANGED)

    async def rename(self, owner: str, deck_id: str, base_version: int, title: str) -> Outcome:
        """A new title (spaces collapsed); UNCHANGED for an empty title."""
        title = " ".join(str(title).split())
        if not title:
            return Outcome(Status.UNCHANGED)
        return await self.apply(
            owner,
            deck_id,
            base_version,
            lambda deck: rename_deck(deck, title),
            ChangeKind.RENAME,
            f"Renamed to “{title[:60]}”",
        )

    async def undo(self, owner: str, deck_id: str, base_version: int) -> Outcome:
        return await self._step("undo", owner, deck_id, base_version)

    async def redo(self, owner: str, deck_id: str, base_version: int) -> Outcome:
        return await self._step("redo", owner, deck_id, base_version)

    async def _step(self, method: str, owner: str, deck_id: str, base_version: int) -> Outcome:
        def step() -> DeckRecord:
            return getattr(self._store(), method)(owner, deck_id, base_version=int(base_version))

        # "Nothing to undo" is an answer, not a failure.
        return await run_blocking(
            self._guarded, _checked(owner), deck_id, step, refusals=(ValueError,), error=False
        )

    async def restore(self, owner: str, deck_id: str, version: int, base_version: int) -> Outcome:
        """Write `version`'s content as a new version (history is never rewritten)."""

        def restore() -> DeckRecord:
            return self._store().restore_version(
                owner, deck_id, int(version), base_version=int(base_version)
            )

        outcome = await run_blocking(
            self._guarded, _checked(owner), deck_id, restore, refusals=(ValueError,)
        )
        if outcome.saved:
            message = f"Restored version {version} as a new version; nothing newer was lost."
            return Outcome(Status.SAVED, outcome.record, message)
        return outcome

    def _guarded(
        self,
        owner: str,
        deck_id: str,
        write: Callable[[], DeckRecord],
        *,
        refusals: tuple[type[Exception], ...],
        error: bool = True,
    ) -> Outcome:
        """Run `write` (in the pool) under the conflict and missing-deck policy."""
        try:
            return Outcome(Status.SAVED, write())
        except StaleVersionError:
            newer = self._read(owner, deck_id)
            if newer is None:
                return Outcome(Status.MISSING, message=MISSING_MESSAGE, error=True)
            return Outcome(Status.CONFLICT, newer, CONFLICT_MESSAGE, error=True)
        except DeckNotFoundError:
            return Outcome(Status.MISSING, message=MISSING_MESSAGE, error=True)
        except refusals as refused:
            return Outcome(Status.REFUSED, message=error_text(refused), error=error)

    # ---------------------------------------------------------------------------- turns
    async def save_content(
        self,
        owner: str,
        deck_id: str,
        deck: Deck,
        base_version: int,
        kind: ChangeKind | str,
        summary: str,
        *,
        actor: str | None = None,
    ) -> Outcome:
        """Save `deck` (written from `base_version`, e.g. by the agent) as the next version,
        under the same conflict policy as `apply`."""

        def save() -> DeckRecord:
            return self._store().save_deck(
                owner,
                deck,
                base_version=int(base_version),
                kind=ChangeKind(kind),
                summary=summary,
                actor=actor or owner,
            )

        if deck.id != deck_id:
            raise ValueError("the deck to save is not the deck named")
        return await run_blocking(
            self._guarded, _checked(owner), deck_id, save, refusals=(ValueError,)
        )

    async def add_chat(
        self,
        owner: str,
        deck_id: str,
        role: str,
        content: str,
        *,
        trace_id: str | None = None,
        meta: dict[str, Any] | None = None,
    ) -> ChatMessage:
        """Append one message to the deck's conversation."""
        return await run_blocking(
            self._store().add_chat_message,
            _checked(owner),
            deck_id,
            role,
            content,
            trace_id=trace_id,
            meta=meta,
        )

    def add_chat_detached(self, owner: str, deck_id: str, role: str, content: str) -> None:
        """`add_chat` without waiting: for the note a cancelled turn leaves."""
        run_detached(self._store().add_chat_message, _checked(owner), deck_id, role, content)

    # ---------------------------------------------------------------------------- whole decks
    async def create(self, owner: str, title: str, **content: Any) -> DeckRecord:
        """A new deck at version 1 (`content`: the store's `styles`, `slides`, `imported_from`,
        `actor`, `deck_id`)."""
        return await run_blocking(self._store().create_deck, _checked(owner), title, **content)

    async def duplicate_deck(self, owner: str, deck_id: str) -> DeckRecord | None:
        """A copy as a new deck of `owner`; None when the deck is not there."""

        def duplicate() -> DeckRecord | None:
            try:
                return self._store().duplicate_deck(owner, deck_id)
            except DeckNotFoundError:
                return None

        _checked(owner)
        return await run_blocking(duplicate)

    async def delete_deck(self, owner: str, deck_id: str) -> bool:
        """Soft delete (undone by `undelete_deck`); False when the deck is not there."""
        return await self._toggle_deleted("delete_deck", _checked(owner), deck_id)

    async def undelete_deck(self, owner: str, deck_id: str) -> bool:
        return await self._toggle_deleted("undelete_deck", _checked(owner), deck_id)

    async def _toggle_deleted(self, method: str, owner: str, deck_id: str) -> bool:
        def toggle() -> bool:
            try:
                getattr(self._store(), method)(owner, deck_id)
            except DeckNotFoundError:
                return False
            return True

        return await run_blocking(toggle)
