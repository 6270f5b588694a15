"""Will the decks survive a restart? What the settings say about where the store lives.

The Databricks Apps filesystem is ephemeral: a SQLite file there loses every deck on restart and
redeploy. So a file-backed (or in-memory) store is reported as not durable when the app runs in
production or inside a Databricks App, and `log_storage_durability` says so with a WARNING at
start-up; `/api/health` and the UI show `storage_info`. On a developer's laptop a SQLite file is
durable enough and is reported as such. Nothing here opens a connection: it reads settings only,
and never prints a password (URLs are rendered with the password hidden).
"""

from __future__ import annotations

import logging
from typing import TypedDict

import sqlalchemy as sa

from slidegen.config import Settings
from slidegen.store.lakebase import lakebase_target

__all__ = ["StorageInfo", "log_storage_durability", "storage_info"]

log = logging.getLogger(__name__)


class StorageInfo(TypedDict):
    backend: str  # "sqlite" | "postgresql" | "lakebase" | another SQLAlchemy dialect name
    durable: bool
    detail: str


def storage_info(settings: Settings) -> StorageInfo:
    """Backend, durability and a one-line, secret-free description of the store's location."""
    target = lakebase_target(settings)
    if target is not None:
        return {"backend": "lakebase", "durable": True, "detail": target.describe()}
    url = sa.make_url(settings.database_url_or_default)
    backend = url.get_backend_name()
    if backend != "sqlite":
        shown = url.render_as_string(hide_password=True)
        return {"backend": backend, "durable": True, "detail": f"database at {shown}"}
    in_memory = url.database in (None, "", ":memory:")
    ephemeral_host = settings.is_production or bool(settings.databricks_app_name)
    if in_memory:
        detail = "in-memory SQLite: decks are lost when the process stops"
    elif ephemeral_host:
        detail = (
            f"SQLite file {url.database} on an ephemeral filesystem: decks are lost on "
            "restart and redeploy; configure Lakebase (LAKEBASE_INSTANCE_NAME) or "
            "DATABASE_URL"
        )
    else:
        detail = f"SQLite file {url.database}"
    return {"backend": "sqlite", "durable": not (in_memory or ephemeral_host), "detail": detail}


def log_storage_durability(settings: Settings, logger: logging.Logger | None = None) -> StorageInfo:
    """Log where decks are stored at start-up: a WARNING when they would not survive a restart."""
    info = storage_info(settings)
    target = logger or log
    if info["durable"]:
        target.info("deck storage: %s (%s)", info["backend"], info["detail"])
    else:
        target.warning("deck storage is NOT durable: %s", info["detail"])
    return info
