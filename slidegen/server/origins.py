"""Which web origins may talk to the app with the user's credentials, for HTTP and the websocket.

Reflex's defaults answer any `Origin` with `Access-Control-Allow-Origin: <origin>` and
`Allow-Credentials: true`, and accept the `/_event` websocket handshake from any page. Behind
the Databricks Apps proxy the user's session rides along on every request a browser makes, so a
page on another site could drive the app as the user. `OriginGuard` wraps the whole ASGI app and,
for an `Origin` that is not allowed, refuses websocket handshakes and every HTTP request but
GET/HEAD (CORS preflights included) before Reflex sees them, and strips any CORS header from
the answer to a GET/HEAD, so the browser lets the other page read nothing. (GET/HEAD pass
because an opaque-origin slide frame sends `Origin: null` when it loads the app's Chart.js.)
Allowed are:

- the app's own origin: the `Origin` names the host of the request itself (`X-Forwarded-Host`,
  set by the proxy, or `Host`);
- the origins listed in `ALLOWED_ORIGINS` (comma separated);
- in development, `reflex run`'s frontend on `localhost:3000` / `127.0.0.1:3000`, which talks
  to the backend on :8000.

A request without `Origin` is not from another site's page (browsers always send it on
cross-origin requests and on websocket handshakes), so it passes; it still needs an identity.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Mapping
from urllib.parse import urlsplit

from slidegen.config import Settings, get_settings
from slidegen.server.headers import scope_headers
from slidegen.server.http import ASGIApp, Message, Receive, Scope, Send

__all__ = ["DEV_FRONTEND_ORIGINS", "OriginGuard", "configured_origins", "origin_allowed"]

log = logging.getLogger("slidegen.origins")

DEV_FRONTEND_ORIGINS = ("http://localhost:3000", "http://127.0.0.1:3000")
_DEFAULT_PORTS = {"http": "80", "https": "443", "ws": "80", "wss": "443"}


def _normal_origin(value: str) -> str | None:
    """`scheme://host[:port]` in lower case with the default port dropped, or None."""
    parts = urlsplit(value.strip())
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname or parts.path not in ("", "/"):
        return None
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        return None
    suffix = f":{port}" if port and str(port) != _DEFAULT_PORTS[parts.scheme] else ""
    return f"{parts.scheme}://{host}{suffix}"


def _host_key(netloc: str) -> str:
    """A Host / X-Forwarded-Host value compared without scheme: lower case, no 80/443 port."""
    host = netloc.strip().lower()
    for port in (":80", ":443"):
        if host.endswith(port):
            host = host[: -len(port)]
    return host


@functools.lru_cache(maxsize=8)
def _configured(allowed: str, development: bool) -> frozenset[str]:
    items = [part for part in allowed.split(",") if part.strip()]
    if development:
        items.extend(DEV_FRONTEND_ORIGINS)
    return frozenset(origin for item in items if (origin := _normal_origin(item)))


def configured_origins(settings: Settings) -> frozenset[str]:
    """`ALLOWED_ORIGINS`, plus the `reflex run` frontend in development."""
    return _configured(settings.allowed_origins, not settings.is_production)


def origin_allowed(origin: str, headers: Mapping[str, str], settings: Settings) -> bool:
    """Whether a browser page on `origin` may use the app (see the module docstring)."""
    normal = _normal_origin(origin)
    if normal is None:  # "null" (sandboxed documents, file://) and anything malformed
        return False
    if normal in configured_origins(settings):
        return True
    netloc = normal.split("://", 1)[1]
    forwarded = headers.get("x-forwarded-host", "").split(",")[0]
    own = {_host_key(value) for value in (forwarded, headers.get("host", "")) if value.strip()}
    return _host_key(netloc) in own


class OriginGuard:
    """Answers 403 to HTTP requests and refuses websocket handshakes from other origins."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = scope_headers(scope)
        origin = headers.get("origin")
        if origin is None or origin_allowed(origin, headers, get_settings()):
            await self.app(scope, receive, send)
            return
        refused = {"origin": origin[:200], "path": scope.get("path"), "method": scope.get("method")}
        if scope["type"] == "websocket":
            log.warning("websocket from another origin refused", extra=refused)
            message = await receive()
            if message["type"] == "websocket.connect":
                # Closing before accepting makes the server answer the handshake with 403.
                await send({"type": "websocket.close", "code": 1008})
            return
        if (
            scope.get("method") in ("GET", "HEAD")
            and "access-control-request-method" not in headers
        ):

            async def without_cors(message: Message) -> None:
                if message["type"] == "http.response.start":
                    message["headers"] = [
                        (name, value)
                        for name, value in message.get("headers") or []
                        if not name.lower().startswith(b"access-control-")
                    ]
                await send(message)

            await self.app(scope, receive, without_cors)
            return
        log.warning("request from another origin refused", extra=refused)
        body = json.dumps(
            {
                "error": "origin_not_allowed",
                "message": "Requests from this web origin are not allowed; open the app itself.",
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 403,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"vary", b"Origin"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
