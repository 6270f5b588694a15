"""Start-up work run once per worker: open the store (migrations) and say if it is not durable."""

from __future__ import annotations

import asyncio
import logging

from slidegen.config import get_settings

__all__ = ["open_store_at_startup"]

log = logging.getLogger("slidegen.startup")


async def open_store_at_startup() -> None:
    """Migrate and connect before the first request instead of during it."""
    from slidegen.server.services import get_store
    from slidegen.store.durability import log_storage_durability

    await asyncio.to_thread(get_store)
    log_storage_durability(get_settings(), log)
