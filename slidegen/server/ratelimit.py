"""Per-user rate limit on model work: generations and chat edits started per time window.

Each turn costs model tokens and Genie queries paid by the app; a user (or a script holding a
user's session) must not be able to start them without bound. `turn_limiter()` counts the turns
each user started in the last `RATE_LIMIT_WINDOW_S` seconds (a sliding window) and refuses the
`RATE_LIMIT_TURNS`+1-th with the time to wait. With `REDIS_URL` the count lives in Redis (one
sorted set per user), so every worker of the app shares it; otherwise it is kept in this
process, which is then the only one. `RATE_LIMIT_TURNS=0` switches the limit off.
"""

from __future__ import annotations

import asyncio
import collections
import math
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from slidegen.config import Settings, get_settings

__all__ = ["RateLimited", "TurnLimiter", "turn_limiter"]


@dataclass(frozen=True)
class RateLimited:
    """A refused turn: how many were allowed and when the next one will be."""

    limit: int
    window_s: float
    retry_after_s: float

    def message(self) -> str:
        wait = max(1, math.ceil(self.retry_after_s))
        when = f"{wait} s" if wait < 120 else f"{math.ceil(wait / 60)} min"
        window = (
            f"{self.window_s:g} s" if self.window_s < 120 else f"{self.window_s / 60:g} minutes"
        )
        return (
            f"You have started {self.limit} generations or edits in the last {window}, the "
            f"limit for one user. Nothing was sent; try again in {when}."
        )


@dataclass
class TurnLimiter:
    limit: int
    window_s: float
    redis_url: str | None = None
    _local: dict[str, collections.deque[float]] = field(default_factory=dict)
    _redis: Any = None
    _redis_loop: Any = None

    async def acquire(self, user_id: str) -> RateLimited | None:
        """Count one turn for `user_id`; None when allowed, else why not (nothing counted)."""
        if self.limit <= 0:
            return None
        now = time.time()
        if self.redis_url:
            oldest = await self._acquire_redis(user_id, now)
        else:
            oldest = self._acquire_local(user_id, now)
        if oldest is None:
            return None
        return RateLimited(self.limit, self.window_s, max(0.0, oldest + self.window_s - now))

    def _acquire_local(self, user_id: str, now: float) -> float | None:
        times = self._local.setdefault(user_id, collections.deque())
        while times and times[0] <= now - self.window_s:
            times.popleft()
        if len(times) >= self.limit:
            return times[0]
        times.append(now)
        return None

    async def _acquire_redis(self, user_id: str, now: float) -> float | None:
        loop = asyncio.get_running_loop()
        if self._redis is None or self._redis_loop is not loop:  # a client serves one loop
            import redis.asyncio as aioredis

            self._redis, self._redis_loop = aioredis.from_url(self.redis_url), loop
        key = f"slidegen:turns:{user_id}"
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.zremrangebyscore(key, "-inf", now - self.window_s)
            pipe.zcard(key)
            pipe.zrange(key, 0, 0, withscores=True)
            _, count, first = await pipe.execute()
        if count >= self.limit:
            return float(first[0][1]) if first else now
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.zadd(key, {uuid.uuid4().hex: now})
            pipe.expire(key, math.ceil(self.window_s) + 1)
            await pipe.execute()
        return None


_limiters: dict[tuple[int, float, str | None], TurnLimiter] = {}


def turn_limiter(settings: Settings | None = None) -> TurnLimiter:
    """The process's limiter for these settings."""
    settings = settings or get_settings()
    key = (settings.rate_limit_turns, settings.rate_limit_window_s, settings.redis_url)
    if key not in _limiters:
        _limiters[key] = TurnLimiter(*key)
    return _limiters[key]
