"""The MCP server: a third front end (beside the UI and the CLI) over the same service layer.

Other agents reach slidegen through the Model Context Protocol at `/mcp` on the app's own port
(Streamable HTTP, the official `mcp` SDK), signed in by the same forwarded headers as the UI.
`tools.py` holds the tools (each a thin call into `slidegen.service`), `server.py` the SDK
server that lists and calls them, `endpoint.py` the ASGI endpoint (identity check, transport,
lifespan). `slidegen.server.mcp_mount` builds the one endpoint of a process over the app's
services and `slidegen.server.asgi` routes `/mcp` to it.
"""

from __future__ import annotations

from slidegen.mcp.endpoint import McpEndpoint
from slidegen.mcp.server import build_server
from slidegen.mcp.tools import TOOLS, DeckTools, ToolRefusal

__all__ = ["TOOLS", "DeckTools", "McpEndpoint", "ToolRefusal", "build_mcp_endpoint", "build_server"]


def build_mcp_endpoint(tools: DeckTools) -> McpEndpoint:
    """The `/mcp` ASGI endpoint serving `tools`."""
    return McpEndpoint(build_server(tools))
