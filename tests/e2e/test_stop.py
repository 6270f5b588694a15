"""Stop in a real browser: a slow generation is stopped half-way, the run ends with a clear
message, the deck is exactly as it was (no new version), and the editor works again."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from tests.e2e.conftest import shot
from tests.e2e.test_editor import DECK, card_titles, wait_titles

USER = "stop-e2e"
ORIGINAL = ["Original opening", "Original close"]


def _store(app: Any) -> Any:
    from slidegen.config import load_settings
    from slidegen.store import open_store

    return open_store(load_settings(SLIDEGEN_DATA_DIR=str(Path(app.stdout_path).parent / "data")))


def test_stop_ends_the_run_and_keeps_the_deck(new_page: Any, app: Any, emulator: Any) -> None:
    from slidegen.deck import parse_deck_html
    from slidegen.emulator.scripts import ModelReply, model_script

    store = _store(app)
    parsed = parse_deck_html("".join(f'<div class="slide"><h2>{t}</h2></div>' for t in ORIGINAL))
    deck_id = store.create_deck(USER, "Keep me", slides=parsed.slides).deck.id
    script = model_script(emulator.emulator)
    page = new_page(USER)
    try:
        page.goto(f"{app.url}/?deck={deck_id}")
        page.wait_for_selector("#chat-input")
        wait_titles(page, ORIGINAL)

        script.replies.append(ModelReply(text=DECK))
        script.tokens_per_s = 25  # ~10 s for the whole deck: Stop lands in the middle
        page.fill("#chat-input", "Replace this with a Q3 review")
        page.keyboard.press("Enter")
        page.locator("#chat-stop").wait_for()
        # Wait until the new deck is visibly being written (its first slide is on screen).
        deadline = time.monotonic() + 20
        while "Q3 revenue review" not in card_titles(page):
            assert time.monotonic() < deadline, card_titles(page)
            time.sleep(0.05)
        assert page.locator("#chat-stop").count() == 1, "the run finished before Stop"
        shot(page, "09-before-stop")
        page.locator("#chat-stop").click()

        page.locator("#chat-send").wait_for(timeout=10_000)
        assert page.locator("#chat-stop").count() == 0
        log = page.locator("#chat-log").inner_text()
        assert "Stopped. The deck is unchanged" in log, log
        # What the model said before Stop stays, as prose: none of the deck's markup.
        assert "<title>" not in log and 'class="slide' not in log and "<style>" not in log, log
        wait_titles(page, ORIGINAL)  # the half-written slides are gone
        shot(page, "10-stopped")
        head = store.get_deck(USER, deck_id)
        assert head.version == 1, "Stop must not save a version"
        assert [s.title for s in head.deck.slides] == ORIGINAL

        # The editor is usable again: an edit goes through and is saved.
        page.locator("#stage-duplicate").click()  # the first slide is on the stage
        wait_titles(page, [ORIGINAL[0], ORIGINAL[0], ORIGINAL[1]])
        assert store.get_deck(USER, deck_id).version == 2
    finally:
        script.tokens_per_s = 0
        script.replies.clear()
        store.dispose()
