"""Logging of every Reflex event-handler run: name, user_id and duration_ms.

`SlidegenApp` also puts `OriginGuard` (`slidegen.server.origins`) around the whole ASGI app Reflex
builds, outside Reflex's own CORS middleware, which would otherwise answer any origin.

Reflex 0.10's event middleware only has a `preprocess` hook (no "after"), so timing is done where
events are executed: a subclass of Reflex's `BaseStateEventProcessor` wraps `_execute_event`, and
`SlidegenApp` installs it. The user is taken from the websocket connection's headers that Reflex
keeps in the event context's router data, the same source the states use.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

import reflex as rx
from reflex_base.event.processor.base_state_processor import BaseStateEventProcessor

from slidegen.config import get_settings
from slidegen.server.headers import reflex_headers
from slidegen.server.identity import identity_from_headers
from slidegen.server.logs import log_context
from slidegen.server.origins import OriginGuard

__all__ = ["LoggingEventProcessor", "SlidegenApp"]

log = logging.getLogger("slidegen.events")


class LoggingEventProcessor(BaseStateEventProcessor):
    async def _execute_event(self, *, entry: Any, registered_handler: Any) -> None:
        headers = reflex_headers(getattr(entry.ctx, "router_data", None))
        user = identity_from_headers(headers, get_settings())
        user_id = user.user_id if user else None
        name = entry.event.name
        start = time.perf_counter()
        outcome = "ok"
        with log_context(user_id=user_id, request_id=user.request_id if user else None):
            try:
                await super()._execute_event(entry=entry, registered_handler=registered_handler)
            except BaseException as error:
                outcome = type(error).__name__
                raise
            finally:
                log.info(
                    "event",
                    extra={
                        "event": name,
                        "background": bool(registered_handler.handler.is_background),
                        "outcome": outcome,
                        "duration_ms": round((time.perf_counter() - start) * 1000, 2),
                        "user_id": user_id,
                    },
                )


class SlidegenApp(rx.App):
    """`rx.App` with the logging event processor, behind the origin check."""

    def __call__(self) -> Any:
        return OriginGuard(super().__call__())

    @contextlib.asynccontextmanager
    async def _setup_event_processor(self) -> AsyncIterator[None]:
        event_namespace = self.event_namespace
        if event_namespace is not None:
            event_namespace._token_manager._reset_instance_id()
        self._event_processor = LoggingEventProcessor(
            middleware=self, backend_exception_handler=self.backend_exception_handler
        )
        async with self._event_processor.configure(
            state_manager=self.state_manager,
            event_namespace=event_namespace,
        ):
            yield
