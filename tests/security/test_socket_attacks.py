"""Attacks over a real socket.io connection (the browser's protocol) and plain HTTP against the
packaged app: other origins, a replayed tab token, a `run_turn` sent by the client, deck changes
while a turn writes, the per-user rate limit, and an endless slide stream."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest
import socketio

from tests.security.conftest import (
    RATE_LIMIT_TURNS,
    TURN_MAX_PUSH_BYTES,
    new_user,
    start_app,
    user_headers,
)
from tests.security.tabs import Tab, run

EVIL = "https://evil.example"


def _deck(store: Any, owner: str, title: str) -> str:
    from slidegen.deck import parse_deck_html

    html = f'<div class="slide"><h1>{title}</h1></div><div class="slide"><h2>Two</h2></div>'
    return store.create_deck(owner, title, slides=parse_deck_html(html).slides).deck.id


async def _until(condition: Any, timeout: float = 20, what: str = "condition") -> None:
    """Wait for `condition` while the socket client's loop keeps running."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)


# --------------------------------------------------------------------------- origins


def test_other_origins_get_no_credentialed_cors_answer(app: Any) -> None:
    user = {"x-forwarded-user": "cors-user", "cookie": "session=1"}
    preflight = httpx.options(
        f"{app.url}/ping",
        headers={
            **user,
            "origin": EVIL,
            "access-control-request-method": "GET",
            "access-control-request-headers": "x-custom",
        },
    )
    simple = httpx.get(f"{app.url}/ping", headers={**user, "origin": EVIL})
    posted = httpx.post(f"{app.url}/_upload", headers={**user, "origin": EVIL}, content=b"x")
    assert preflight.status_code == 403 and posted.status_code == 403
    for response in (preflight, simple, posted):
        assert "access-control-allow-origin" not in response.headers
        assert "access-control-allow-credentials" not in response.headers
    # The app's own origin, directly or behind the proxy, still works.
    own = httpx.get(f"{app.url}/ping", headers={**user, "origin": app.url})
    assert own.status_code == 200
    proxied = httpx.get(
        f"{app.url}/ping",
        headers={**user, "origin": "https://slides.example", "x-forwarded-host": "slides.example"},
    )
    assert proxied.status_code == 200


def test_websocket_handshake_from_another_origin_is_refused(app: Any) -> None:
    user = new_user("ws-origin")

    async def scenario() -> None:
        evil = Tab(app, user, headers={**user_headers(user, app), "origin": EVIL})
        with pytest.raises(socketio.exceptions.ConnectionError):
            await evil.connect()
        own = await Tab(app, user).open()
        await own.close()
        behind_proxy = Tab(
            app,
            user,
            headers={
                **user_headers(user, app),
                "origin": "https://slides.example",
                "x-forwarded-host": "slides.example",
            },
        )
        await behind_proxy.open()
        await behind_proxy.close()

    run(scenario())


def test_development_keeps_the_reflex_run_frontend_working(
    packaged_build: Any, workspace: Any, tmp_path: Any
) -> None:
    """`reflex run` serves the pages on :3000 and the backend on :8000: that origin passes."""
    dev = start_app(packaged_build, tmp_path / "dev", workspace, ENVIRONMENT="development")
    frontend = "http://localhost:3000"
    try:
        answer = httpx.get(f"{dev.url}/ping", headers={"origin": frontend})
        assert answer.status_code == 200
        assert answer.headers.get("access-control-allow-origin") in (frontend, "*")
        assert httpx.post(f"{dev.url}/_upload", headers={"origin": EVIL}).status_code == 403

        async def scenario() -> None:
            tab = Tab(dev, "dev-user", headers={"origin": frontend})
            await tab.open()
            await tab.until('"signed_in_rx_state_": true')  # as the development user
            await tab.close()

        run(scenario())
    finally:
        dev.terminate()


# --------------------------------------------------------------------------- replayed token


def test_a_replayed_token_gets_nothing_of_the_running_generation(
    app: Any, store: Any, model: Any
) -> None:
    from slidegen.emulator.scripts import ModelReply

    alice, mallory = new_user("alice"), new_user("mallory")
    deck = _deck(store, alice, "Alice deck")
    secret = "ALICE-RUNNING-7731"
    model.replies.append(
        ModelReply(
            text=f"<title>{secret}</title>"
            + "".join(f'<div class="slide"><h2>{secret} {i}</h2></div>' for i in range(6))
        )
    )
    model.hold_after_chunks = 3
    streams = len(model.streams)

    async def scenario() -> Tab:
        first = await Tab(app, alice).open(deck)
        await first.say("Write the plan")
        await first.until('"generating_rx_state_": true')
        await _until(
            lambda: len(model.streams) > streams and len(model.streams[-1].chunks) >= 3,
            what="the stream",
        )
        await first.close()  # Alice's tab goes away while the model writes
        replay = await Tab(app, mallory, token=first.token).connect()
        model.release.set()
        # The run keeps going for Alice and saves her deck; Mallory's socket hears none of it.
        await _until(lambda: store.get_deck(alice, deck).version == 2, what="Alice's deck saved")
        await replay.drain(1.0)
        # A token presented under another user names a fresh state of that user's own.
        from slidegen.web.states import SessionState

        await replay.socket.send("reflex___state____state.hydrate")
        await replay.send(SessionState, "on_load")
        await replay.until("signed_in")
        await replay.drain(1.0)
        await replay.close()
        return replay

    replay = run(scenario())
    assert secret not in replay.text, "a replayed token received the running generation"
    assert deck not in replay.text and "Alice deck" not in replay.text


# --------------------------------------------------------------------------- turn entry point


def test_run_turn_sent_by_the_client_starts_nothing(app: Any, store: Any, model: Any) -> None:
    from slidegen.web.states import ChatState

    user = new_user("direct")
    deck = _deck(store, user, "Direct deck")
    marker = "DIRECT-RUN-TURN-5521"
    before = len(model.requests)

    async def scenario() -> None:
        tab = await Tab(app, user).open(deck)
        await tab.send(ChatState, "run_turn", {"prompt": marker, "selected": []})
        await tab.send(ChatState, "run_turn", {"prompt": marker, "selected": [], "ticket": "x"})
        await tab.drain(2.0)
        await tab.close()

    run(scenario())
    assert not any(marker in str(r.messages) for r in model.requests[before:])
    assert store.get_deck(user, deck).version == 1


def test_decks_cannot_be_switched_or_deleted_while_a_turn_writes(
    app: Any, store: Any, model: Any
) -> None:
    from slidegen.emulator.scripts import ModelReply
    from slidegen.web.states import SessionState

    user = new_user("busy")
    deck, other = _deck(store, user, "Being written"), _deck(store, user, "Other deck")
    model.replies.append(
        ModelReply(text="".join(f'<div class="slide"><h2>New {i}</h2></div>' for i in range(4)))
    )
    model.hold_after_chunks = 2
    streams = len(model.streams)

    async def scenario() -> Tab:
        tab = await Tab(app, user).open(deck)
        await tab.say("Rewrite it")
        await _until(
            lambda: len(model.streams) > streams and len(model.streams[-1].chunks) >= 2,
            what="the stream",
        )
        await tab.send(SessionState, "delete_deck", {"deck_id": deck})
        await tab.send(SessionState, "open_deck", {"deck_id": other})
        await tab.send(SessionState, "new_deck")
        await tab.until("still writing this deck")
        model.release.set()
        await tab.until("Created a deck")
        await tab.close()
        return tab

    run(scenario())
    head = store.get_deck(user, deck)  # neither deleted nor left behind
    assert head.version == 2 and head.deck.slides[0].title == "New 0"
    assert len(store.list_decks(user)) == 2


# --------------------------------------------------------------------------- limits


def test_generations_are_rate_limited_per_user(app: Any, store: Any, model: Any) -> None:
    user, other = new_user("rate"), new_user("rate-other")
    deck, others = _deck(store, user, "Rate deck"), _deck(store, other, "Other")

    async def scenario() -> tuple[Tab, Tab]:
        tab = await Tab(app, user).open(deck)
        for n in range(RATE_LIMIT_TURNS):
            await tab.say(f"Version {n}")
            await tab.until(f"Version {n}")
            await tab.until("Created a deck")
            await tab.drain(0.3)
        await tab.say("One more")
        await tab.until("the limit for one user")
        await tab.close()
        second = await Tab(app, other).open(others)
        await second.say("Mine")
        await second.until("Created a deck")
        await second.close()
        return tab, second

    tab, _ = run(scenario())
    assert "try again in" in tab.text
    assert (
        store.get_deck(user, deck).version == 1 + RATE_LIMIT_TURNS
    )  # the refused one saved nothing
    assert store.get_deck(other, others).version == 2


def test_an_endless_slide_stream_is_cut_off(app: Any, store: Any, model: Any) -> None:
    from slidegen.emulator.scripts import ModelReply

    user = new_user("endless")
    deck = _deck(store, user, "Endless")
    filler = "x" * 3000
    model.replies.append(
        ModelReply(
            text="".join(
                f'<div class="slide"><h2>Slide-{i:04d}</h2><p>{filler}</p></div>'
                for i in range(600)
            )
        )
    )
    model.chars_per_token = 4000
    model.tokens_per_s = 200  # ~2 s for the whole answer: the cut-off comes well before

    async def scenario() -> Tab:
        tab = await Tab(app, user).open(deck)
        await tab.say("Everything")
        await tab.until("was stopped", timeout=60)
        await tab.drain(0.5)
        await tab.close()
        return tab

    try:
        tab = run(scenario())
    finally:
        model.chars_per_token = 4
        model.tokens_per_s = 0
    budget = TURN_MAX_PUSH_BYTES
    assert tab.socket.bytes_received < 2 * budget, tab.socket.bytes_received
    assert "Slide-0599" not in tab.text
    assert store.get_deck(user, deck).version == 1
