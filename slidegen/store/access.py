"""Who may reach a deck, as one SQL condition every deck query carries.

A caller is either an owner id (`str`: only that user's own decks, as before sharing) or a
`Principal` (a signed-in user with their e-mail and workspace groups): the owner, or someone a
grant names directly (by e-mail) or through one of their groups. Writes need an *editor* grant;
reads any grant. `deck_access` is the only place this rule is written as SQL, so no query can
return a deck without it. Owner-only actions (rename, delete, share) pass the owner id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import sqlalchemy as sa

from slidegen.store.tables import deck_grants, decks

__all__ = [
    "AccessLevel",
    "Caller",
    "Principal",
    "PrincipalKind",
    "caller_id",
    "deck_access",
    "grants_for",
    "names_principal",
]


class AccessLevel(StrEnum):
    VIEWER = "viewer"
    EDITOR = "editor"
    OWNER = "owner"  # never stored: ownership is `decks.owner`

    @property
    def can_edit(self) -> bool:
        return self is not AccessLevel.VIEWER


class PrincipalKind(StrEnum):
    USER = "user"
    GROUP = "group"


@dataclass(frozen=True)
class Principal:
    """A signed-in user as the grants see them."""

    user_id: str
    email: str = ""
    groups: frozenset[str] = field(default_factory=frozenset)

    @property
    def grant_email(self) -> str:
        return self.email.strip().lower()


Caller = str | Principal


def caller_id(caller: Caller) -> str:
    """The user id of a caller (what a version's `actor` records)."""
    return caller if isinstance(caller, str) else caller.user_id


def names_principal(principal: Principal) -> Any:
    """The condition on a `deck_grants` row that it names `principal` (directly or by group)."""
    named = []
    if principal.grant_email:
        named.append(
            sa.and_(
                deck_grants.c.principal_kind == PrincipalKind.USER.value,
                deck_grants.c.principal == principal.grant_email,
            )
        )
    if principal.groups:
        named.append(
            sa.and_(
                deck_grants.c.principal_kind == PrincipalKind.GROUP.value,
                deck_grants.c.principal.in_(sorted(principal.groups)),
            )
        )
    return sa.or_(sa.false(), *named)


def grants_for(principal: Principal, *, write: bool) -> Any:
    """The ids of the decks a grant opens to `principal` (at editor level when `write`)."""
    query = sa.select(deck_grants.c.deck_id).where(names_principal(principal))
    if write:
        query = query.where(deck_grants.c.level == AccessLevel.EDITOR.value)
    return query


def deck_access(caller: Caller, *, write: bool = False) -> Any:
    """The condition on `decks` under which `caller` may read (or, `write`, change) a row."""
    if isinstance(caller, str):
        return decks.c.owner == caller
    return sa.or_(decks.c.owner == caller.user_id, decks.c.id.in_(grants_for(caller, write=write)))
