"""Identity in the emulated workspace: SCIM `Me`, `Users` (with groups) and host metadata.

`GET /api/2.0/preview/scim/v2/Me` answers the caller. The SDK's `w.current_user.me()` reads it;
the deployer uses its `userName` to default the workspace folder to
`/Workspace/Users/{userName}/apps/{app}`; the app reads the `groups` of a user whose token the
Apps proxy forwarded. A token that `directory(emu).tokens` maps to a user answers that user;
every other token answers the workspace's deployer (`identity(emu)`, which tests may rename).

`GET /api/2.0/preview/scim/v2/Users` lists users as a workspace does (the SDK's `w.users.list`):
a SCIM ListResponse, paged by `startIndex`/`count`, filtered by `userName eq "…"` (the only
filter the app sends), trimmed to `attributes` when given. Each user's `groups` are
`ComplexValue`s (`display`, `value`, `$ref`, `type`), as in a real workspace, with the built-in
`users` group every workspace user is in.

`GET /.well-known/databricks-config` is the SDK's host-metadata probe, sent when a client is
configured: answering it (with a workspace id) avoids the SDK's warning about a failed probe.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from slidegen.emulator.core import Emulator

__all__ = ["Directory", "Identity", "ScimUser", "directory", "identity", "routes"]

WORKSPACE_ID = "1234567890123456"
_USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
_LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
_FILTER = re.compile(r'^\s*userName\s+eq\s+"([^"]*)"\s*$', re.IGNORECASE)


@dataclass
class Identity:
    user_name: str = "deployer@example.com"
    user_id: str = "7001"
    display_name: str = "Dee Ployer"


@dataclass
class ScimUser:
    user_name: str
    display_name: str = ""
    groups: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return str(8_000_000 + zlib.crc32(self.user_name.lower().encode()) % 1_000_000)


@dataclass
class Directory:
    """The workspace's users (by user name) and which user each bearer token belongs to."""

    users: dict[str, ScimUser] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def add(self, user_name: str, groups: list[str] | None = None, *, token: str = "") -> None:
        self.users[user_name.lower()] = ScimUser(user_name, user_name.split("@")[0], groups or [])
        if token:
            self.tokens[token] = user_name.lower()


def identity(emu: Emulator) -> Identity:
    """The workspace's deployer: the user of every token the directory does not know."""
    return emu.state("scim.identity", Identity)


def directory(emu: Emulator) -> Directory:
    return emu.state("scim.directory", Directory)


def _group_id(name: str) -> str:
    return "1" if name == "users" else str(600_000 + zlib.crc32(name.encode()) % 100_000)


def _user_body(user_id: str, user_name: str, display: str, groups: list[str]) -> dict[str, Any]:
    return {
        "schemas": [_USER_SCHEMA],
        "id": user_id,
        "userName": user_name,
        "displayName": display,
        "active": True,
        "emails": [{"value": user_name, "type": "work", "primary": True}],
        "groups": [
            {
                "display": name,
                "value": _group_id(name),
                "$ref": f"Groups/{_group_id(name)}",
                "type": "direct",
            }
            for name in ["users", *[g for g in groups if g != "users"]]
        ],
    }


def _trimmed(body: dict[str, Any], attributes: str) -> dict[str, Any]:
    wanted = {a.strip() for a in attributes.split(",") if a.strip()}
    if not wanted:
        return body
    # A workspace always returns the id (and the schemas) whatever `attributes` asks for.
    return {k: v for k, v in body.items() if k in wanted or k in ("id", "schemas")}


def routes(emu: Emulator) -> list[BaseRoute]:
    async def me(request: Request) -> JSONResponse:
        auth = request.headers.get("authorization", "")
        token = auth[7:].strip() if auth.startswith("Bearer ") else ""
        known = directory(emu)
        name = known.tokens.get(token)
        if name and name in known.users:
            user = known.users[name]
            body = _user_body(user.id, user.user_name, user.display_name, user.groups)
        else:
            who = identity(emu)
            body = _user_body(who.user_id, who.user_name, who.display_name, [])
        return JSONResponse(_trimmed(body, request.query_params.get("attributes", "")))

    async def users(request: Request) -> JSONResponse:
        query = request.query_params
        wanted = query.get("filter", "")
        match = _FILTER.match(wanted) if wanted else None
        if wanted and match is None:
            return JSONResponse(
                {
                    "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
                    "detail": f"Unsupported filter: {wanted}",
                    "status": "400",
                },
                status_code=400,
            )
        found = sorted(directory(emu).users.values(), key=lambda u: u.user_name.lower())
        if match is not None:
            found = [u for u in found if u.user_name.lower() == match.group(1).lower()]
        try:
            start = max(1, int(query.get("startIndex", "1")))
            count = max(0, int(query.get("count", "10000")))
        except ValueError:
            return JSONResponse({"detail": "startIndex and count are integers"}, status_code=400)
        page = found[start - 1 : start - 1 + count]
        attributes = query.get("attributes", "")
        resources = [
            _trimmed(_user_body(u.id, u.user_name, u.display_name, u.groups), attributes)
            for u in page
        ]
        body: dict[str, Any] = {
            "schemas": [_LIST_SCHEMA],
            "totalResults": len(found),
            "startIndex": start,
            "itemsPerPage": len(resources),
        }
        if resources:
            body["Resources"] = resources
        return JSONResponse(body)

    async def host_metadata(request: Request) -> JSONResponse:
        return JSONResponse({"oidc_endpoint": f"{emu.base_url}/oidc", "workspace_id": WORKSPACE_ID})

    return [
        Route("/api/2.0/preview/scim/v2/Me", me, methods=["GET"]),
        Route("/api/2.0/preview/scim/v2/Users", users, methods=["GET"]),
        Route("/.well-known/databricks-config", host_metadata, methods=["GET"]),
    ]
