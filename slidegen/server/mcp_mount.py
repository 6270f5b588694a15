"""The process's `/mcp` endpoint, built once over the app's deck, turn and theme services.

`slidegen.server.asgi` routes `/mcp` to `mcp_endpoint()`; `mcp_lifespan` (a Reflex lifespan task
registered in `slidegen/slidegen.py`) runs its transport while the app runs.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from slidegen.mcp import McpEndpoint

__all__ = ["mcp_endpoint", "mcp_lifespan"]

_lock = threading.Lock()
_endpoint: McpEndpoint | None = None


def mcp_endpoint() -> McpEndpoint:
    """The one MCP endpoint of this process."""
    global _endpoint
    if _endpoint is None:
        with _lock:
            if _endpoint is None:
                from slidegen.mcp import DeckTools, build_mcp_endpoint
                from slidegen.server.services import get_store
                from slidegen.service import DeckService, TurnService
                from slidegen.service.themes import ThemeService

                decks = DeckService(get_store)
                tools = DeckTools(decks, TurnService(decks), ThemeService(decks, get_store))
                _endpoint = build_mcp_endpoint(tools)
    return _endpoint


@contextlib.asynccontextmanager
async def mcp_lifespan() -> AsyncIterator[None]:
    """Reflex lifespan task: the MCP transport runs while the app does."""
    async with mcp_endpoint().lifespan():
        yield
