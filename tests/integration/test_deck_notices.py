"""Deck notices between processes: through the local Redis's pub/sub a notice published by one
`DeckNotices` reaches the listeners of another (as two workers), and a garbled message on the
channel is ignored; without Redis, listeners in the same process hear it."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slidegen.service.live import ACCESS, CHANNEL, SAVED, DeckNotice, DeckNotices


def _run(coro: Any) -> Any:
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


async def _heard(notices: DeckNotices, count: int) -> tuple[list[DeckNotice], asyncio.Event]:
    """Listen on `notices`: what is heard, and an event set once `count` notices arrived."""
    heard: list[DeckNotice] = []
    done = asyncio.Event()

    async def listener(notice: DeckNotice) -> None:
        heard.append(notice)
        if len(heard) >= count:
            done.set()

    notices.listen(listener)
    await notices.wait_ready()
    return heard, done


def test_a_notice_reaches_another_worker_through_redis(redis_url: str) -> None:
    import redis.asyncio as aioredis

    async def scenario() -> list[DeckNotice]:
        worker_a, worker_b = DeckNotices(redis_url), DeckNotices(redis_url)
        heard, done = await _heard(worker_b, 2)
        raw = aioredis.from_url(redis_url)
        try:
            await raw.publish(CHANNEL, "not json")  # ignored
            await worker_a.publish(DeckNotice("d_1", SAVED, 7))
            await worker_a.publish(DeckNotice("d_1", ACCESS))
            await asyncio.wait_for(done.wait(), 5)
        finally:
            await raw.aclose()
        return heard

    assert _run(scenario()) == [DeckNotice("d_1", SAVED, 7), DeckNotice("d_1", ACCESS)]


def test_without_redis_listeners_in_the_process_hear_it() -> None:
    async def scenario() -> list[DeckNotice]:
        notices = DeckNotices(None)
        heard, done = await _heard(notices, 1)
        await notices.publish(DeckNotice("d_2", SAVED, 3))
        await asyncio.wait_for(done.wait(), 2)
        return heard

    assert _run(scenario()) == [DeckNotice("d_2", SAVED, 3)]


def test_a_publish_that_fails_does_not_fail_the_caller() -> None:
    async def scenario() -> None:
        await DeckNotices("redis://127.0.0.1:1/0").publish(DeckNotice("d_3", SAVED, 1))

    _run(scenario())
