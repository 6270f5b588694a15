"""Several workers sharing Reflex state in Redis (the local Redis, a database number of its own).

The packaged app is started as production does with `REDIS_URL` and two Granian workers. Over
real websockets (the browser's protocol) the test proves that:
- both workers serve connections (the server side of each connection is found in /proc and
  belongs to a different worker process) and handle events;
- a tab's state survives a reconnect that lands on the other worker: same client token, the
  other process, the same deck and selection on hydrate, and its next edit is saved on top;
- a generation running on one worker while its tab reconnects to the other still reaches the
  tab (Reflex's Redis "lost and found" channel), and Stop sent to the other worker ends it:
  the tab is told, the deck is unchanged.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.support.procnet import child_pids, serving_pid
from tests.support.redis_workers import forget_tokens, open_app_store, state_delta, two_worker_app
from tests.support.reflex_client import ReflexSocket, event_name

HYDRATE = "reflex___state____state.hydrate"
USER = "redis-workers-user"
REDIS_DB = 11  # not the default database: nothing else of ours lives there
TOKEN_RECORD = "token_manager_socket_record_"


@pytest.fixture(scope="module")
def redis_app(
    packaged_build: Any, redis_url: str, emulator: Any, tmp_path_factory: Any
) -> Iterator[Any]:
    with two_worker_app(
        packaged_build,
        tmp_path_factory.mktemp("redis-run"),
        redis_url=redis_url,
        redis_db=REDIS_DB,
        databricks_host=emulator.url,
        genie_space="space-redis",
    ) as running:
        yield running


class Tab:
    """One tab's connection, with the deck and chat fields seen so far."""

    def __init__(self, app: Any, token: str | None = None) -> None:
        headers = {"x-forwarded-user": USER, "origin": app.url}
        self.app = app
        self.socket = ReflexSocket(app.url, headers=headers, token=token)
        self.deck: dict[str, Any] = {}
        self.chat: dict[str, Any] = {}

    async def connect(self) -> int:
        """Connect; the pid of the worker serving this connection."""
        await self.socket.connect()
        workers = child_pids(self.app.process.pid)
        pid = serving_pid(workers, self.app.port, self.socket.local_port)
        assert pid in workers, (pid, workers)
        return pid

    async def until(self, check: Any, timeout: float = 15, chat: bool = False) -> dict[str, Any]:
        """Read updates until `check(fields)` holds (deck fields, or chat fields if `chat`)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        fields = self.chat if chat else self.deck
        while not check(fields):
            try:
                update = await self.socket.next_update(max(0.01, deadline - loop.time()))
            except TimeoutError:
                seen = {
                    "chat": self.chat,
                    "deck": {k: self.deck.get(k) for k in ("order", "version")},
                }
                raise AssertionError(f"timed out; last seen: {seen}") from None
            self.deck.update(state_delta(update, "deck____deck_state"))
            self.chat.update(state_delta(update, "chat____chat_state"))
        return fields

    async def close(self, redis: Any) -> None:
        await self.socket.close()
        # The worker drops the token's socket record on disconnect; reconnecting before that
        # would (rightly) be treated as a duplicate tab and get a new token.
        for _ in range(100):
            if not await redis.exists(TOKEN_RECORD + self.socket.token):
                return
            await asyncio.sleep(0.05)
        raise AssertionError("the socket record of a closed connection stayed in Redis")


def _make_deck(app: Any, title: str = "Shared state deck") -> tuple[str, list[str]]:
    from slidegen.deck import parse_deck_html

    store = open_app_store(app)
    try:
        parsed = parse_deck_html(
            "".join(f'<div class="slide"><h2>Worker slide {i}</h2></div>' for i in range(4))
        )
        record = store.create_deck(USER, title, slides=parsed.slides)
        return record.deck.id, [s.id for s in record.deck.slides]
    finally:
        store.dispose()


def _head_version(app: Any, deck_id: str) -> tuple[int, list[str]]:
    store = open_app_store(app)
    try:
        head = store.get_deck(USER, deck_id)
        return head.version, [s.id for s in head.deck.slides]
    finally:
        store.dispose()


async def _scenario(app: Any, deck_id: str, slides: list[str]) -> dict[str, Any]:
    import redis.asyncio as aioredis

    from slidegen.web.states import DeckState, SessionState

    redis = aioredis.from_url(app.redis_url)
    tokens: list[str] = []
    served_by: dict[int, int] = {}  # worker pid -> connections it served (with working events)
    try:
        # 1. Fresh tabs until both workers have served one, each opening the deck by events.
        for _ in range(40):
            tab = Tab(app)
            tokens.append(tab.socket.token)
            pid = await tab.connect()
            await tab.socket.send(HYDRATE, path=f"/?deck={deck_id}")
            await tab.socket.send(event_name(SessionState, "on_load"), path=f"/?deck={deck_id}")
            await tab.until(lambda d: d.get("order") == slides)
            served_by[pid] = served_by.get(pid, 0) + 1
            await tab.close(redis)
            if len(served_by) == 2:
                break

        # 2. One tab selects a slide on one worker ...
        tab = Tab(app)
        tokens.append(tab.socket.token)
        first_pid = await tab.connect()
        await tab.socket.send(HYDRATE, path=f"/?deck={deck_id}")
        await tab.socket.send(event_name(SessionState, "on_load"), path=f"/?deck={deck_id}")
        await tab.until(lambda d: d.get("order") == slides)
        await tab.socket.send(event_name(DeckState, "select"), {"slide_id": slides[2]})
        await tab.until(lambda d: d.get("selected") == [slides[2]])
        await tab.close(redis)

        # ... and reconnects with the same token until it lands on the other worker.
        for _ in range(5):
            again = await _other_worker(app, tab.socket.token, first_pid, redis)
            # No ?deck= in the URL: what comes back is what the state in Redis holds.
            await again.socket.send(HYDRATE)
            hydrated = dict(await again.until(lambda d: "deck_id" in d and "selected" in d))
            if again.socket.new_token is None:
                break
            # Reflex took this connection for a second tab of the token (its record of the
            # closed one had not gone yet) and gave it a new token, so a fresh state: again.
            await again.close(redis)
        else:
            raise AssertionError("every reconnect was given a new token")
        # An edit on the second worker works on top of the state built on the first.
        await again.socket.send(
            event_name(DeckState, "move"),
            {"slide_id": slides[0], "target_id": slides[3], "after": True},
        )
        moved = dict(await again.until(lambda d: d.get("version", 1) > 1))
        await again.socket.close()
        return {
            "served_by": served_by,
            "first_pid": first_pid,
            "hydrated": hydrated,
            "moved": moved,
            "token": tab.socket.token,
            "tokens": tokens,
        }
    finally:
        # Only what this test created: the keys of its own tokens.
        await forget_tokens(redis, tokens)
        await redis.aclose()


def test_two_workers_share_tab_state_through_redis(redis_app: Any) -> None:
    deck_id, slides = _make_deck(redis_app)
    # Its own loop in a thread: the session's Playwright keeps one running on this thread.
    with ThreadPoolExecutor(1) as pool:
        seen = pool.submit(asyncio.run, _scenario(redis_app, deck_id, slides)).result()

    assert len(seen["served_by"]) == 2, seen["served_by"]  # two processes served, events worked
    hydrated = seen["hydrated"]
    assert hydrated["deck_id"] == deck_id
    assert hydrated["order"] == slides
    assert hydrated["selected"] == [slides[2]]  # the selection made on the other worker
    moved = seen["moved"]
    assert moved["version"] == 2
    assert moved["order"] == [slides[1], slides[2], slides[3], slides[0]]
    assert _head_version(redis_app, deck_id) == (2, moved["order"])
    assert "Traceback" not in redis_app.all_output(), json.dumps(redis_app.all_output()[-2000:])


async def _other_worker(app: Any, token: str, not_pid: int, redis: Any) -> Tab:
    """Reconnect `token` until the connection lands on a worker other than `not_pid`."""
    for _ in range(40):
        tab = Tab(app, token=token)
        if await tab.connect() != not_pid:
            return tab
        await tab.close(redis)
    raise AssertionError("every reconnect landed on the same worker")


async def _stop_scenario(app: Any, emulator: Any, deck_id: str, slides: list[str]) -> Any:
    import redis.asyncio as aioredis

    from slidegen.emulator.scripts import ModelReply, model_script
    from slidegen.web.states import ChatState, SessionState
    from slidegen.web.states.chat import STOPPED

    redis = aioredis.from_url(app.redis_url)
    script = model_script(emulator.emulator)
    first = Tab(app)
    try:
        first_pid = await first.connect()
        await first.socket.send(HYDRATE, path=f"/?deck={deck_id}")
        await first.socket.send(event_name(SessionState, "on_load"), path=f"/?deck={deck_id}")
        await first.until(lambda d: d.get("order") == slides)
        # Forty small slides at 15 tokens/s: ~30 s in all, a slide (a view update, where a
        # Stop from the other worker is seen) every ~0.7 s.
        answer = "".join(f'<div class="slide"><h2>Streamed {i}</h2></div>' for i in range(40))
        script.replies.append(ModelReply(text=answer))
        script.tokens_per_s = 15
        await first.socket.send(event_name(ChatState, "send"), {"form": {"prompt": "Q3 review"}})
        # The first new slide is on screen: the turn runs on the first worker.
        await first.until(lambda d: bool(d.get("order")) and d["order"] != slides, timeout=30)
        await first.close(redis)

        second = await _other_worker(app, first.socket.token, first_pid, redis)
        try:
            await second.socket.send(HYDRATE)
            await second.until(lambda c: c.get("generating") is True, chat=True)
            await second.socket.send(event_name(ChatState, "stop"))
            # The turn (still on the first worker) ends; its updates reach this connection.
            chat = await second.until(
                lambda c: (
                    c.get("generating") is False
                    and any(m["text"] == STOPPED for m in c.get("messages", []))
                ),
                chat=True,
                timeout=30,
            )
            deck = await second.until(lambda d: d.get("order") == slides)
            return dict(chat), dict(deck)
        finally:
            await second.socket.close()
    finally:
        script.tokens_per_s = 0
        script.replies.clear()
        await forget_tokens(redis, [first.socket.token])
        await redis.aclose()


def test_stop_reaches_a_turn_running_on_the_other_worker(redis_app: Any, emulator: Any) -> None:
    deck_id, slides = _make_deck(redis_app, "Stop across workers")
    with ThreadPoolExecutor(1) as pool:
        chat, deck = pool.submit(
            asyncio.run, _stop_scenario(redis_app, emulator, deck_id, slides)
        ).result()
    assert chat["generating"] is False
    assert deck["order"] == slides and deck.get("busy") is False
    assert _head_version(redis_app, deck_id) == (1, slides)  # nothing saved
