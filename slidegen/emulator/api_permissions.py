"""App permissions in the emulated workspace: `/api/2.0/permissions/apps/{name}`.

GET returns the direct entries plus the inherited `admins` CAN_MANAGE, in the `AppPermissions`
shape; PUT (`set_permissions`) replaces all direct entries; PATCH (`update_permissions`) sets the
level of the principals it names and keeps the others. Each entry must name exactly one of
`user_name`, `group_name`, `service_principal_name`, with level CAN_USE or CAN_MANAGE. The creator
holds CAN_MANAGE from creation. Lists are kept per app id, so a re-created app starts afresh.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from slidegen.emulator.api_apps import ApiError, EmulatedApp, apps_state
from slidegen.emulator.core import Emulator, error_response

__all__ = ["app_acl", "routes"]

PRINCIPALS = ("user_name", "group_name", "service_principal_name")
LEVELS = ("CAN_USE", "CAN_MANAGE")


def app_acl(emu: Emulator, app: EmulatedApp) -> dict[tuple[str, str], str]:
    """Direct entries of one app: (principal kind, principal name) → permission level."""
    store: dict[str, dict[tuple[str, str], str]] = emu.state("permissions.apps", dict)
    return store.setdefault(app.id, {("user_name", app.creator): "CAN_MANAGE"})


def _entries(body: dict[str, Any]) -> dict[tuple[str, str], str]:
    parsed: dict[tuple[str, str], str] = {}
    for entry in body.get("access_control_list") or []:
        named = [k for k in PRINCIPALS if entry.get(k)]
        if len(named) != 1:
            raise ApiError(
                400,
                "INVALID_PARAMETER_VALUE",
                f"Each access control entry needs exactly one of {PRINCIPALS}: {entry}",
            )
        level = entry.get("permission_level")
        if level not in LEVELS:
            raise ApiError(
                400,
                "INVALID_PARAMETER_VALUE",
                f"Permission level {level!r} is not valid for apps; use one of {LEVELS}.",
            )
        parsed[(named[0], entry[named[0]])] = level
    return parsed


def routes(emu: Emulator) -> list[BaseRoute]:
    state = apps_state(emu)

    def render(app: EmulatedApp) -> dict[str, Any]:
        acl = [
            {kind: name, "all_permissions": [{"permission_level": level, "inherited": False}]}
            for (kind, name), level in sorted(app_acl(emu, app).items())
        ]
        acl.append(
            {
                "group_name": "admins",
                "all_permissions": [
                    {
                        "permission_level": "CAN_MANAGE",
                        "inherited": True,
                        "inherited_from_object": ["/apps/"],
                    }
                ],
            }
        )
        return {"object_id": f"/apps/{app.id}", "object_type": "apps", "access_control_list": acl}

    async def endpoint(request: Request) -> Response:
        try:
            body = await request.json() if request.method in ("PUT", "PATCH") else {}
            with state.lock:
                app = state.get(request.path_params["name"])
                acl = app_acl(emu, app)
                if request.method in ("PUT", "PATCH"):
                    entries = _entries(body)
                    if request.method == "PUT":
                        acl.clear()
                    acl.update(entries)
                return JSONResponse(render(app))
        except ApiError as error:
            return error_response(error.status, error.error_code, error.message)

    async def levels(request: Request) -> Response:
        return JSONResponse(
            {
                "permission_levels": [
                    {"permission_level": "CAN_USE", "description": "Can use the app"},
                    {"permission_level": "CAN_MANAGE", "description": "Can manage the app"},
                ]
            }
        )

    return [
        Route("/api/2.0/permissions/apps/{name}", endpoint, methods=["GET", "PUT", "PATCH"]),
        Route("/api/2.0/permissions/apps/{name}/permissionLevels", levels, methods=["GET"]),
    ]
