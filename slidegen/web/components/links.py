"""URLs of the app's own HTTP routes as the browser must call them.

In production one port serves everything, but under `reflex run` the page comes from the
frontend dev server and `/api/*` from the backend port. `getBackendURL(env.UPLOAD)` is how
Reflex's own frontend finds its backend (the same rule its websocket uses), so links built
from its origin work in both.
"""

from __future__ import annotations

from reflex_base.constants import Dirs
from reflex_base.utils.imports import ImportVar
from reflex_base.vars.base import Var, VarData

__all__ = ["backend_origin", "export_url"]

backend_origin: Var[str] = Var(
    _js_expr="getBackendURL(env.UPLOAD).origin",
    _var_data=VarData(
        imports={
            f"$/{Dirs.STATE_PATH}": "getBackendURL",
            "$/env.json": ImportVar(tag="env", is_default=True),
        }
    ),
).to(str)


def export_url(deck_id: Var[str], fmt: str, query: str = "") -> Var[str]:
    suffix = f"?{query}" if query else ""
    return Var.create(f"{backend_origin}/api/export/{deck_id}.{fmt}{suffix}").to(str)
