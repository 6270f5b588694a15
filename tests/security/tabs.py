"""A browser tab as the attack suite drives it: a Reflex socket with a user's proxy headers.

`Tab.open()` hydrates and loads the main page like the browser does; `say()` sends a chat
message; `until(text)` reads pushed updates until one contains `text`; everything received is
kept (as JSON text) in `seen` so a test can assert that something never arrived.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from tests.security.conftest import user_headers
from tests.support.reflex_client import ReflexSocket, event_name

__all__ = ["HYDRATE", "Tab", "run"]

HYDRATE = "reflex___state____state.hydrate"
T = TypeVar("T")


def run(scenario: Coroutine[Any, Any, T]) -> T:
    """Run a scenario on its own loop (a browser test's Playwright may hold this thread's)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, scenario).result()


class Tab:
    def __init__(
        self,
        app: Any,
        user: str,
        *,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.user = user
        self.socket = ReflexSocket(app.url, headers=headers or user_headers(user, app), token=token)
        self.seen: list[str] = []

    @property
    def token(self) -> str:
        return self.socket.token

    @property
    def text(self) -> str:
        return "\n".join(self.seen)

    async def connect(self) -> Tab:
        await self.socket.connect()
        return self

    async def open(self, deck_id: str = "") -> Tab:
        from slidegen.web.states import SessionState

        await self.connect()
        path = f"/?deck={deck_id}" if deck_id else "/"
        await self.socket.send(HYDRATE, path=path)
        await self.socket.send(event_name(SessionState, "on_load"), path=path)
        if deck_id:
            await self.until(deck_id)
        return self

    async def send(self, state: Any, handler: str, payload: dict[str, Any] | None = None) -> None:
        await self.socket.send(event_name(state, handler), payload or {})

    async def say(self, prompt: str) -> None:
        from slidegen.web.states import ChatState

        await self.send(ChatState, "send", {"form": {"prompt": prompt}})

    async def until(self, text: str, timeout: float = 20) -> str:
        """Read updates until one contains `text`; returns that update as JSON."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            left = deadline - loop.time()
            if left <= 0:
                raise AssertionError(f"{text!r} never arrived; last: {self.seen[-3:]}")
            try:
                update = json.dumps(await self.socket.next_update(left))
            except TimeoutError:
                continue
            self.seen.append(update)
            if text in update:
                return update

    async def drain(self, seconds: float) -> None:
        """Keep what arrives during `seconds` (for asserting that something did not)."""
        loop = asyncio.get_running_loop()
        end = loop.time() + seconds
        while (left := end - loop.time()) > 0:
            try:
                self.seen.append(json.dumps(await self.socket.next_update(left)))
            except TimeoutError:
                break

    async def close(self) -> None:
        await self.socket.close()
