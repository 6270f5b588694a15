"""Who the caller is to the store: a `Principal` with the user's workspace groups, cached briefly.

Every `DeckService` method turns its `user` into a `Principal` here (`Access.principal`), and
the store's queries then let that principal reach its own decks and the decks a grant opens to
its e-mail or one of its groups. A `str` user (the CLI, tests) is a user id with no groups.

Groups come from the workspace's SCIM API, through `databricks-sdk`:
- with the token the Apps proxy forwards when user authorization is on
  (`UserContext.access_token`): `GET /api/2.0/preview/scim/v2/Me` (`w.current_user.me()`), which
  needs the app's user authorization scope `iam.current-user:read`;
- without one, as the app's service principal: `GET /api/2.0/preview/scim/v2/Users?filter=
  userName eq "<e-mail>"&attributes=groups` (`w.users.list`): a service principal cannot ask
  for another identity's `Me`, and a workspace identity may read users and their groups.
When `Me` with the user's token fails (the scope is missing), the app's own lookup is tried.
A lookup that fails gives no groups (only the owner and direct grants apply: fail closed), is
logged without the token, and is remembered for a shorter time than a success, so a workspace
that is down is not asked again on every click. Answers are kept `GROUPS_TTL_S` seconds per
user: a change of group membership shows within a minute; a grant or a revocation at once.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable

from slidegen.config import Settings, get_settings
from slidegen.service.threads import run_blocking
from slidegen.store import Principal
from slidegen.users import UserContext

__all__ = ["GROUPS_TTL_S", "Access", "User", "workspace_groups"]

log = logging.getLogger("slidegen.service.access")

GROUPS_TTL_S = 60.0
FAILED_TTL_S = 10.0
LOOKUP_TIMEOUT_S = 5.0  # a first click waits at most this long for the workspace
_MAX_CACHED = 10_000

# Who a service call is for: the signed-in user, or a bare user id (CLI, tests).
User = str | UserContext
GroupLookup = Callable[[UserContext], frozenset[str]]


def workspace_groups(user: UserContext, settings: Settings | None = None) -> frozenset[str]:
    """The display names of the workspace groups `user` belongs to (blocking: SDK calls)."""
    from slidegen.agent.model import app_workspace_client, user_workspace_client

    settings = settings or get_settings()
    app = app_workspace_client(settings)
    if user.access_token:
        try:
            me = user_workspace_client(app, user.access_token, settings).current_user.me(
                attributes="groups"
            )
            return frozenset(g.display for g in me.groups or () if g.display)
        except Exception as error:  # e.g. the app lacks the scope: ask as the app instead
            log.info(
                "SCIM Me with the user's token failed (%s); asking as the app", type(error).__name__
            )
    email = user.email.replace('"', "")
    names: set[str] = set()
    for found in app.users.list(filter=f'userName eq "{email}"', attributes="groups", count=10):
        names.update(g.display for g in found.groups or () if g.display)
    return frozenset(names)


class Access:
    """Principals for service calls, with each user's groups cached for `ttl_s` seconds."""

    def __init__(self, lookup: GroupLookup | None = None, *, ttl_s: float = GROUPS_TTL_S) -> None:
        self._lookup = lookup or workspace_groups
        self._ttl_s = ttl_s
        self._cache: dict[str, tuple[float, frozenset[str]]] = {}
        self._lock = threading.Lock()

    async def principal(self, user: User) -> Principal:
        """The store's view of `user`; PermissionError when nobody is signed in."""
        if isinstance(user, str):
            if not user.strip():
                raise PermissionError("no signed-in user")
            return Principal(user, user if "@" in user else "")
        if not user.user_id.strip():
            raise PermissionError("no signed-in user")
        return Principal(user.user_id, user.email, await self.groups(user))

    async def groups(self, user: UserContext) -> frozenset[str]:
        key = f"{user.user_id}\n{user.email}".lower()
        now = time.monotonic()
        with self._lock:
            held = self._cache.get(key)
        if held is not None and held[0] > now:
            return held[1]
        try:
            groups = await asyncio.wait_for(run_blocking(self._lookup, user), LOOKUP_TIMEOUT_S)
            until = now + self._ttl_s
        except Exception as error:  # the workspace is unreachable or refused: no groups
            log.warning(
                "could not read the workspace groups of a user (%s); only their own decks "
                "and direct grants apply",
                type(error).__name__,
                extra={"user_id": user.user_id},
            )
            groups, until = frozenset(), now + min(FAILED_TTL_S, self._ttl_s)
        with self._lock:
            if len(self._cache) >= _MAX_CACHED:
                self._cache.clear()
            self._cache[key] = (until, groups)
        return groups

    def cached_principal(self, user: User) -> Principal:
        """Like `principal`, without asking the workspace: the groups last looked up (none if
        never), for a write that cannot wait."""
        if isinstance(user, str):
            return Principal(user, user if "@" in user else "")
        with self._lock:
            held = self._cache.get(f"{user.user_id}\n{user.email}".lower())
        return Principal(user.user_id, user.email, held[1] if held else frozenset())

    def forget(self, user: UserContext | None = None) -> None:
        """Drop cached groups (of one user, or all): the next call asks the workspace."""
        with self._lock:
            if user is None:
                self._cache.clear()
            else:
                self._cache.pop(f"{user.user_id}\n{user.email}".lower(), None)
