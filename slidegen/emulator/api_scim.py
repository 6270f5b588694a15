"""Identity in the emulated workspace: `GET /api/2.0/preview/scim/v2/Me` and host metadata.

The SDK's `w.current_user.me()` reads the caller from SCIM; the deployer uses its `userName` to
default the workspace folder to `/Workspace/Users/{userName}/apps/{app}`. Every bearer token maps
to the same user (`identity(emu)`), which tests may rename.

`GET /.well-known/databricks-config` is the SDK's host-metadata probe, sent when a client is
configured: answering it (with a workspace id) avoids the SDK's warning about a failed probe.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from slidegen.emulator.core import Emulator

__all__ = ["Identity", "identity", "routes"]

WORKSPACE_ID = "1234567890123456"


@dataclass
class Identity:
    user_name: str = "deployer@example.com"
    user_id: str = "7001"
    display_name: str = "Dee Ployer"


def identity(emu: Emulator) -> Identity:
    """The workspace's current user (the same for every token)."""
    return emu.state("scim.identity", Identity)


def routes(emu: Emulator) -> list[BaseRoute]:
    async def me(request: Request) -> JSONResponse:
        who = identity(emu)
        return JSONResponse(
            {
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                "id": who.user_id,
                "userName": who.user_name,
                "displayName": who.display_name,
                "active": True,
                "emails": [{"value": who.user_name, "type": "work", "primary": True}],
                "groups": [{"display": "users", "value": "1", "type": "direct"}],
            }
        )

    async def host_metadata(request: Request) -> JSONResponse:
        return JSONResponse({"oidc_endpoint": f"{emu.base_url}/oidc", "workspace_id": WORKSPACE_ID})

    return [
        Route("/api/2.0/preview/scim/v2/Me", me, methods=["GET"]),
        Route("/.well-known/databricks-config", host_metadata, methods=["GET"]),
    ]
