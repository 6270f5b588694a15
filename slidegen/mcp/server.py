"""The MCP server object: the tool list and the one `tools/call` handler, on the SDK's low-level
`Server` (the official `mcp` package).

The low-level server is used rather than `FastMCP` because the tools' schemas, validation and
error wording are ours (`tools.py`), and FastMCP configures the root logger when it is built.
Each call takes its user from the HTTP request that carried it (the endpoint has already refused
requests without one), so with the stateless transport every request is authorised on its own.
A `ToolRefusal` becomes a tool error with its sentence (and progress its messages), with tokens
redacted; any other exception is logged with its trace and answered with a short message naming
the tool, never the trace.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from mcp import types
from mcp.server.lowlevel import Server

import slidegen
from slidegen.config import get_settings
from slidegen.mcp.tools import TOOLS, DeckTools, ToolRefusal
from slidegen.redaction import redact
from slidegen.server.headers import scope_headers
from slidegen.server.identity import UserContext, ambiguous_identity, identity_from_headers

__all__ = ["SERVER_NAME", "build_server", "request_origin"]

log = logging.getLogger("slidegen.mcp")

SERVER_NAME = "slidegen"
INSTRUCTIONS = (
    "slidegen writes HTML slide decks with the workspace's model and Genie data. list_decks "
    "shows your decks; create_deck writes a new one from a prompt; get_deck reads one; "
    "edit_slides revises chosen slides (numbered from 1); export_deck returns html, pptx or pdf; "
    "import_deck turns an HTML deck into a new deck. Every change is saved as a version you "
    "can undo in the app."
)
_HOST = re.compile(r"^[A-Za-z0-9.\-\[\]:]+$")


def request_origin(headers: Any, scheme: str = "http") -> str:
    """The app's origin as the caller reached it: the proxy's forwarded host and scheme, else
    the request's own `Host` and scheme ("" when neither is usable). Behind a proxy that names
    the host but not the scheme, https (the Databricks Apps proxy serves https only)."""
    forwarded = (headers.get("x-forwarded-host") or "").split(",")[0].strip()
    host = forwarded or (headers.get("host") or "").split(",")[0].strip()
    default = "https" if forwarded else (scheme or "http")
    proto = (headers.get("x-forwarded-proto") or default).split(",")[0].strip().lower()
    if not host or not _HOST.match(host) or proto not in ("http", "https"):
        return ""
    return f"{proto}://{host}"


def _tool_list() -> list[types.Tool]:
    return [
        types.Tool(
            name=spec.name,
            description=spec.description,
            inputSchema=spec.arguments.model_json_schema(),
            annotations=types.ToolAnnotations(
                readOnlyHint=spec.read_only,
                destructiveHint=False,
                idempotentHint=spec.read_only,
                openWorldHint=False,
            ),
        )
        for spec in TOOLS
    ]


def build_server(tools: DeckTools) -> Server[Any, Any]:
    """A low-level MCP server exposing `tools`."""
    server: Server[Any, Any] = Server(
        SERVER_NAME, version=slidegen.__version__, instructions=INSTRUCTIONS
    )
    listed = _tool_list()

    @server.list_tools()
    async def list_tools() -> list[types.Tool]:
        return listed

    # Arguments are validated by `tools.parse_arguments`, whose messages never echo the input.
    @server.call_tool(validate_input=False)
    async def call_tool(name: str, arguments: dict[str, Any]) -> Any:
        context = server.request_context
        request = context.request
        user: UserContext | None = None
        origin = ""
        headers: dict[str, str] = {}
        if request is not None:
            # The scope's headers, read as the endpoint and the UI read them (a repeated header
            # joined, so it names no one: refused), never a last copy the endpoint never saw.
            headers = scope_headers(request.scope)
            user = identity_from_headers(headers, get_settings())
            origin = request_origin(headers, request.url.scheme)
        if user is None:
            raise ToolRefusal(
                ambiguous_identity(headers)
                or "You are not signed in: call this server through Databricks Apps."
            )
        token = context.meta.progressToken if context.meta is not None else None

        async def progress(message: str, done: int, total: int | None) -> None:
            if token is None:
                return
            await context.session.send_progress_notification(
                token,
                float(done),
                float(total) if total else None,
                redact(message),
                related_request_id=str(context.request_id),
            )

        try:
            return await tools.call(name, arguments, user, origin, progress)
        except ToolRefusal as refused:
            # A refusal may quote the workspace or the model (an error body, why a slide was
            # not written): scrubbed of tokens as every log line is.
            raise ToolRefusal(redact(str(refused))) from None
        except Exception as error:
            log.exception("MCP tool failed", extra={"tool": name, "user_id": user.user_id})
            raise ToolRefusal(
                f"The {name} tool failed ({type(error).__name__}); nothing was changed. "
                "Try again, or use the app."
            ) from error

    return server
