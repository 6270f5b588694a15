"""Two attacks on the app's operation, each with an app of its own: DEBUG logging must not write
what passes through the socket (prompts, deck HTML) to the logs, and a worker killed mid-turn
must not leave its tab "generating" forever when the tab's state lives in Redis."""

from __future__ import annotations

import os
import signal
import time
from typing import Any

import pytest

from tests.security.conftest import new_user, start_app
from tests.security.tabs import Tab, run


def _deck(store_dir: Any, owner: str) -> str:
    from slidegen.config import load_settings
    from slidegen.deck import parse_deck_html
    from slidegen.store import open_store

    store = open_store(load_settings(SLIDEGEN_DATA_DIR=str(store_dir)))
    try:
        slides = parse_deck_html('<div class="slide"><h1>Start</h1></div>').slides
        return store.create_deck(owner, "Start", slides=slides).deck.id
    finally:
        store.dispose()


def test_debug_logging_writes_no_socket_payloads(
    packaged_build: Any, workspace: Any, model: Any, tmp_path: Any
) -> None:
    from slidegen.emulator.scripts import ModelReply

    prompt_marker, slide_marker = "PROMPT-MARKER-4417", "SLIDE-MARKER-8823"
    model.replies.append(ModelReply(text=f'<div class="slide"><h1>{slide_marker}</h1></div>'))
    app = start_app(packaged_build, tmp_path / "run", workspace, LOG_LEVEL="DEBUG")
    try:
        user = new_user("debug")
        deck = _deck(tmp_path / "run" / "data", user)

        async def scenario() -> None:
            tab = await Tab(app, user).open(deck)
            await tab.say(f"Write about {prompt_marker}")
            await tab.until("Created a deck")
            await tab.close()

        run(scenario())
    finally:
        app.terminate()
    output = app.all_output()
    assert '"level": "DEBUG"' in output, "the app did not log at DEBUG at all"
    assert prompt_marker not in output, "a prompt reached the logs"
    assert slide_marker not in output, "deck HTML reached the logs"


@pytest.mark.redis
def test_a_worker_killed_mid_turn_does_not_leave_the_tab_generating(
    packaged_build: Any, workspace: Any, model: Any, redis_url: str, tmp_path: Any
) -> None:
    from slidegen.emulator.scripts import ModelReply

    env = {"REDIS_URL": redis_url, "SLIDEGEN_WORKERS": "1", "TURN_LEASE_S": "5"}
    model.replies.append(ModelReply(text='<div class="slide"><h1>Never saved</h1></div>' * 4))
    model.hold_after_chunks = 2
    data = tmp_path / "data"
    first = start_app(
        packaged_build, tmp_path / "first", workspace, SLIDEGEN_DATA_DIR=str(data), **env
    )
    user = new_user("lease")
    deck = _deck(data, user)
    token = ""
    streams = len(model.streams)
    try:

        async def start_turn() -> str:
            tab = await Tab(app=first, user=user).open(deck)
            await tab.say("Rewrite everything")
            await tab.until('"generating_rx_state_": true')
            # The connection drops (the worker forgets the socket) while the turn runs on.
            await tab.close()
            return tab.token

        token = run(start_turn())
        deadline = time.monotonic() + 20
        while not (len(model.streams) > streams and len(model.streams[-1].chunks) >= 2):
            assert time.monotonic() < deadline
            time.sleep(0.05)
        time.sleep(1.0)  # the disconnect's clean-up has run
    finally:
        os.killpg(first.process.pid, signal.SIGKILL)  # the worker dies mid-turn
        first.process.wait(10)
        first._closed = True
    model.release.set()
    second = start_app(
        packaged_build, tmp_path / "second", workspace, SLIDEGEN_DATA_DIR=str(data), **env
    )
    try:

        async def come_back() -> Tab:
            tab = Tab(second, user, token=token)
            await tab.open(deck)
            # Within the lease (5 s) plus a renewal period, the tab is released.
            loop_deadline = time.monotonic() + 15
            from slidegen.web.states import SessionState

            while "stopped answering" not in tab.text:
                assert time.monotonic() < loop_deadline, tab.seen[-3:]
                await tab.drain(1.0)
                await tab.send(SessionState, "on_load")
            await tab.close()
            return tab

        tab = run(come_back())
    finally:
        second.terminate()
    assert "its server restarted" in tab.text
