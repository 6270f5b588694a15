"""Notices that a deck changed, for every open tab in every worker: "deck X is at version N",
"who may reach deck X changed".

`DeckService` publishes a `DeckNotice` after each saved version and after each change of a
deck's grants (and its deletion); front ends that show decks (the web tabs) `listen`. With
`REDIS_URL` the notice goes through Redis pub/sub (channel `slidegen:decks`) so that every worker
hears it, the publishing one included; without Redis there is one worker and listeners are
called in-process. A notice carries ids and a version only: a listener re-reads the deck
through the service, with its own user's access, so a notice cannot leak content and a lost
notice only delays a refresh until the tab's next action.

The Redis reader is one task per process and event loop, started by the first `listen`; it
reconnects with back-off when Redis goes away. Publishing never fails the write it reports:
a failure is logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from typing import Any

from slidegen.config import Settings, get_settings

__all__ = ["CHANNEL", "DeckNotice", "DeckNotices", "deck_notices"]

log = logging.getLogger("slidegen.service.live")

CHANNEL = "slidegen:decks"
SAVED = "saved"
ACCESS = "access"

Listener = Callable[["DeckNotice"], Awaitable[None]]


@dataclass(frozen=True)
class DeckNotice:
    deck_id: str
    kind: str  # SAVED or ACCESS
    version: int = 0

    def encode(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def decode(cls, raw: bytes | str) -> DeckNotice | None:
        try:
            body = json.loads(raw)
            return cls(str(body["deck_id"]), str(body["kind"]), int(body.get("version", 0)))
        except (ValueError, KeyError, TypeError):
            return None


class DeckNotices:
    """Publish and hear deck notices (Redis pub/sub when `redis_url`, else in-process)."""

    def __init__(self, redis_url: str | None = None) -> None:
        self.redis_url = redis_url
        self._listeners: list[Listener] = []
        self._client: Any = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._reader: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()

    def listen(self, listener: Listener) -> None:
        """Call `listener(notice)` for every notice from now on (on the running loop)."""
        if listener not in self._listeners:
            self._listeners.append(listener)
        self._ensure_reader()

    async def wait_ready(self, timeout_s: float = 5.0) -> None:
        """Until the Redis subscription is in place (at once without Redis)."""
        self._ensure_reader()
        if self.redis_url:
            await asyncio.wait_for(self._ready.wait(), timeout_s)

    async def publish(self, notice: DeckNotice) -> None:
        try:
            if self.redis_url:
                await self._redis().publish(CHANNEL, notice.encode())
            else:
                self._deliver(notice)
        except Exception as error:  # the change is saved; a tab catches up on its next action
            log.warning("could not publish a deck notice (%s)", type(error).__name__)

    # ----------------------------------------------------------------------- delivery
    def _deliver(self, notice: DeckNotice) -> None:
        for listener in list(self._listeners):
            task = asyncio.get_running_loop().create_task(listener(notice))
            task.add_done_callback(_log_failure)

    def _redis(self) -> Any:
        loop = asyncio.get_running_loop()
        if self._client is None or self._loop is not loop:  # a client serves one loop
            import redis.asyncio as aioredis

            self._client, self._loop = aioredis.from_url(self.redis_url), loop
            self._ready = asyncio.Event()
            self._reader = None
        return self._client

    def _ensure_reader(self) -> None:
        if not self.redis_url:
            return
        self._redis()
        if self._reader is None or self._reader.done():
            self._reader = asyncio.get_running_loop().create_task(self._read())

    async def _read(self) -> None:
        delay = 0.2
        while True:
            pubsub = self._redis().pubsub()
            try:
                await pubsub.subscribe(CHANNEL)
                self._ready.set()
                delay = 0.2
                while True:
                    message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=5)
                    if message and message.get("type") == "message":
                        notice = DeckNotice.decode(message.get("data", b""))
                        if notice is not None:
                            self._deliver(notice)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                self._ready.clear()
                log.warning("deck notices: Redis subscription lost (%s)", type(error).__name__)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("a deck notice listener failed", exc_info=task.exception())


_notices: dict[str | None, DeckNotices] = {}


def deck_notices(settings: Settings | None = None) -> DeckNotices:
    """The process's notices for the settings' REDIS_URL."""
    url = (settings or get_settings()).redis_url
    if url not in _notices:
        _notices[url] = DeckNotices(url)
    return _notices[url]
