"""`/mcp` (and `/mcp/`) go to the MCP endpoint; every other path keeps its route."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from slidegen.server.asgi import SlidegenRouter


def _app(name: str, seen: list[str]) -> Any:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append(name)

    return app


@pytest.mark.parametrize(
    ("kind", "path", "expected"),
    [
        ("http", "/mcp", "mcp"),
        ("http", "/mcp/", "mcp"),
        ("http", "/mcpx", "frontend"),
        ("http", "/mcp/other", "frontend"),
        ("http", "/api/health", "api"),
        ("websocket", "/mcp", "reflex"),
        ("lifespan", "", "reflex"),
    ],
)
def test_the_router_sends_mcp_paths_to_the_mcp_endpoint(
    kind: str, path: str, expected: str
) -> None:
    seen: list[str] = []
    router = SlidegenRouter(
        _app("reflex", seen), _app("api", seen), _app("frontend", seen), _app("mcp", seen)
    )
    with ThreadPoolExecutor(1) as pool:  # its own loop (a Playwright loop may hold this thread)
        pool.submit(asyncio.run, router({"type": kind, "path": path}, None, None)).result()
    assert seen == [expected]
