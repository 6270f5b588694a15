"""A client that gives up on a running generation leaves nothing behind: over a real HTTP server
(uvicorn on a loopback port), the official client abandons `create_deck` after its first slides;
the turn's stream is closed (which stops the model) and no deck is saved, with or without a
progress token on the call."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
import uvicorn
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client

from slidegen.agent import SlideReady
from slidegen.deck import parse_deck_html
from slidegen.mcp import DeckTools, build_mcp_endpoint
from slidegen.service import Access, DeckService, TurnSaved
from slidegen.service.themes import ThemeService

USER = {"X-Forwarded-User": "ada@example.com", "X-Forwarded-Email": "ada@example.com"}
SLIDES = parse_deck_html('<div class="slide"><h1>A</h1></div>').slides


class SlowTurns:
    """A generation writing one slide every 0.3 s, saving a deck after six."""

    def __init__(self, decks: DeckService) -> None:
        self.decks = decks
        self.written = 0
        self.closed = threading.Event()

    async def generate(self, user: Any, prompt: str, **_: Any) -> AsyncIterator[Any]:
        try:
            for index in range(6):
                await asyncio.sleep(0.3)
                self.written += 1
                yield SlideReady(index, SLIDES[0])
            yield TurnSaved(await self.decks.create(user, "Saved", slides=SLIDES), "Done.")
        finally:
            self.closed.set()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served(tmp_path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, SlowTurns, Any]]:
    from slidegen.config import load_settings
    from slidegen.store import open_store

    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("RATE_LIMIT_TURNS", "0")
    store = open_store(load_settings(SLIDEGEN_DATA_DIR=str(tmp_path)))
    decks = DeckService(lambda: store, access=Access(lambda _: frozenset()))
    turns = SlowTurns(decks)
    tools = DeckTools(decks, turns, ThemeService(decks, lambda: store))  # type: ignore[arg-type]
    endpoint = build_mcp_endpoint(tools)

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "lifespan":
            await endpoint(scope, receive, send)
            return
        await receive()
        async with endpoint.lifespan():
            await send({"type": "lifespan.startup.complete"})
            await receive()
        await send({"type": "lifespan.shutdown.complete"})

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}/mcp", turns, store
    finally:
        server.should_exit = True
        thread.join(10)
        store.dispose()


async def _abandon(url: str, with_progress: bool) -> None:
    async def on_progress(*_: Any) -> None:
        return None

    async with (
        httpx.AsyncClient(headers=USER) as http,
        streamable_http_client(url, http_client=http) as (read, write, _),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        progress = on_progress if with_progress else None
        call = session.call_tool(
            "create_deck", {"prompt": "A long deck"}, progress_callback=progress
        )
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(call, 1.0)


@pytest.mark.parametrize("with_progress", [True, False])
def test_an_abandoned_generation_saves_nothing(served, with_progress: bool) -> None:
    url, turns, store = served
    with ThreadPoolExecutor(1) as pool:  # its own loop (a Playwright loop may hold this thread)
        pool.submit(asyncio.run, _abandon(url, with_progress)).result()
    assert turns.closed.wait(5), "the turn kept running after the client left"
    assert 0 < turns.written < 6
    time.sleep(0.5)
    assert store.list_decks("ada@example.com") == []
