"""Grants: who a deck is shared with, at which level, and the decks shared with someone.

Only the owner lists, adds, changes or removes a deck's grants (every query here is scoped by
`decks.owner`); what a grant opens is decided by `access.deck_access`, which every deck query
carries. A user is named by e-mail (stored lower-case, as Databricks compares user names), a
group by its display name (as SCIM returns it in a user's `groups`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from slidegen.store.access import (
    AccessLevel,
    Caller,
    Principal,
    PrincipalKind,
    deck_access,
    grants_for,
    names_principal,
)
from slidegen.store.engine import write_connection
from slidegen.store.models import DeckNotFoundError, DeckSummary
from slidegen.store.tables import deck_grants, decks

__all__ = ["Grant", "SharedDeck", "SharingMixin", "check_principal"]

MAX_PRINCIPAL_CHARS = 255
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")


@dataclass(frozen=True)
class Grant:
    deck_id: str
    kind: PrincipalKind
    principal: str
    level: AccessLevel
    granted_by: str
    granted_at: datetime


@dataclass(frozen=True)
class SharedDeck:
    """A deck someone else owns that a grant opens to the caller."""

    summary: DeckSummary
    owner: str  # the owner's user id
    owner_name: str  # who shared it (only the owner shares): their e-mail
    level: AccessLevel


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def check_principal(kind: PrincipalKind | str, principal: str) -> tuple[PrincipalKind, str]:
    """The grant's principal as stored; ValueError naming what is wrong."""
    try:
        kind = PrincipalKind(kind)
    except ValueError:
        raise ValueError(f"share with a user or a group (got {kind!r})") from None
    name = " ".join(str(principal).split())
    if not name:
        raise ValueError("name a user (their e-mail) or a group")
    if len(name) > MAX_PRINCIPAL_CHARS or any(ord(c) < 32 for c in str(principal).strip()):
        raise ValueError(f"a name of at most {MAX_PRINCIPAL_CHARS} printable characters")
    if kind is PrincipalKind.USER:
        if not _EMAIL.match(name):
            raise ValueError(f"“{name}” is not an e-mail address")
        name = name.lower()
    return kind, name


class SharingMixin:
    """The sharing methods of `DeckStore` (which provides `engine`)."""

    engine: sa.Engine

    def access_level(self, owner: Caller, deck_id: str) -> AccessLevel | None:
        """What the caller may do with the live deck `deck_id`: owner, editor, viewer, or None
        (the store's convention names the caller `owner`, as in every method)."""
        caller = owner
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(decks.c.owner).where(
                    decks.c.id == deck_id, deck_access(caller), decks.c.deleted_at.is_(None)
                )
            ).first()
            if row is None:
                return None
            if isinstance(caller, str) or row.owner == caller.user_id:
                return AccessLevel.OWNER
            editable = conn.execute(
                sa.select(sa.literal(1)).where(
                    decks.c.id == deck_id, deck_access(caller, write=True)
                )
            ).first()
        return AccessLevel.EDITOR if editable else AccessLevel.VIEWER

    def list_shared_decks(self, owner: Principal) -> list[SharedDeck]:
        """Live decks of other owners that a grant opens to the caller, newest change first."""
        principal = owner
        query = (
            sa.select(decks, deck_grants.c.level, deck_grants.c.granted_by)
            .join(deck_grants, deck_grants.c.deck_id == decks.c.id)
            .where(
                decks.c.id.in_(grants_for(principal, write=False)),
                decks.c.owner != principal.user_id,
                decks.c.deleted_at.is_(None),
                names_principal(principal),
            )
            .order_by(decks.c.updated_at.desc(), decks.c.id)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        found: dict[str, SharedDeck] = {}
        for r in rows:
            level = AccessLevel(r.level)
            held = found.get(r.id)
            if held is not None and (held.level is AccessLevel.EDITOR or not level.can_edit):
                continue  # one entry per deck, at the highest level any grant gives
            summary = DeckSummary(
                id=r.id,
                title=r.title,
                slide_count=r.slide_count,
                updated_at=_aware(r.updated_at),
                version=r.head_version,
                created_at=_aware(r.created_at),
            )
            found[r.id] = SharedDeck(summary, r.owner, r.granted_by, level)
        return list(found.values())

    def list_grants(self, owner: str, deck_id: str) -> list[Grant]:
        """The deck's grants (users first, then groups, by name); owner only."""
        with self.engine.connect() as conn:
            self._owned(conn, owner, deck_id)
            rows = conn.execute(
                sa.select(deck_grants)
                .where(deck_grants.c.deck_id == deck_id)
                .order_by(deck_grants.c.principal_kind.desc(), deck_grants.c.principal)
            ).all()
        return [_grant(r) for r in rows]

    def share_deck(
        self,
        owner: str,
        deck_id: str,
        kind: PrincipalKind | str,
        principal: str,
        level: AccessLevel | str,
        *,
        granted_by: str,
    ) -> Grant:
        """Grant (or change the level of) `principal`'s access; owner only."""
        kind, name = check_principal(kind, principal)
        level = AccessLevel(level)
        if level is AccessLevel.OWNER:
            raise ValueError("a deck is shared as viewer or editor")
        now = datetime.now(UTC)
        key = (
            deck_grants.c.deck_id == deck_id,
            deck_grants.c.principal_kind == kind.value,
            deck_grants.c.principal == name,
        )
        with write_connection(self.engine) as conn:
            self._owned(conn, owner, deck_id)
            changed = conn.execute(
                deck_grants.update()
                .where(*key)
                .values(level=level.value, granted_by=granted_by[:255], granted_at=now)
            )
            if changed.rowcount == 0:
                conn.execute(
                    deck_grants.insert().values(
                        deck_id=deck_id,
                        principal_kind=kind.value,
                        principal=name,
                        level=level.value,
                        granted_by=granted_by[:255],
                        granted_at=now,
                    )
                )
        return Grant(deck_id, kind, name, level, granted_by[:255], now)

    def unshare_deck(
        self, owner: str, deck_id: str, kind: PrincipalKind | str, principal: str
    ) -> bool:
        """Remove a grant; False when there was none. Owner only."""
        kind, name = check_principal(kind, principal)
        with write_connection(self.engine) as conn:
            self._owned(conn, owner, deck_id)
            done = conn.execute(
                deck_grants.delete().where(
                    deck_grants.c.deck_id == deck_id,
                    deck_grants.c.principal_kind == kind.value,
                    deck_grants.c.principal == name,
                )
            )
        return done.rowcount > 0

    def _owned(self, conn: sa.Connection, owner: str, deck_id: str) -> None:
        found = conn.execute(
            sa.select(decks.c.id).where(
                decks.c.id == deck_id, deck_access(owner), decks.c.deleted_at.is_(None)
            )
        ).first()
        if found is None:
            raise DeckNotFoundError(f"deck {deck_id} not found")


def _grant(row: sa.Row) -> Grant:
    return Grant(
        deck_id=row.deck_id,
        kind=PrincipalKind(row.principal_kind),
        principal=row.principal,
        level=AccessLevel(row.level),
        granted_by=row.granted_by,
        granted_at=_aware(row.granted_at),
    )
