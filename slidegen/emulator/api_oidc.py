"""OAuth machine-to-machine login in the emulator: what the SDK's `oauth-m2m` auth calls.

A Databricks App authenticates as its service principal with DATABRICKS_CLIENT_ID/SECRET: the
SDK reads `GET /oidc/.well-known/oauth-authorization-server` for the token endpoint, then
`POST /oidc/v1/token` (form body `grant_type=client_credentials`, client id and secret in HTTP
Basic auth) and sends the returned access token as the bearer of every API call. Tests use
`oidc_state(emu).issued` to tell which service principal a bearer token belongs to, i.e. to
prove a call was made as the app and not with a stray personal access token.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from slidegen.emulator.core import Emulator

__all__ = ["OidcState", "oidc_state", "routes"]


@dataclass
class OidcState:
    token_ttl_s: int = 3600
    issued: dict[str, str] = field(default_factory=dict)  # access token -> client id


def oidc_state(emu: Emulator) -> OidcState:
    state: OidcState = emu.state("oidc", OidcState)
    return state


def _oauth_error(status: int, error: str, description: str) -> Response:
    return JSONResponse({"error": error, "error_description": description}, status_code=status)


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    auth = request.headers.get("authorization", "")
    if not auth.startswith("Basic "):
        return None
    try:
        client_id, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (client_id, secret) if client_id and secret else None


def routes(emu: Emulator) -> list[BaseRoute]:
    state = oidc_state(emu)

    async def metadata(request: Request) -> Response:
        base = f"{emu.base_url}/oidc"
        return JSONResponse(
            {
                "issuer": base,
                "authorization_endpoint": f"{base}/v1/authorize",
                "token_endpoint": f"{base}/v1/token",
            }
        )

    async def token(request: Request) -> Response:
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode()).items()}
        if form.get("grant_type") != "client_credentials":
            return _oauth_error(400, "unsupported_grant_type", "only client_credentials")
        credentials = _basic_credentials(request)
        if credentials is None:
            credentials = (form.get("client_id", ""), form.get("client_secret", ""))
        client_id, secret = credentials
        if not client_id or not secret:
            return _oauth_error(401, "invalid_client", "Client authentication failed")
        access_token = f"m2m-{secrets.token_urlsafe(24)}"
        with emu.lock:
            state.issued[access_token] = client_id
        return JSONResponse(
            {
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": state.token_ttl_s,
                "scope": form.get("scope", "all-apis"),
            }
        )

    return [
        Route("/oidc/.well-known/oauth-authorization-server", metadata, methods=["GET"]),
        Route("/oidc/v1/token", token, methods=["POST"]),
    ]
