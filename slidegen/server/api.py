"""The `/api/*` routes mounted beside Reflex: health, and the owner-checked download routes.

`/api/health` is public (it holds no user data, and the platform and the deploy tool's verify
step call it); every other `/api/*` route requires a signed-in user in production and answers
403 otherwise (`require_user`), or 400 when an identity header is repeated (it names no one user).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

import slidegen
from slidegen.config import get_settings
from slidegen.server.headers import scope_headers
from slidegen.server.identity import (
    AMBIGUOUS_IDENTITY,
    UserContext,
    ambiguous_identity,
    identity_from_headers,
)

__all__ = ["HealthReport", "build_api", "database_check", "require_user"]

log = logging.getLogger("slidegen.api")

HealthReport = dict[str, Any]


def require_user(request: Request) -> UserContext | JSONResponse:
    """The request's user, or the answer to return when there is none: 400 when an identity
    header is repeated, else 403."""
    # The scope's headers, read as the UI and /mcp read them (UTF-8, repeats joined).
    headers = scope_headers(request.scope)
    user = identity_from_headers(headers, get_settings())
    if user is None:
        if (why := ambiguous_identity(headers)) is not None:
            return JSONResponse({"error": AMBIGUOUS_IDENTITY, "message": why}, status_code=400)
        return JSONResponse(
            {
                "error": "not_signed_in",
                "message": "This request has no X-Forwarded-User header: open the app through "
                "Databricks Apps.",
            },
            status_code=403,
        )
    return user


def _storage_info() -> dict[str, Any]:
    from slidegen.store.durability import storage_info

    return storage_info(get_settings())


def database_check() -> dict[str, Any]:
    """Runs `SELECT 1` through the app's store; raises on failure."""
    import sqlalchemy as sa

    from slidegen.server.services import get_store

    store = get_store()
    with store.engine.connect() as conn:
        conn.execute(sa.text("SELECT 1"))
    return {"status": "ok", **_storage_info()}


async def health(_: Request) -> JSONResponse:
    settings = get_settings()
    checks: dict[str, Any] = {}
    ok = True
    try:
        checks["database"] = await asyncio.wait_for(asyncio.to_thread(database_check), 5.0)
    except Exception as error:  # any failure is a failing check, named, never a 500 page
        ok = False
        reason = "timed out after 5 s" if isinstance(error, TimeoutError) else type(error).__name__
        log.warning("health check failed: database (%s)", reason)
        checks["database"] = {"status": "error", "error": reason}
    body = {
        "status": "ok" if ok else "error",
        "version": slidegen.__version__,
        "environment": settings.environment.value,
        "checks": checks,
    }
    if not ok:
        body["failing"] = [name for name, check in checks.items() if check["status"] != "ok"]
    return JSONResponse(body, status_code=200 if ok else 503)


def _download_routes() -> list[BaseRoute]:
    # Imported when the app is assembled: the exports' imports stay off health checks' path.
    from slidegen.server.downloads import download_routes

    return list(download_routes())


_PUBLIC_PATHS = frozenset({"/api/health"})


class _SignedInOnly:
    """Every `/api/*` path but the public ones answers 403 to a request with no user."""

    def __init__(self, app: Starlette) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope.get("path") not in _PUBLIC_PATHS:
            answer = require_user(Request(scope))
            if isinstance(answer, JSONResponse):
                await answer(scope, receive, send)
                return
        await self.app(scope, receive, send)


def build_api() -> _SignedInOnly:
    """The ASGI app that answers every `/api/...` path."""
    routes: list[BaseRoute] = [Route("/api/health", health, methods=["GET"]), *_download_routes()]
    return _SignedInOnly(Starlette(routes=routes))
