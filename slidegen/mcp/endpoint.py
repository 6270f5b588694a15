"""The `/mcp` endpoint: Streamable HTTP on the app's own port, behind the app's identity rule.

Identity is the UI's: the headers the Databricks Apps proxy adds (`identity_from_headers`). A
request without a user (in production: no `X-Forwarded-User`) is answered 403 here, before the
MCP layer reads it; one whose identity headers repeat (naming no one user) is answered 400. The
app's origin check (`server.origins.OriginGuard`) runs outside this as for every path; MCP
clients usually send no `Origin`, which passes it.

The transport is stateless (a fresh server per POST, no session id): any worker can answer any
request, which several workers sharing Redis need, and every request is authorised from its own
headers. Tool progress streams back on the POST's SSE response. The SDK's session manager needs a
running task group: `lifespan()` is a Reflex lifespan task (`slidegen/slidegen.py`); until it
runs, or after it stopped, requests get 503.

DNS rebinding: in production the proxy is the only way in and every request needs its user, so
the SDK's Host check is off (the platform chooses the host name). In development the identity
falls back to the dev user without any header, so a page on a rebound host name must not reach
it: the SDK's check then allows only loopback hosts and the hosts of `ALLOWED_ORIGINS`.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

from slidegen.config import Settings, get_settings
from slidegen.server.http import Receive, Scope, Send, scope_headers
from slidegen.server.identity import AMBIGUOUS_IDENTITY, ambiguous_identity, identity_from_headers
from slidegen.server.origins import configured_origins

__all__ = ["MAX_REQUEST_BYTES", "McpEndpoint", "transport_security"]

log = logging.getLogger("slidegen.mcp")
# The SDK logs every request at INFO ("Processing request of type …", "Terminating session"); the
# app's own request log already has one line per request with its user and duration.
logging.getLogger("mcp.server").setLevel(logging.WARNING)

# An `import_deck` call carries up to 5 MB of HTML, which JSON escaping can nearly double.
MAX_REQUEST_BYTES = 12 * 1024 * 1024
_LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")


def transport_security(settings: Settings) -> Any:
    """The SDK's Host/Origin check for this environment (see the module docstring)."""
    from mcp.server.transport_security import TransportSecuritySettings

    if settings.is_production:
        return TransportSecuritySettings(enable_dns_rebinding_protection=False)
    hosts = [f"{host}:*" for host in _LOOPBACK_HOSTS] + list(_LOOPBACK_HOSTS)
    origins = [f"http://{host}:*" for host in _LOOPBACK_HOSTS]
    for origin in sorted(configured_origins(settings)):
        netloc = urlsplit(origin).netloc
        hosts.append(netloc)
        origins.append(origin)
    return TransportSecuritySettings(
        enable_dns_rebinding_protection=True, allowed_hosts=hosts, allowed_origins=origins
    )


async def _answer(send: Send, status: int, code: str, message: str) -> None:
    body = json.dumps({"error": code, "message": message}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class McpEndpoint:
    """ASGI app for `/mcp`: refuses requests with no user, serves the rest with `server`."""

    def __init__(self, server: Any) -> None:
        self.server = server  # an mcp.server.lowlevel.Server
        self._manager: Any = None

    @property
    def running(self) -> bool:
        return self._manager is not None

    @contextlib.asynccontextmanager
    async def lifespan(self) -> AsyncIterator[None]:
        """Run the SDK's session manager (a new one each time: one may only run once)."""
        from mcp.server.streamable_http_manager import StreamableHTTPSessionManager

        manager = StreamableHTTPSessionManager(
            app=self.server,
            stateless=True,
            json_response=False,
            security_settings=transport_security(get_settings()),
            max_request_body_size=MAX_REQUEST_BYTES,
        )
        async with manager.run():
            self._manager = manager
            try:
                yield
            finally:
                self._manager = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":  # Streamable HTTP has no websocket: refuse it
            if (await receive())["type"] == "websocket.connect":
                await send({"type": "websocket.close", "code": 1008})
            return
        if scope["type"] != "http":
            return
        headers = scope_headers(scope)
        if identity_from_headers(headers, get_settings()) is None:
            if (why := ambiguous_identity(headers)) is not None:
                await _answer(send, 400, AMBIGUOUS_IDENTITY, why)
                return
            await _answer(
                send,
                403,
                "not_signed_in",
                "This request has no X-Forwarded-User header: call the MCP server through "
                "Databricks Apps, which signs you in.",
            )
            return
        manager = self._manager
        if manager is None:
            await _answer(send, 503, "mcp_not_running", "The MCP server is starting or stopping.")
            return
        await manager.handle_request(scope, receive, send)
