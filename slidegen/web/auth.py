"""Who is on the other end of a Reflex event: identity from the websocket connection only.

Reflex caches the handshake headers of each socket connection and copies them into
`state.router` before every event; an event payload cannot change them. So the user of an event
is always `identity_from_headers(<handshake headers>)`, never anything the browser sends in an
event. Every state method that reads or writes a deck calls `connection_user` first and passes
the user id to the store, whose every query is scoped by owner.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from slidegen.config import get_settings
from slidegen.server.headers import forwarded_host, reflex_headers
from slidegen.server.identity import UserContext, identity_from_headers

__all__ = ["asset_base", "connection_headers", "connection_user"]


def connection_headers(state: Any) -> Mapping[str, str]:
    """The raw (lower-case) headers of the websocket handshake behind `state`."""
    return reflex_headers(getattr(state, "router", None))


def connection_user(state: Any) -> UserContext | None:
    """The signed-in user of this connection, the development fallback, or None."""
    return identity_from_headers(connection_headers(state), get_settings())


_ORIGIN_RE = re.compile(r"^https?://[A-Za-z0-9.\-\[\]:]+$")


def asset_base(state: Any) -> str:
    """The app's origin as this connection's browser sees it ("" if unknown).

    Taken from the websocket handshake's `Origin` header (the page's own origin, set by the
    browser), else `X-Forwarded-Host`/`Host`. Slide documents load the vendored Chart.js from
    there. It only shapes what this connection itself is sent, so it needs no further trust.
    """
    headers = connection_headers(state)
    origin = headers.get("origin", "").strip()
    if not _ORIGIN_RE.match(origin):
        host = forwarded_host(headers)
        proto = headers.get("x-forwarded-proto", "http")
        origin = f"{proto}://{host}" if host else ""
    return origin if _ORIGIN_RE.match(origin) else ""
