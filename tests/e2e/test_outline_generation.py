"""Outline-first generation in a real browser: every planned slide appears at once as a
placeholder with its title, each fills in as its own call finishes, and the outline review lets
the user change the plan before any slide is written."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from tests.e2e.conftest import shot
from tests.e2e.test_editor import card_titles, wait_titles

PLANNED = ["Opening", "Revenue", "Costs", "Risks", "Next steps"]


def _store(app: Any) -> Any:
    from slidegen.config import load_settings
    from slidegen.store import open_store

    return open_store(load_settings(SLIDEGEN_DATA_DIR=str(Path(app.stdout_path).parent / "data")))


def _outline(titles: list[str]) -> str:
    from slidegen.emulator.scripts import outline_text

    return outline_text(
        "Quarter in review",
        [
            {"title": t, "intent": f"about {t.lower()}", "layout": "text", "data": []}
            for t in titles
        ],
    )


def _slide(title: str, words: int = 5) -> str:
    body = "word " * words
    return f'<section class="slide sg-slide"><h2>{title} written</h2><p>{body}</p></section>'


def test_placeholders_appear_at_once_and_fill_in(new_page: Any, app: Any, emulator: Any) -> None:
    from slidegen.emulator.scripts import model_script

    user = "outline-e2e"
    store = _store(app)
    deck_id = store.create_deck(user, "Empty").deck.id
    script = model_script(emulator.emulator)
    page = new_page(user)
    try:
        page.goto(f"{app.url}/?deck={deck_id}")
        page.wait_for_selector("#chat-input")
        script.script("outline", _outline(PLANNED))
        # Slide 1 is short, the others take seconds: slides start as their outline entry is
        # complete, so slide 1 may be written before the last placeholder appears.
        script.script("slide", _slide("Opening", words=40), slide=1)
        for n, title in enumerate(PLANNED[1:], start=2):
            script.script("slide", _slide(title, words=400), slide=n)
        script.pace("slides-endpoint", tokens_per_s=60)
        page.fill("#chat-input", "A quarter in review")
        sent = time.monotonic()
        page.keyboard.press("Enter")
        # Every planned slide is on screen at once, titled, while the slides are being written.
        deadline = time.monotonic() + 15
        while True:
            titles = card_titles(page)
            waiting = [t for t in titles if t in PLANNED]
            if len(titles) == len(PLANNED) and len(waiting) >= len(PLANNED) - 1:
                break
            assert time.monotonic() < deadline, titles
            time.sleep(0.05)
        placeholders_s = time.monotonic() - sent
        shot(page, "outline-01-placeholders")
        deadline = time.monotonic() + 30
        while "Opening written" not in card_titles(page):
            assert time.monotonic() < deadline, card_titles(page)
            time.sleep(0.05)
        titles = card_titles(page)
        assert titles[0] == "Opening written"
        assert any(t in PLANNED[1:] for t in titles[1:]), "the slow ones are still placeholders"
        shot(page, "outline-02-filling")
        wait_titles(page, [f"{t} written" for t in PLANNED], timeout=60)
        page.locator("#chat-send").wait_for(timeout=20_000)
        page.set_viewport_size({"width": 1024, "height": 700})
        shot(page, "outline-03-written-narrow")
        head = store.get_deck(user, deck_id)
        assert head.version == 2
        assert [s.title for s in head.deck.slides] == [f"{t} written" for t in PLANNED]
        assert placeholders_s < 15
    finally:
        script.pace("slides-endpoint", tokens_per_s=None)
        store.dispose()


def test_the_outline_review_writes_the_edited_plan(new_page: Any, app: Any, emulator: Any) -> None:
    from slidegen.emulator.scripts import model_script

    user = "outline-review-e2e"
    store = _store(app)
    deck_id = store.create_deck(user, "Empty").deck.id
    script = model_script(emulator.emulator)
    page = new_page(user)
    try:
        page.goto(f"{app.url}/?deck={deck_id}")
        page.wait_for_selector("#chat-input")
        page.get_by_test_id("chat-review-outline").click()
        script.script("outline", _outline(["First", "Second", "Third"]))
        page.fill("#chat-input", "Three slides")
        page.keyboard.press("Enter")
        page.locator("#outline-review").wait_for()
        titles = page.get_by_label("Slide title")
        assert titles.count() == 3
        titles.nth(0).fill("First, renamed")
        titles.nth(0).blur()
        page.locator(".sg-outline-row").nth(1).get_by_role("button", name="Remove").click()
        page.wait_for_function("() => document.querySelectorAll('.sg-outline-row').length === 2")
        shot(page, "outline-04-review")
        assert store.get_deck(user, deck_id).version == 1  # nothing written yet
        script.script("slide", _slide("Renamed"), slide=1)
        script.script("slide", _slide("Third"), slide=2)
        page.locator("#outline-write").click()
        wait_titles(page, ["Renamed written", "Third written"], timeout=30)
        page.locator("#chat-send").wait_for(timeout=20_000)
        head = store.get_deck(user, deck_id)
        assert head.version == 2
        specs = [r.slide_spec["title"] for r in script.requests if r.kind == "slide"][-2:]
        assert sorted(specs) == ["First, renamed", "Third"]
    finally:
        store.dispose()
