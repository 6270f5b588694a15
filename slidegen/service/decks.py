"""Deck operations as a user asks for them: each is one call here, with the user's access.

Access is decided here, once, for the web, the CLI and the MCP server: each method takes the
`user` (a `UserContext`, or a bare user id) and asks the store as that user's `Principal`
(`service/access.py`: their e-mail and workspace groups), so every store query carries the
access condition (`store/access.py`): the owner; anyone a grant names, directly or through a
group, may read (stage, history, chat, exports, a copy of their own); an *editor* grant is
needed for every change and the chat; only the owner renames, deletes, restores from the trash
and shares (`grants`, `share`, `unshare`). A viewer's change is refused with `VIEW_ONLY_MESSAGE`,
an editor's owner-only action with `OWNER_ONLY_MESSAGE`; a deck out of reach is `MISSING`.
Each saved version and each change of who may reach a deck is published (`service/live.py`) so
other open tabs show it at once. Versions record who made them (`actor`: the user's e-mail),
chat rows who asked (`meta["author"]`).

Every write names the version the caller shows (`base_version`). The policy when that is not
the head any more, or the deck is gone, is decided here for every interface:
- another tab or client saved first (`StaleVersionError`): nothing is written; the newer head is
  read back so the caller can show it, with `CONFLICT_MESSAGE`;
- the deck is not there for this user (deleted, never shared with them, or no longer):
  `MISSING_MESSAGE`; the caller leaves the deck;
- the operation itself refuses (a domain `ValueError`/`KeyError`, e.g. an unknown slide): its own
  message, and nothing is written; an operation that changes nothing raises `Unchanged`.
The answer is an `Outcome`, never an exception, so callers only decide how to show it.

How much one user may keep is decided here too: `MAX_DECKS_PER_USER` live decks (the trash is not
counted). A new, imported, copied or restored deck past it raises `LimitReached` (a
`ValueError`, so every caller already shows its message) and writes nothing. The count and the
write run under a lock per user in this process, so two tabs racing cannot both pass at the
limit; workers of their own can each still add one at once.

A change (read the head, apply the pure operation, save) is one store call
(`DeckStore.change_deck`: one transaction) and one job in the store's thread pool: one hop off
the event loop per user action, and the operation's CPU work is off it too.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from slidegen.config import Settings, get_settings
from slidegen.deck import Deck, rename_deck
from slidegen.service.access import Access, User
from slidegen.service.live import ACCESS, SAVED, DeckNotice, DeckNotices, deck_notices
from slidegen.service.threads import run_blocking, run_detached
from slidegen.store import (
    AccessLevel,
    Caller,
    ChangeKind,
    ChatMessage,
    DeckNotFoundError,
    DeckRecord,
    DeckStore,
    DeckSummary,
    Grant,
    Principal,
    PrincipalKind,
    SharedDeck,
    StaleVersionError,
    VersionInfo,
)

__all__ = [
    "CONFLICT_MESSAGE",
    "MISSING_MESSAGE",
    "OWNER_ONLY_MESSAGE",
    "VIEW_ONLY_MESSAGE",
    "DeckService",
    "LimitReached",
    "Outcome",
    "Sharing",
    "Status",
    "Unchanged",
    "counted",
    "owner_lock",
]

CONFLICT_MESSAGE = (
    "This deck was changed in another tab or window, so your last change was not applied. "
    "The newer version is shown now: check it and make your change again."
)
MISSING_MESSAGE = (
    "This deck is no longer there for you: it was deleted, or its owner stopped sharing it."
)
VIEW_ONLY_MESSAGE = "You can view this deck but not change it: ask its owner to make you an editor."
OWNER_ONLY_MESSAGE = "Only the deck's owner can rename, delete or share it."

Operation = Callable[[Deck], Deck]
_DECK_LIMIT = (
    "You already have {count}, the most one user may keep: delete one you no longer need, "
    "then try again."
)
_NO_NAME = "Name a user (their e-mail) or a group."


class Unchanged(Exception):
    """Raised by an operation that would leave the deck as it is: no version is saved."""


class LimitReached(ValueError):
    """The user already keeps as many decks (or themes) as one may; nothing was written. The
    message says so and what to do."""


# Striped rather than one lock per user, so the table never grows; a thread lock, as the count
# and the write run together in one store job on the store's thread pool.
_OWNER_LOCKS = tuple(threading.Lock() for _ in range(64))


def owner_lock(owner: str) -> threading.Lock:
    """The lock held while `owner`'s count is checked and their new item written."""
    return _OWNER_LOCKS[hash(owner) % len(_OWNER_LOCKS)]


def counted(count: int, noun: str) -> str:
    """`count` `noun`s, in words: "1 deck", "1,500 decks"."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


class Status(StrEnum):
    SAVED = "saved"  # a new version is the head; `record` is it
    UNCHANGED = "unchanged"  # nothing to save
    CONFLICT = "conflict"  # not applied; `record` is the newer head
    MISSING = "missing"  # the deck is not there for this user
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


@dataclass(frozen=True)
class Sharing:
    """A deck's grants after a sharing action, and what to tell the owner."""

    grants: tuple[Grant, ...] = ()
    message: str = ""
    error: bool = False
    done: bool = False


def _owner_id(user: User) -> str:
    """The user id, for what only an owner does (owner-scoped store calls)."""
    user_id = user if isinstance(user, str) else user.user_id
    if not isinstance(user_id, str) or not user_id.strip():
        raise PermissionError("no signed-in user")
    return user_id


def _actor(user: User) -> str:
    """Who a version or a chat row names: the user's e-mail, else their id."""
    return user if isinstance(user, str) else (user.email or user.user_id)


_SHARED_ACCESS = Access()


class DeckService:
    """Deck operations on the store that `store` returns (read at each call, so tests and a
    restarted store are picked up). `access` resolves users' groups (shared by default by
    every service of the process); `notices` publishes changes to other tabs; `settings`
    gives the per-user limits (read at each call)."""

    def __init__(
        self,
        store: Callable[[], DeckStore],
        *,
        access: Access | None = None,
        notices: Callable[[], DeckNotices] | None = None,
        settings: Callable[[], Settings] = get_settings,
    ) -> None:
        self._store = store
        self._access = access or _SHARED_ACCESS
        self._notices = notices or deck_notices
        self._settings = settings

    def _room_for_a_deck(self, store: DeckStore, owner: str) -> None:
        """Raise `LimitReached` when `owner` already has the most live decks one may own."""
        limit = self._settings().max_decks_per_user
        if limit and (count := len(store.list_decks(owner))) >= limit:
            raise LimitReached(_DECK_LIMIT.format(count=counted(count, "deck")))

    def _with_room(self, owner: str, write: Callable[[DeckStore], Any]) -> Any:
        """`write(store)`, once `owner` has room for one more deck (a store job)."""
        store = self._store()
        with owner_lock(owner):
            self._room_for_a_deck(store, owner)
            return write(store)

    async def principal(self, user: User) -> Principal:
        """`user` as the store's access rule sees them (with their groups)."""
        return await self._access.principal(user)

    async def _publish(self, deck_id: str, kind: str, version: int = 0) -> None:
        await self._notices().publish(DeckNotice(deck_id, kind, version))

    async def _published(self, deck_id: str, outcome: Outcome) -> Outcome:
        if outcome.saved and outcome.record is not None:
            await self._publish(deck_id, SAVED, outcome.record.version)
        return outcome

    # ---------------------------------------------------------------------------- reading
    async def list_decks(self, user: User) -> list[DeckSummary]:
        """The user's own decks."""
        return await run_blocking(self._store().list_decks, _owner_id(user))

    async def shared_decks(self, user: User) -> list[SharedDeck]:
        """Decks of others that a grant opens to the user (by e-mail or group)."""
        principal = await self.principal(user)
        return await run_blocking(self._store().list_shared_decks, principal)

    async def open(self, user: User, deck_id: str, version: int | None = None) -> DeckRecord | None:
        """The deck at its head (or `version`), or None when it is not there for `user`.
        An invalid `version` raises `ValueError`."""
        if not deck_id:
            return None
        return await run_blocking(self._read, await self.principal(user), deck_id, version)

    async def access(self, user: User, deck_id: str) -> AccessLevel | None:
        """What `user` may do with the deck: owner, editor, viewer, or None (out of reach)."""
        if not deck_id:
            return None
        return await run_blocking(self._store().access_level, await self.principal(user), deck_id)

    def _read(self, who: Caller, deck_id: str, version: int | None = None) -> DeckRecord | None:
        try:
            return self._store().get_deck(who, deck_id, version=version)
        except DeckNotFoundError:
            return None

    async def history(self, user: User, deck_id: str) -> list[VersionInfo] | None:
        """Every version, newest first; None when the deck is not there."""
        principal = await self.principal(user)

        def versions() -> list[VersionInfo] | None:
            try:
                return self._store().list_versions(principal, deck_id)
            except DeckNotFoundError:
                return None

        return await run_blocking(versions)

    async def chat_history(self, user: User, deck_id: str) -> list[ChatMessage]:
        principal = await self.principal(user)
        return await run_blocking(self._store().list_chat_messages, principal, deck_id)

    # ---------------------------------------------------------------------------- changes
    async def apply(
        self,
        user: User,
        deck_id: str,
        base_version: int,
        operation: Operation,
        kind: ChangeKind | str,
        summary: str,
    ) -> Outcome:
        """Apply `operation` (a pure Deck -> Deck from `slidegen.deck`) to the head and save
        the result as a new version, if `base_version` is still the head (editors)."""
        principal = await self.principal(user)
        outcome = await run_blocking(
            self._apply,
            principal,
            principal,
            deck_id,
            int(base_version),
            operation,
            kind,
            summary,
            _actor(user),
        )
        return await self._published(deck_id, outcome)

    def _apply(
        self,
        who: Caller,
        principal: Principal,
        deck_id: str,
        base_version: int,
        operation: Operation,
        kind: ChangeKind | str,
        summary: str,
        actor: str,
    ) -> Outcome:
        def change() -> DeckRecord:
            return self._store().change_deck(
                who,
                deck_id,
                operation,
                base_version=base_version,
                kind=ChangeKind(kind),
                summary=summary,
                actor=actor,
            )

        try:
            return self._guarded(
                who, deck_id, change, refusals=(ValueError, KeyError), principal=principal
            )
        except Unchanged:
            return Outcome(Status.UNCHANGED)

    async def rename(self, user: User, deck_id: str, base_version: int, title: str) -> Outcome:
        """A new title (spaces collapsed) for everyone: the owner only; UNCHANGED for an
        empty title."""
        title = " ".join(str(title).split())
        if not title:
            return Outcome(Status.UNCHANGED)
        principal = await self.principal(user)
        outcome = await run_blocking(
            self._apply,
            _owner_id(user),
            principal,
            deck_id,
            int(base_version),
            lambda deck: rename_deck(deck, title),
            ChangeKind.RENAME,
            f"Renamed to “{title[:60]}”",
            _actor(user),
        )
        return await self._published(deck_id, outcome)

    async def undo(self, user: User, deck_id: str, base_version: int) -> Outcome:
        return await self._step("undo", user, deck_id, base_version)

    async def redo(self, user: User, deck_id: str, base_version: int) -> Outcome:
        return await self._step("redo", user, deck_id, base_version)

    async def _step(self, method: str, user: User, deck_id: str, base_version: int) -> Outcome:
        principal = await self.principal(user)

        def step() -> DeckRecord:
            return getattr(self._store(), method)(
                principal, deck_id, base_version=int(base_version), actor=_actor(user)
            )

        # "Nothing to undo" is an answer, not a failure.
        outcome = await run_blocking(
            self._guarded, principal, deck_id, step, refusals=(ValueError,), error=False
        )
        return await self._published(deck_id, outcome)

    async def restore(self, user: User, deck_id: str, version: int, base_version: int) -> Outcome:
        """Write `version`'s content as a new version (history is never rewritten)."""
        principal = await self.principal(user)

        def restore() -> DeckRecord:
            return self._store().restore_version(
                principal, deck_id, int(version), base_version=int(base_version), actor=_actor(user)
            )

        outcome = await run_blocking(
            self._guarded, principal, deck_id, restore, refusals=(ValueError,)
        )
        if outcome.saved:
            message = f"Restored version {version} as a new version; nothing newer was lost."
            outcome = Outcome(Status.SAVED, outcome.record, message)
        return await self._published(deck_id, outcome)

    def _guarded(
        self,
        who: Caller,
        deck_id: str,
        write: Callable[[], DeckRecord],
        *,
        refusals: tuple[type[Exception], ...],
        error: bool = True,
        principal: Principal | None = None,
    ) -> Outcome:
        """Run `write` (in the pool) under the conflict and missing-deck policy; `who` is the
        store caller of the write, `principal` the user (when `who` is their bare id for an
        owner-only write)."""
        try:
            return Outcome(Status.SAVED, write())
        except StaleVersionError:
            newer = self._read(principal or who, deck_id)
            if newer is None:
                return Outcome(Status.MISSING, message=MISSING_MESSAGE, error=True)
            return Outcome(Status.CONFLICT, newer, CONFLICT_MESSAGE, error=True)
        except DeckNotFoundError:
            return self._not_reached(who, principal, deck_id)
        except refusals as refused:
            return Outcome(Status.REFUSED, message=error_text(refused), error=error)

    def _not_reached(self, who: Caller, principal: Principal | None, deck_id: str) -> Outcome:
        """Why a write found no deck: out of reach, view only, or not the owner's to do."""
        if isinstance(who, Principal) or principal is not None:
            level = self._store().access_level(principal or who, deck_id)
            if level is AccessLevel.VIEWER:
                return Outcome(Status.REFUSED, message=VIEW_ONLY_MESSAGE, error=True)
            if level is AccessLevel.EDITOR and isinstance(who, str):
                return Outcome(Status.REFUSED, message=OWNER_ONLY_MESSAGE, error=True)
        return Outcome(Status.MISSING, message=MISSING_MESSAGE, error=True)

    # ---------------------------------------------------------------------------- turns
    async def save_content(
        self,
        user: User,
        deck_id: str,
        deck: Deck,
        base_version: int,
        kind: ChangeKind | str,
        summary: str,
        *,
        actor: str | None = None,
    ) -> Outcome:
        """Save `deck` (written from `base_version`, e.g. by the agent) as the next version,
        under the same conflict policy as `apply` (editors)."""
        principal = await self.principal(user)

        def save() -> DeckRecord:
            return self._store().save_deck(
                principal,
                deck,
                base_version=int(base_version),
                kind=ChangeKind(kind),
                summary=summary,
                actor=actor or _actor(user),
            )

        if deck.id != deck_id:
            raise ValueError("the deck to save is not the deck named")
        outcome = await run_blocking(
            self._guarded, principal, deck_id, save, refusals=(ValueError,)
        )
        return await self._published(deck_id, outcome)

    async def add_chat(
        self,
        user: User,
        deck_id: str,
        role: str,
        content: str,
        *,
        trace_id: str | None = None,
        meta: dict[str, Any] | None = None,
    ) -> ChatMessage:
        """Append one message to the deck's conversation (editors); a user's message names
        who asked (`meta["author"]`). DeckNotFoundError when the user may not chat here."""
        principal = await self.principal(user)
        return await run_blocking(
            self._store().add_chat_message,
            principal,
            deck_id,
            role,
            content,
            trace_id=trace_id,
            meta=_authored(user, role, meta),
        )

    def add_chat_detached(self, user: User, deck_id: str, role: str, content: str) -> None:
        """`add_chat` without waiting: for the note a cancelled turn leaves (with the user's
        groups as last looked up: this cannot wait for the workspace)."""
        principal = self._access.cached_principal(user)
        run_detached(
            self._store().add_chat_message,
            principal,
            deck_id,
            role,
            content,
            meta=_authored(user, role, None),
        )

    # ---------------------------------------------------------------------------- whole decks
    async def room_for_a_deck(self, user: User) -> str | None:
        """None when `user` may own one more deck, else the sentence saying why not: a turn
        that will create a deck asks before it runs the model (`create` checks again)."""
        owner = _owner_id(user)

        def check() -> str | None:
            try:
                self._room_for_a_deck(self._store(), owner)
            except LimitReached as full:
                return str(full)
            return None

        return await run_blocking(check)

    async def create(self, user: User, title: str, **content: Any) -> DeckRecord:
        """A new deck at version 1 (`content`: the store's `styles`, `slides`, `imported_from`,
        `actor`, `deck_id`). `LimitReached` when the user has no room for it."""
        content.setdefault("actor", _actor(user))
        owner = _owner_id(user)

        def create() -> DeckRecord:
            return self._with_room(owner, lambda store: store.create_deck(owner, title, **content))

        return await run_blocking(create)

    async def duplicate_deck(self, user: User, deck_id: str) -> DeckRecord | None:
        """A copy as a new deck of the user's own (also of a deck shared with them); None when
        the deck is not there for them; `LimitReached` when the user has no room for it."""
        owner = _owner_id(user)
        principal = await self.principal(user)

        def duplicate() -> DeckRecord | None:
            try:
                return self._with_room(
                    owner,
                    lambda store: store.duplicate_deck(principal, deck_id, actor=_actor(user)),
                )
            except DeckNotFoundError:
                return None

        return await run_blocking(duplicate)

    async def delete_deck(self, user: User, deck_id: str) -> bool:
        """Soft delete (undone by `undelete_deck`), the owner only; False when the deck is not
        the user's. Tabs that others have open on it leave it."""
        deleted = await self._toggle_deleted("delete_deck", _owner_id(user), deck_id)
        if deleted:
            await self._publish(deck_id, ACCESS)
        return deleted

    async def undelete_deck(self, user: User, deck_id: str) -> bool:
        """Back from the trash; False when it is not there. `LimitReached` when the user has
        no room for it (it stays in the trash)."""
        return await self._toggle_deleted("undelete_deck", _owner_id(user), deck_id)

    async def _toggle_deleted(self, method: str, owner: str, deck_id: str) -> bool:
        def toggle() -> bool:
            try:
                if method == "undelete_deck":  # a deck back counts as a new one
                    self._with_room(owner, lambda store: store.undelete_deck(owner, deck_id))
                else:
                    getattr(self._store(), method)(owner, deck_id)
            except DeckNotFoundError:
                return False
            return True

        return await run_blocking(toggle)

    # ---------------------------------------------------------------------------- sharing
    async def grants(self, user: User, deck_id: str) -> list[Grant] | None:
        """Who the deck is shared with; None unless `user` owns it."""

        def listed() -> list[Grant] | None:
            try:
                return self._store().list_grants(_owner_id(user), deck_id)
            except DeckNotFoundError:
                return None

        return await run_blocking(listed)

    async def share(
        self,
        user: User,
        deck_id: str,
        kind: PrincipalKind | str,
        principal: str,
        level: AccessLevel | str,
    ) -> Sharing:
        """Share the deck with a user (e-mail) or group as viewer or editor, or change the
        level of an existing grant; the owner only. Open tabs of that principal follow at once."""
        owner = _owner_id(user)
        if not isinstance(principal, str):  # a crafted event's list or number is no name
            return await self._sharing(owner, deck_id, _NO_NAME, error=True)
        if (
            str(kind) == PrincipalKind.USER.value
            and not isinstance(user, str)
            and principal.strip().lower() == user.email.strip().lower()
        ):
            return await self._sharing(owner, deck_id, "You own this deck already.", error=True)
        if str(level) not in (AccessLevel.VIEWER.value, AccessLevel.EDITOR.value):
            return await self._sharing(owner, deck_id, "Choose viewer or editor.", error=True)

        def grant() -> Grant:
            return self._store().share_deck(
                owner, deck_id, kind, principal, level, granted_by=_actor(user)
            )

        try:
            granted = await run_blocking(grant)
        except DeckNotFoundError:
            return Sharing(message=OWNER_ONLY_MESSAGE, error=True)
        except ValueError as refused:
            return await self._sharing(owner, deck_id, error_text(refused), error=True)
        await self._publish(deck_id, ACCESS)
        what = "a viewer" if granted.level is AccessLevel.VIEWER else "an editor"
        return await self._sharing(owner, deck_id, f"{granted.principal} is {what} now.")

    async def unshare(
        self, user: User, deck_id: str, kind: PrincipalKind | str, principal: str
    ) -> Sharing:
        """Remove a grant (the owner only); tabs it opened leave the deck at once."""
        owner = _owner_id(user)
        if not isinstance(principal, str):
            return await self._sharing(owner, deck_id, _NO_NAME, error=True)
        try:
            removed = await run_blocking(
                self._store().unshare_deck, owner, deck_id, kind, principal
            )
        except DeckNotFoundError:
            return Sharing(message=OWNER_ONLY_MESSAGE, error=True)
        except ValueError as refused:
            return await self._sharing(owner, deck_id, error_text(refused), error=True)
        if removed:
            await self._publish(deck_id, ACCESS)
        message = f"{principal.strip()} no longer has access." if removed else ""
        return await self._sharing(owner, deck_id, message)

    async def _sharing(
        self, owner: str, deck_id: str, message: str, *, error: bool = False
    ) -> Sharing:
        grants = await self.grants(owner, deck_id)
        if grants is None:
            return Sharing(message=OWNER_ONLY_MESSAGE, error=True)
        return Sharing(tuple(grants), message, error, done=not error)


def _authored(user: User, role: str, meta: dict[str, Any] | None) -> dict[str, Any] | None:
    """A user's chat message names who asked (several people may chat about a shared deck)."""
    if role != "user":
        return meta
    return {"author": _actor(user), **(meta or {})}
