"""A minimal Reflex websocket client (python-socketio) speaking the protocol the browser does.

Used by integration tests and benchmarks to drive event handlers over a real connection:
connect with a tab token and the headers the Apps proxy would add, send events by their full
handler name, read the state deltas the server pushes, and count the bytes received.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import socketio

__all__ = ["NAMESPACE", "ReflexSocket", "event_name"]

# The browser connects to ".../_event" with socket.io path "/_event", which socket.io also
# reads as the namespace: Reflex's handlers live in namespace "/_event".
NAMESPACE = "/_event"


def event_name(state_cls: Any, handler: str) -> str:
    """The wire name of `state_cls.handler` (e.g. "reflex___state____state.x___y.bump")."""
    return f"{state_cls.get_full_name()}.{handler}"


class ReflexSocket:
    def __init__(
        self, base_url: str, *, headers: dict[str, str] | None = None, token: str | None = None
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.headers = headers or {}
        self.token = token or str(uuid.uuid4())
        self.updates: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.bytes_received = 0
        self.client = socketio.AsyncClient(reconnection=False)
        self.client.on("event", self._on_event, namespace=NAMESPACE)
        # Reflex renames a token it takes for a second tab's (a tab's page would switch to it).
        self.new_token: str | None = None
        self.client.on("new_token", self._on_new_token, namespace=NAMESPACE)

    async def _on_new_token(self, token: Any) -> None:
        self.new_token = str(token)

    async def _on_event(self, data: Any) -> None:
        raw = data if isinstance(data, str) else json.dumps(data)
        self.bytes_received += len(raw.encode())
        await self.updates.put(json.loads(raw) if isinstance(data, str) else data)

    async def connect(self, timeout: float = 10) -> ReflexSocket:
        await self.client.connect(
            f"{self.base_url}?token={self.token}",
            headers=self.headers,
            transports=["websocket"],
            socketio_path="/_event",
            namespaces=[NAMESPACE],
            wait_timeout=timeout,
        )
        return self

    @property
    def local_port(self) -> int:
        """This client's TCP port on its websocket (to find the server process that serves it)."""
        sockname = self.client.eio.ws.get_extra_info("sockname")
        return int(sockname[1])

    async def send(self, name: str, payload: dict[str, Any] | None = None, path: str = "/") -> None:
        await self.client.emit(
            "event",
            {
                "name": name,
                "payload": payload or {},
                "router_data": {"pathname": path, "asPath": path, "query": {}},
            },
            namespace=NAMESPACE,
        )

    async def next_update(self, timeout: float = 10) -> dict[str, Any]:
        return await asyncio.wait_for(self.updates.get(), timeout)

    async def wait_for(self, predicate: Any, timeout: float = 10) -> dict[str, Any]:
        """The first pushed update for which `predicate(update)` is true."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            update = await self.next_update(max(0.01, deadline - loop.time()))
            if predicate(update):
                return update

    async def emit_raw(self, data: dict[str, Any]) -> None:
        """Send an event dict exactly as given (for tests of what the server ignores)."""
        await self.client.emit("event", data, namespace=NAMESPACE)

    async def close(self) -> None:
        await self.client.disconnect()
