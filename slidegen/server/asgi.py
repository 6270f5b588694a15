"""One ASGI app on one port: the exported static frontend, Reflex's backend and `/api/*`.

Why this and not `reflex run --env prod`: that command compiles and builds the frontend at start
(it needs bun and takes seconds), and the Databricks Apps container must start with no JS
toolchain and exit within 15 s of SIGTERM. So `slidegen build` exports the frontend once
(`reflex export --frontend-only`), and at run time this module serves those files itself through
Reflex's supported `api_transformer` hook, beside the backend, in one process
(see `slidegen.server.serve`).

Routing, by path:
- `/api/...`                       → our Starlette API (`slidegen.server.api`)
- `/mcp`                            → the MCP server (`slidegen.mcp`, Streamable HTTP)
- Reflex's own endpoints            → the Reflex backend (`/_event` websocket, `/ping`, ...)
- anything else, when a frontend    → the static files, with the SPA fallback for app routes
  directory is configured             (e.g. `/present/<deck>`) and 404.html otherwise
- anything else, in development     → the Reflex backend (the Vite dev server serves the pages)
Around it, outermost first: `RequestLogMiddleware` and `UserBoundTokens` (a tab's state belongs
to the user who connects with it, see `tokens.py`); the HTML pages carry the app's CSP
(`csp.PagePolicy`). The origin check sits outside all of Reflex, CORS included
(`SlidegenApp.__call__`, see `origins.py`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

from starlette.responses import Response

from slidegen.server.api import build_api
from slidegen.server.csp import PagePolicy
from slidegen.server.http import ASGIApp, Receive, RequestLogMiddleware, Scope, Send
from slidegen.server.tokens import UserBoundTokens

__all__ = ["FRONTEND_DIR_ENV", "SlidegenRouter", "frontend_dir", "transform"]

FRONTEND_DIR_ENV = "SLIDEGEN_FRONTEND_DIR"

_REFLEX_PREFIXES = ("/_event", "/_upload", "/_health", "/_all_routes", "/ping", "/auth-codespace")


def frontend_dir() -> Path | None:
    """The exported frontend to serve, if this process serves one (set by `slidegen serve`)."""
    value = os.environ.get(FRONTEND_DIR_ENV, "").strip()
    if not value:
        return None
    path = Path(value)
    return path if (path / "index.html").is_file() else None


class SlidegenRouter:
    """Dispatches a request to the API, the Reflex backend or the static frontend by path."""

    def __init__(
        self,
        reflex_app: ASGIApp,
        api: ASGIApp,
        frontend: ASGIApp | None,
        mcp: ASGIApp | None = None,
    ) -> None:
        self.reflex_app = reflex_app
        self.api = api
        self.frontend = frontend
        self.mcp = mcp

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] == "http" and (path == "/api" or path.startswith("/api/")):
            await self.api(scope, receive, send)
        elif self.mcp is not None and scope["type"] == "http" and path in ("/mcp", "/mcp/"):
            await self.mcp(scope, receive, send)
        elif self.frontend is None or scope["type"] != "http" or path.startswith(_REFLEX_PREFIXES):
            await self.reflex_app(scope, receive, send)
        else:
            await self.frontend(scope, receive, send)


_ENV_MODULE = re.compile(r"^/assets/reflex-env-[A-Za-z0-9_-]+\.js$")
_BAKED_ORIGIN = re.compile(r"\b(https?|wss?)://localhost(?::\d+)?")


class SameOriginEnv:
    """Serves Reflex's env module (`reflex-env-*.js`) pointing at the port the page came from.

    The export bakes the backend's URLs as `http://localhost:<port>`; Reflex's client swaps
    `localhost` for the page's host name but keeps the baked port on plain http. Rewriting the
    port to the one in the request's `Host` makes the exported frontend talk to whichever port
    (and proxy) served it, so one build runs on any port; behind Databricks' https proxy the
    client drops the port anyway. Everything else goes to the static files unchanged.
    """

    def __init__(self, directory: Path, static: ASGIApp) -> None:
        self.directory = directory
        self.static = static
        self._sources: dict[str, str] = {}

    def _source(self, path: str) -> str | None:
        if path not in self._sources:
            file = self.directory / path.lstrip("/")
            if not file.is_file():
                return None
            self._sources[path] = file.read_text(encoding="utf-8")
        return self._sources[path]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        source = _ENV_MODULE.match(path) and self._source(path)
        if not source:
            await self.static(scope, receive, send)
            return
        host = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
        port = host.rsplit(":", 1)[1] if re.search(r":\d+$", host) else ""
        suffix = f":{port}" if port else ""
        body = _BAKED_ORIGIN.sub(lambda m: f"{m.group(1)}://localhost{suffix}", source)
        response = Response(
            body, media_type="text/javascript", headers={"cache-control": "no-cache"}
        )
        await response(scope, receive, send)


def _static_frontend(directory: Path, route_matcher: Callable[[str], str | None] | None) -> ASGIApp:
    from reflex.utils.precompressed_staticfiles import PrecompressedStaticFiles

    def routable(path: str) -> str | None:
        # Same rule as Reflex's own prod mount: a real app route gets the SPA fallback with 200,
        # the synthetic 404 page and the "/index" alias do not.
        if route_matcher is None:
            return None
        route = route_matcher(path)
        if route == "404" or (route == "index" and path.strip("/")):
            return None
        return route

    static = PrecompressedStaticFiles(
        directory=directory, html=True, encodings=["gzip"], router=routable
    )
    return PagePolicy(SameOriginEnv(directory, static))


def make_transformer(
    route_matcher: Callable[[str], str | None] | None = None,
) -> Callable[[ASGIApp], ASGIApp]:
    """The `api_transformer` for `rx.App`: wraps Reflex's backend with our routes and files."""

    def _transform(reflex_app: ASGIApp) -> ASGIApp:
        directory = frontend_dir()
        frontend = _static_frontend(directory, route_matcher) if directory else None
        from slidegen.server.mcp_mount import mcp_endpoint

        router = SlidegenRouter(reflex_app, build_api(), frontend, mcp_endpoint())
        return RequestLogMiddleware(UserBoundTokens(router))

    return _transform


transform = make_transformer()
