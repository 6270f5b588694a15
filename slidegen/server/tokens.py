"""Binds each Reflex client token to the user whose connection presents it.

A Reflex tab names its server-side state with a client token that the browser keeps and sends
in the `/_event` handshake's query (`?token=`). Anyone holding a token (a copied URL, a log, a
shared machine) could connect with it under their own headers: Reflex would hand them the
state, and a background generation started by the first user would keep pushing its updates to
whichever socket holds the token now.

`UserBoundTokens` rewrites the token in the handshake before Reflex reads it, to a value derived
from (user id, token). The state, the token-to-socket link and every push of a running turn are
then keyed by a token that only a connection naming the same user can reach: a socket whose
headers name another user gets a fresh, empty state of its own and nothing of the first user's
work. The browser never sees the derived value and keeps using its own token.

This relies on Reflex reading the token from the websocket scope's query string
(`EventNamespace.on_connect`, reflex 0.10.1); `tests/unit/server/test_reflex_internals.py`
fails if an upgrade changes that.
"""

from __future__ import annotations

import hashlib
import uuid
from urllib.parse import parse_qsl, urlencode

from slidegen.config import get_settings
from slidegen.server.headers import scope_headers
from slidegen.server.http import ASGIApp, Receive, Scope, Send
from slidegen.server.identity import identity_from_headers

__all__ = ["UserBoundTokens", "user_token"]

EVENT_PATH = "/_event"


def user_token(user_id: str, token: str) -> str:
    """The server-side token for `token` presented by `user_id` (a UUID, like Reflex's own)."""
    digest = hashlib.sha256(f"slidegen-tab\0{user_id}\0{token}".encode()).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


class UserBoundTokens:
    """Rewrites `?token=` of websocket handshakes on `/_event` to the user-bound token."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "websocket" and (path == EVENT_PATH or path.startswith(EVENT_PATH)):
            query = scope.get("query_string", b"").decode("latin-1")
            pairs = parse_qsl(query, keep_blank_values=True)
            if any(key == "token" for key, _ in pairs):
                user = identity_from_headers(scope_headers(scope), get_settings())
                uid = user.user_id if user else ""
                pairs = [(k, user_token(uid, v) if k == "token" else v) for k, v in pairs]
                scope = dict(scope)
                scope["query_string"] = urlencode(pairs).encode("latin-1")
        await self.app(scope, receive, send)
