"""How many slide calls run at once, and how that yields to a rate-limited endpoint.

`CallLimit` is a concurrency bound whose limit can drop while a run goes on: when the endpoint
answers 429 the run backs off (Retry-After when the endpoint sends one, else an exponential
pause) and lowers the limit by one for the rest of the run, so a deck written against an
endpoint with a concurrency cap converges on what the endpoint serves instead of hammering it.
Successful calls raise the limit again one step at a time (up to the configured bound), so a
refusal caused by a passing load (the outline's stream still holding a place) does not slow the
rest of the run.
"""

from __future__ import annotations

import asyncio
import random
from types import TracebackType

import openai
from databricks.sdk import errors as sdk_errors

from slidegen.agent.failures import retry_after_s

__all__ = ["MAX_BACKOFF_S", "CallLimit", "backoff_s", "is_rate_limited"]

MAX_BACKOFF_S = 20.0


def is_rate_limited(error: BaseException) -> bool:
    return isinstance(error, openai.RateLimitError | sdk_errors.TooManyRequests)


def backoff_s(error: BaseException, attempt: int) -> float:
    """The pause before retry `attempt` (1-based) after a 429."""
    hinted = retry_after_s(error)
    if hinted is not None and hinted >= 0:
        return min(hinted, MAX_BACKOFF_S)
    # Jitter keeps parallel calls refused together from retrying together.
    return min(0.5 * 2 ** (attempt - 1), MAX_BACKOFF_S) * random.uniform(0.8, 1.2)


class CallLimit:
    """An async context manager admitting at most `limit` holders; `lower()` shrinks it on a
    429 and `succeeded()` grows it back one step at a time (additive increase)."""

    def __init__(self, limit: int) -> None:
        self.limit = max(1, limit)
        self.ceiling = self.limit
        self._since_lowered = 0
        self.peak = 0
        self.throttled = 0
        self._active = 0
        self._changed = asyncio.Condition()

    async def __aenter__(self) -> CallLimit:
        async with self._changed:
            await self._changed.wait_for(lambda: self._active < self.limit)
            self._active += 1
            self.peak = max(self.peak, self._active)
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        async with self._changed:
            self._active -= 1
            self._changed.notify_all()

    def lower(self) -> None:
        """The endpoint refused a call for load: one fewer at once from now on."""
        self.throttled += 1
        self.limit = max(1, self.limit - 1)
        self._since_lowered = 0

    def succeeded(self) -> None:
        """A call went through. After as many successes in a row as calls now run at once, one
        more may run (up to the configured bound): a limit lowered while the endpoint was busy
        with something else (the outline's own stream) grows back, and one lowered for good
        reason settles at what the endpoint serves."""
        self._since_lowered += 1
        if self.limit < self.ceiling and self._since_lowered >= self.limit:
            self.limit += 1  # waiters see it when this call's place is given back
            self._since_lowered = 0
