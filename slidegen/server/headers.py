"""Request headers as one shape: a dict by lower-case name, whichever way they arrive.

Headers reach us three ways: an ASGI scope's byte pairs (the middlewares: request log, token
binding, CSP, origin guard), a mapping (Starlette's `request.headers`, a test's dict), and
Reflex's router data of a websocket connection (the event log, the states). Identity, the
request id, the page policy and the origin check all read what these functions return, so a
header cannot be seen by one reader and missed by another: scope headers are decoded the way
Reflex decodes the same handshake for the states (UTF-8, else Latin-1; a repeated header joined
with ", ", cookies with "; "), and names are never rewritten (an `X_Forwarded_User` header is
not `X-Forwarded-User`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, MutableMapping
from typing import Any

__all__ = ["forwarded_host", "lower_keys", "reflex_headers", "scope_headers"]


def lower_keys(headers: Mapping[str, str]) -> dict[str, str]:
    """The headers by lower-case name (a repeated name, differently cased, keeps the last)."""
    return {str(name).lower(): str(value) for name, value in headers.items()}


def _decode(raw: bytes) -> str:
    try:
        return raw.decode()
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _pairs(pairs: Iterable[tuple[bytes, bytes]]) -> dict[str, str]:
    decoded: dict[str, str] = {}
    for raw_name, raw_value in pairs:
        name, value = _decode(raw_name).lower(), _decode(raw_value)
        if name in decoded:
            value = decoded[name] + ("; " if name == "cookie" else ", ") + value
        decoded[name] = value
    return decoded


def scope_headers(scope: MutableMapping[str, Any]) -> dict[str, str]:
    """The headers of an ASGI HTTP request or websocket handshake."""
    return _pairs(scope.get("headers") or [])


def reflex_headers(router: Mapping[str, Any] | Any) -> dict[str, str]:
    """The handshake headers of a Reflex connection, from an event's router data (a dict with
    `headers`) or a state's `router` (`RouterData`, whose `headers.raw_headers` holds them)."""
    if isinstance(router, Mapping):
        headers = router.get("headers")
    else:
        headers = getattr(getattr(router, "headers", None), "raw_headers", None)
    return lower_keys(headers) if isinstance(headers, Mapping) else {}


def forwarded_host(headers: Mapping[str, str]) -> str:
    """The host the browser asked for: the proxy's first `X-Forwarded-Host`, else `Host`."""
    forwarded = headers.get("x-forwarded-host", "").split(",")[0].strip()
    return forwarded or headers.get("host", "").strip()
