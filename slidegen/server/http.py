"""HTTP middleware: per-request identity, request ids and the completion log line.

`RequestLogMiddleware` wraps the whole ASGI app (static files, Reflex's own routes, `/api/*`).
For every HTTP request it takes the request id from `X-Request-Id` (or makes one), echoes it in
the response, sets the log context, and logs one line on completion with `method, path,
status_code, duration_ms, user_id, request_id`. Websocket handshakes get the same log context
for the lifetime of the connection. Header values are never logged.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from slidegen.config import get_settings
from slidegen.server.headers import scope_headers
from slidegen.server.identity import identity_from_headers, request_id_from_headers
from slidegen.server.logs import log_context

__all__ = ["RequestLogMiddleware"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger("slidegen.http")


class RequestLogMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = scope_headers(scope)
        request_id = request_id_from_headers(headers)
        user = identity_from_headers(headers, get_settings())
        user_id = user.user_id if user else None
        scope.setdefault("state", {})["request_id"] = request_id

        if scope["type"] == "websocket":
            with log_context(user_id=user_id, request_id=request_id):
                await self.app(scope, receive, send)
            return

        status = {"code": 500}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [
                    *message["headers"],
                    (b"x-request-id", request_id.encode("latin-1")),
                ]
            await send(message)

        start = time.perf_counter()
        with log_context(user_id=user_id, request_id=request_id):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                log.info(
                    "request",
                    extra={
                        "method": scope.get("method"),
                        "path": scope.get("path"),
                        "status_code": status["code"],
                        "duration_ms": round((time.perf_counter() - start) * 1000, 2),
                        "user_id": user_id,
                        "request_id": request_id,
                    },
                )
