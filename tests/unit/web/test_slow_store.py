"""One user's slow database write must not hold up another user's events on the same server."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

from tests.unit.web.conftest import Tab, make_deck, run


class _SlowWrites:
    """The real store, but every change of a deck takes 2 s more (a slow Lakebase write)."""

    SLOW = frozenset({"change_deck", "save_deck", "undo", "redo", "restore_version"})

    def __init__(self, store: Any) -> None:
        self._store = store
        self.writing = threading.Event()

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._store, name)
        if name not in self.SLOW:
            return method

        def slow(*args: Any, **kwargs: Any) -> Any:
            self.writing.set()
            time.sleep(2.0)
            return method(*args, **kwargs)

        return slow


def test_a_slow_write_does_not_delay_another_users_round_trip(store) -> None:
    from slidegen.server import services
    from slidegen.web.states import DeckState, SessionState

    make_deck(store, "slow-sam", 4)
    make_deck(store, "quick-quinn", 4)
    tabs = [Tab({"x-forwarded-user": "slow-sam"}), Tab({"x-forwarded-user": "quick-quinn"})]
    for tab in tabs:
        tab.guard()
        tab.run(tab.state(SessionState).on_load())
    slow_deck, quick_deck = (tab.state(DeckState) for tab in tabs)
    slow_store = _SlowWrites(store)

    ids = list(slow_deck.order)

    async def both_users() -> tuple[float, bool]:
        writing = asyncio.create_task(slow_deck.move(ids[0], ids[-1], True))
        waited = time.perf_counter()
        while not slow_store.writing.is_set():
            assert not writing.done() and time.perf_counter() - waited < 5, "no slow write"
            await asyncio.sleep(0.005)
        began = time.perf_counter()
        await quick_deck.reload()  # an event that reads the store
        elapsed = time.perf_counter() - began
        still_writing = not writing.done()
        await writing
        return elapsed, still_writing

    services.set_store(slow_store)
    try:
        elapsed, still_writing = run(both_users())
    finally:
        services.set_store(store)
    assert still_writing  # the other user's event really overlapped the slow write
    assert elapsed < 0.1, f"the other user's event waited {elapsed * 1000:.0f} ms"
    assert slow_deck.version == 2 and slow_deck.order == [*ids[1:], ids[0]]
