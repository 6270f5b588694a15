"""Isolation at the websocket: a client token replayed under another user's headers reaches none
of the first user's decks (the view is reset before hydrate; every store call uses the headers).

Driven with a python-socketio client (the browser's protocol) against the packaged app."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from tests.support.reflex_client import ReflexSocket, event_name

HYDRATE = "reflex___state____state.hydrate"
SECRET = "ALICE-SECRET-7731"


def _alice_deck(app: Any) -> tuple[Any, str]:
    from slidegen.config import load_settings
    from slidegen.deck import parse_deck_html
    from slidegen.store import open_store

    store = open_store(load_settings(SLIDEGEN_DATA_DIR=str(Path(app.stdout_path).parent / "data")))
    parsed = parse_deck_html(
        f'<div class="slide"><h1>{SECRET} plan</h1></div><div class="slide"><h2>Two</h2></div>'
    )
    record = store.create_deck("alice-iso", f"{SECRET} deck", slides=parsed.slides)
    return store, record.deck.id


async def _drain(socket: ReflexSocket, seconds: float) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    loop = asyncio.get_running_loop()
    end = loop.time() + seconds
    while (left := end - loop.time()) > 0:
        try:
            seen.append(await socket.next_update(left))
        except TimeoutError:
            break
    return seen


def test_replayed_token_under_other_headers_reaches_nothing(app: Any) -> None:
    from slidegen.web.states import DeckState, SessionState

    store, deck_id = _alice_deck(app)
    alice = {"x-forwarded-user": "alice-iso", "origin": app.url}
    mallory = {"x-forwarded-user": "mallory-iso", "origin": app.url}

    async def scenario() -> tuple[str, str]:
        first = await ReflexSocket(app.url, headers=alice).connect()
        await first.send(HYDRATE, path=f"/?deck={deck_id}")
        await first.send(event_name(SessionState, "on_load"), path=f"/?deck={deck_id}")
        alice_seen = json.dumps(await _drain(first, 3))
        await first.close()

        replay = await ReflexSocket(app.url, headers=mallory, token=first.token).connect()
        # Mallory's own URL does not name the deck, so any mention of it would be a leak.
        await replay.send(HYDRATE)
        await replay.send(event_name(SessionState, "on_load"))
        await replay.send(event_name(SessionState, "open_deck"), {"deck_id": deck_id})
        await replay.send(event_name(DeckState, "rename_to"), {"title": "pwned"})
        await replay.send(event_name(SessionState, "delete_deck"), {"deck_id": deck_id})
        mallory_seen = json.dumps(await _drain(replay, 3))
        await replay.close()
        return alice_seen, mallory_seen

    try:
        # Its own loop in a thread: the session's Playwright keeps one running on this thread.
        with ThreadPoolExecutor(1) as pool:
            alice_seen, mallory_seen = pool.submit(asyncio.run, scenario()).result()
        assert SECRET in alice_seen and deck_id in alice_seen  # the first user did get it
        assert SECRET not in mallory_seen
        assert deck_id not in mallory_seen
        head = store.get_deck("alice-iso", deck_id)  # not deleted, not renamed
        assert head.deck.title == f"{SECRET} deck" and head.version == 1
    finally:
        store.dispose()
