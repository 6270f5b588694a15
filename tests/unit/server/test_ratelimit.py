"""The per-user turn limit: a sliding window, per user, in memory or shared through Redis."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from slidegen.server import ratelimit
from slidegen.server.ratelimit import TurnLimiter


def test_sliding_window_per_user(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1000.0]
    monkeypatch.setattr(ratelimit.time, "time", lambda: now[0])
    limiter = TurnLimiter(limit=2, window_s=60)

    async def scenario() -> None:
        assert await limiter.acquire("alice") is None
        now[0] += 10
        assert await limiter.acquire("alice") is None
        refused = await limiter.acquire("alice")
        assert refused is not None and refused.retry_after_s == pytest.approx(50)
        assert "2 generations or edits" in refused.message()
        assert "try again in 50 s" in refused.message()
        assert await limiter.acquire("bob") is None  # another user has their own budget
        now[0] += 51  # the first turn left the window
        assert await limiter.acquire("alice") is None

    asyncio.run(scenario())


def test_zero_turns_means_no_limit() -> None:
    limiter = TurnLimiter(limit=0, window_s=60)
    assert all(asyncio.run(limiter.acquire("a")) is None for _ in range(50))


@pytest.mark.redis
def test_redis_window_is_shared_by_every_limiter(redis_url: str) -> None:
    user = f"u-{uuid.uuid4().hex}"
    first, second = TurnLimiter(2, 60, redis_url), TurnLimiter(2, 60, redis_url)

    async def scenario() -> None:
        assert await first.acquire(user) is None
        assert await second.acquire(user) is None  # e.g. another worker
        refused = await first.acquire(user)
        assert refused is not None and 0 < refused.retry_after_s <= 60

    asyncio.run(scenario())
