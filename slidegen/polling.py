"""Waiting for remote work to finish: one poll loop for deploy waits, Lakebase waits and Genie.

The SDK's own waiters sleep 1, 2, 3 … 10 s, never stop on some terminal states and wait up to
20 minutes; every wait of ours is bounded instead. `poll` calls a check until it reports done,
pausing `Backoff.first_s`, then `factor` times longer each round up to `max_s`, never past the
deadline: the last check runs when the time is up, then `WaitTimeout` names what was awaited
and the last state seen. A `threading.Event` given as `cancel` ends the wait at once with
`WaitCancelled` (a Genie question of a turn the user stopped). A check that meets a terminal
failure raises its own error, which `poll` lets through.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

__all__ = ["Backoff", "Check", "WaitCancelled", "WaitTimeout", "poll"]

T = TypeVar("T")
# A check returns (done, value, state): `value` is what `poll` returns once done, `state` a
# short description of where things stand, for the timeout message.
Check = Callable[[], tuple[bool, T, str]]


class WaitTimeout(TimeoutError):
    """A bounded wait ran out; the message says what was awaited and the last state seen."""

    def __init__(self, what: str, timeout_s: float, last_state: str) -> None:
        super().__init__(
            f"timed out after {timeout_s:.0f} s waiting for {what} (last state: {last_state})"
        )
        self.what, self.timeout_s, self.last_state = what, timeout_s, last_state


class WaitCancelled(Exception):
    """The wait's cancel event was set before the check reported done."""


@dataclass(frozen=True)
class Backoff:
    """Pauses between polls: `first_s`, then each `factor` times the last, at most `max_s`."""

    first_s: float
    max_s: float
    factor: float = 2.0

    def pauses(self) -> Iterator[float]:
        pause = self.first_s
        while True:
            yield pause
            pause = min(pause * self.factor, self.max_s)


def poll(
    check: Check[T],
    *,
    timeout_s: float,
    backoff: Backoff,
    what: str,
    cancel: threading.Event | None = None,
    clock: Callable[[], float] = time.monotonic,
    started: float | None = None,
) -> T:
    """Call `check` until it reports done and return its value.

    The deadline is `timeout_s` after `started` (a `clock()` reading, default now), so a caller
    whose budget also covers the request that started the work passes when that began.
    """
    deadline = (clock() if started is None else started) + timeout_s
    pause = backoff.pauses()
    while True:
        done, value, state = check()
        if done:
            return value
        remaining = deadline - clock()
        if remaining <= 0:
            raise WaitTimeout(what, timeout_s, state)
        wait_s = min(next(pause), remaining)
        if cancel is None:
            time.sleep(wait_s)
        elif cancel.wait(wait_s):
            raise WaitCancelled(what)
