"""The emulator's core: shared state, request journal, fault and latency injection, assembly.

The Databricks REST emulator is one Starlette app. Each API family lives in its own module
named `api_<family>.py` in this package and exposes `routes(emu: Emulator) -> list[BaseRoute]`;
`create_app` discovers those modules, so adding an API never touches this file.

Tests script behaviour through the `Emulator` object (the same object the routes read):
- `emu.journal` records every request (method, path, query, headers, body) for assertions;
- `emu.add_fault(...)` queues a fault for requests whose path matches a regex: an HTTP error
  with the real error body shape (and `Retry-After` for 429), a hang, or a dropped stream;
- `emu.latency_s` delays every request (B5 uses 30 ms).
Tokens are accepted as any non-empty bearer token unless `emu.accepted_tokens` names the valid
ones (others get the 403 "Invalid access token." a workspace answers); `emu.tokens_seen` lists
them so tests can prove whose token a call carried.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import pkgutil
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

__all__ = ["Emulator", "Fault", "RecordedRequest", "create_app", "error_response"]

FaultKind = str  # "http" | "hang" | "drop_stream"


@dataclass
class Fault:
    """One scripted failure for requests whose `method path` matches `pattern`.

    kind "http": answer `status` with a Databricks error body (and Retry-After for 429).
    kind "hang": never answer (until the client gives up or the server stops).
    kind "drop_stream": streaming routes cut the stream after `after_chunks` chunks; other
    routes close the connection without an answer.
    """

    pattern: str
    kind: FaultKind = "http"
    status: int = 500
    error_code: str = "INTERNAL_ERROR"
    message: str = "emulated failure"
    retry_after_s: int | None = None
    after_chunks: int = 0
    times: int = 1  # how many matching requests it applies to; -1 for all

    def matches(self, method: str, path: str) -> bool:
        return re.search(self.pattern, f"{method} {path}") is not None


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    @property
    def token(self) -> str | None:
        auth = self.headers.get("authorization", "")
        return auth.removeprefix("Bearer ").strip() or None if auth.startswith("Bearer ") else None

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass
class Emulator:
    """Everything the emulated workspace knows. API modules keep their own state in `data`."""

    latency_s: float = 0.0
    journal: list[RecordedRequest] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    base_url: str = ""
    # None accepts any bearer token; a set accepts only those (others get the real 403).
    accepted_tokens: set[str] | None = None
    lock: threading.RLock = field(default_factory=threading.RLock)

    def add_fault(self, pattern: str, **kwargs: Any) -> Fault:
        fault = Fault(pattern=pattern, **kwargs)
        with self.lock:
            self.faults.append(fault)
        return fault

    def take_fault(self, method: str, path: str) -> Fault | None:
        """The first queued fault matching this request, consumed once (unless times == -1)."""
        with self.lock:
            for fault in self.faults:
                if fault.matches(method, path):
                    if fault.times > 0:
                        fault.times -= 1
                        if fault.times == 0:
                            self.faults.remove(fault)
                    return fault
        return None

    def state(self, key: str, factory: Callable[[], Any]) -> Any:
        """Module-owned state under `key`, created on first use."""
        with self.lock:
            if key not in self.data:
                self.data[key] = factory()
            return self.data[key]

    def requests(
        self, method: str | None = None, path_regex: str | None = None
    ) -> list[RecordedRequest]:
        with self.lock:
            return [
                r
                for r in self.journal
                if (method is None or r.method == method)
                and (path_regex is None or re.search(path_regex, r.path))
            ]

    @property
    def tokens_seen(self) -> list[str]:
        return [r.token for r in self.requests() if r.token]

    def reset_journal(self) -> None:
        with self.lock:
            self.journal.clear()


# What a workspace answers without a credential, and with a token it does not know (or one that
# expired): the SDK turns them into Unauthenticated / PermissionDenied, the OpenAI client into
# AuthenticationError / PermissionDeniedError.
UNAUTHENTICATED = ("401", "Credential was not sent or was of an unsupported type for this API.")
INVALID_TOKEN = ("403", "Invalid access token.")


def error_response(status: int, error_code: str, message: str, **headers: str) -> JSONResponse:
    """The Databricks REST error shape the SDK parses into typed exceptions."""
    return JSONResponse(
        {"error_code": error_code, "message": message}, status_code=status, headers=headers or None
    )


class _Journal:
    """ASGI middleware: record, authenticate, delay, inject faults."""

    def __init__(self, app: Any, emu: Emulator) -> None:
        self.app = app
        self.emu = emu

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        query = dict(Request(scope).query_params)
        method, path = scope["method"], scope["path"]
        with self.emu.lock:
            self.emu.journal.append(RecordedRequest(method, path, query, headers, body))

        replayed = False

        async def replay() -> dict:
            # The body once, then the client's own messages: a streaming route waits on them
            # to learn that the client went away (`http.disconnect`).
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        if self.emu.latency_s:
            await asyncio.sleep(self.emu.latency_s)

        public = path.startswith("/.well-known/") or path.startswith("/oidc/")
        authorization = headers.get("authorization", "")
        if not public and not authorization.startswith("Bearer "):
            await error_response(401, *UNAUTHENTICATED)(scope, replay, send)
            return
        accepted = self.emu.accepted_tokens
        if not public and accepted is not None and authorization[7:].strip() not in accepted:
            await error_response(403, *INVALID_TOKEN)(scope, replay, send)
            return

        fault = self.emu.take_fault(method, path)
        if fault is not None:
            if fault.kind == "hang":
                await asyncio.sleep(3600)
                return
            if fault.kind == "drop_stream":
                scope.setdefault("state", {})["drop_after_chunks"] = fault.after_chunks
            else:
                extra = {"Retry-After": str(fault.retry_after_s)} if fault.retry_after_s else {}
                response = error_response(fault.status, fault.error_code, fault.message, **extra)
                await response(scope, replay, send)
                return
        await self.app(scope, replay, send)


def _discover_routes(emu: Emulator) -> list[BaseRoute]:
    routes: list[BaseRoute] = []
    package = importlib.import_module(__package__ or "slidegen.emulator")
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name.startswith("api_"):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            routes.extend(module.routes(emu))
    return routes


async def _not_found(request: Request) -> Response:
    return error_response(
        404, "ENDPOINT_NOT_FOUND", f"No API found for '{request.method} {request.url.path}'"
    )


def create_app(emu: Emulator | None = None) -> Starlette:
    """The emulator as an ASGI app; `app.state.emulator` is the scripted state."""
    emu = emu or Emulator()
    app = Starlette(
        routes=[
            *_discover_routes(emu),
            Route("/{path:path}", _not_found, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
        ]
    )
    app.state.emulator = emu
    app.add_middleware(_Journal, emu=emu)
    app.state.started = time.time()
    return app
