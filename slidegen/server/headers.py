"""Request headers as one shape: a dict by lower-case name, whichever way they arrive.

Headers reach us three ways: an ASGI scope's byte pairs (the middlewares: request log, token
binding, CSP, origin guard), a mapping (Starlette's `request.headers`, a test's dict), and
Reflex's router data of a websocket connection (the event log, the states). Identity, the
request id, the page policy and the origin check all read what these functions return, so a
header cannot be seen by one reader and missed by another: scope headers are decoded the way
Reflex decodes the same handshake for the states (UTF-8, else Latin-1; a repeated header joined
with ", ", cookies with "; "), and names are never rewritten (an `X_Forwarded_User` header is
not `X-Forwarded-User`). A mapping whose names repeat once lower-cased (Starlette's `items()`
lists every copy) is joined the same way, so no reader keeps only the last copy.

`single_value` is how identity headers are read: a header the proxy sends once. Once joined, a
repeat shows as a comma, and so does a repeat an intermediary merged into one line (RFC 9110
section 5.3 allows that), so a comma in such a header means it was sent more than once; the
values the proxy puts there (user ids, e-mails, names, tokens) never hold one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, MutableMapping
from typing import Any

__all__ = ["forwarded_host", "lower_keys", "reflex_headers", "scope_headers", "single_value"]


def _joined(name: str, first: str, then: str) -> str:
    return first + ("; " if name == "cookie" else ", ") + then


def lower_keys(headers: Mapping[str, str]) -> dict[str, str]:
    """The headers by lower-case name; a name repeated (differently cased, or every copy listed
    by `items()`) is joined as a repeated scope header is."""
    lowered: dict[str, str] = {}
    for raw_name, raw_value in headers.items():
        name, value = str(raw_name).lower(), str(raw_value)
        lowered[name] = _joined(name, lowered[name], value) if name in lowered else value
    return lowered


def _decode(raw: bytes) -> str:
    try:
        return raw.decode()
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _pairs(pairs: Iterable[tuple[bytes, bytes]]) -> dict[str, str]:
    decoded: dict[str, str] = {}
    for raw_name, raw_value in pairs:
        name, value = _decode(raw_name).lower(), _decode(raw_value)
        decoded[name] = _joined(name, decoded[name], value) if name in decoded else value
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


def single_value(headers: Mapping[str, str], name: str) -> str | None:
    """Header `name` (lower case) of headers these readers returned, stripped ("" when absent),
    or None when it was sent more than once (see the module docstring)."""
    value = headers.get(name, "")
    return None if "," in value else value.strip()
