"""Start-up work run once per worker: open the store (migrations) and say if it is not durable;
import the chat model's client in the background once the worker serves."""

from __future__ import annotations

import asyncio
import logging
import threading

from slidegen.config import get_settings

__all__ = ["open_store_at_startup", "warm_chat_model"]

log = logging.getLogger("slidegen.startup")


async def open_store_at_startup() -> None:
    """Migrate and connect before the first request instead of during it."""
    from slidegen.server.services import get_store
    from slidegen.store.durability import log_storage_durability

    await asyncio.to_thread(get_store)
    log_storage_durability(get_settings(), log)


async def warm_chat_model() -> None:
    """The first prompt should not wait for `databricks_langchain` to import (seconds): import it
    in a thread of its own while the worker already answers."""

    def load() -> None:
        from slidegen.agent.model import load_chat_model_class

        try:
            load_chat_model_class()
        except Exception:  # the first turn imports it again and says what failed
            log.exception("importing the chat model's client failed")

    threading.Thread(target=load, name="warm-chat-model", daemon=True).start()
