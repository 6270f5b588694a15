"""The deck's Genie space in a real browser: the picker lists the spaces, a pick is one version
that undo takes back, a space the user may not read is said plainly; and the filmstrip marks a
slide scaled to fit. Screenshots at 1440x900 and 1024x768."""

from __future__ import annotations

import time
from typing import Any

import pytest
from playwright.sync_api import expect

from slidegen.deck import parse_deck_html
from slidegen.deck.data_source import set_genie_space
from slidegen.deck.fitting import scale_slide_to_fit
from slidegen.store import ChangeKind
from tests.e2e.conftest import shot
from tests.e2e.test_stage import _store

USER = "data-e2e"
DECK = (
    """<title>Data deck</title><style>.slide { font-family: sans-serif; padding: 60px; }</style>
<div class="slide"><h1>Opening</h1><p>First words</p></div>
<div class="slide"><h2>Long table</h2><table>"""
    + "".join(f"<tr><td>Row {i}</td><td>{i}</td></tr>" for i in range(30))
    + """</table></div>
<div class="slide"><h2>Close</h2></div>"""
)


@pytest.fixture(scope="module")
def store(app: Any) -> Any:
    store = _store(app)
    yield store
    store.dispose()


@pytest.fixture(scope="module")
def decks(store: Any, emulator: Any) -> dict[str, str]:
    from slidegen.emulator.api_genie import publish_space

    emu = emulator.emulator
    publish_space(emu, "space-e2e", title="E2E sales", description="Sales of the e2e company")
    publish_space(emu, "space-finance", title="Finance", description="Costs and margins")
    publish_space(emu, "space-secret", title="Board only", readers={"a-board-member-token"})

    parsed = parse_deck_html(DECK)
    plain = store.create_deck(USER, "Data deck", styles=parsed.styles, slides=parsed.slides)
    table = plain.deck.slides[1].id
    scaled = store.change_deck(
        USER,
        plain.deck.id,
        lambda d: scale_slide_to_fit(d, table, 0.6),
        base_version=1,
        kind=ChangeKind.MANUAL_EDIT,
        summary="scaled to fit",
        actor=USER,
    )
    secret = store.create_deck(USER, "Secret deck", styles=parsed.styles, slides=parsed.slides)
    store.change_deck(
        USER,
        secret.deck.id,
        lambda d: set_genie_space(d, "space-secret"),
        base_version=1,
        kind=ChangeKind.DATA_SOURCE,
        summary="Data from Board only",
        actor=USER,
    )
    return {"plain": scaled.deck.id, "secret": secret.deck.id}


def _head(store: Any, deck_id: str) -> Any:
    return store.get_deck(USER, deck_id)


def _wait(predicate: Any, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_the_picker_lists_the_spaces_and_a_pick_is_one_undoable_version(
    new_page: Any, app: Any, store: Any, decks: dict[str, str]
) -> None:
    deck_id = decks["plain"]
    page = new_page(USER)
    page.goto(f"{app.url}/?deck={deck_id}")
    trigger = page.locator("#space-picker")
    expect(trigger).to_contain_text("Default: E2E sales")
    # the slide scaled to fit is marked in the filmstrip, and only that one
    expect(page.locator(".sg-thumb .sg-scaled-marker")).to_have_count(1)
    marked = page.locator(".sg-thumb", has=page.locator(".sg-scaled-marker"))
    expect(marked).to_have_attribute("data-index", "1")
    shot(page, "data-source-1440")

    trigger.click()
    options = page.get_by_role("option")
    expect(options).to_have_text(["Default: E2E sales", "No data", "Finance"])
    shot(page, "data-source-open-1440")
    page.get_by_role("option", name="Finance").click()
    expect(trigger).to_contain_text("Finance")
    _wait(lambda: _head(store, deck_id).deck.genie_space == "space-finance")
    version = _head(store, deck_id).version
    assert store.list_versions(USER, deck_id)[0].kind is ChangeKind.DATA_SOURCE
    expect(page.get_by_text("This deck's data now comes from Finance.")).to_be_visible()

    page.locator("#chat-log").click()  # focus off the select: Ctrl+Z is the editor's undo
    page.keyboard.press("Control+z")
    expect(trigger).to_contain_text("Default: E2E sales")
    _wait(lambda: _head(store, deck_id).version == version + 1)
    assert _head(store, deck_id).deck.genie_space == "default"

    page.set_viewport_size({"width": 1024, "height": 768})
    expect(trigger).to_be_visible()
    expect(page.locator(".sg-thumb .sg-scaled-marker")).to_have_count(1)
    shot(page, "data-source-1024")
    # the overview's cards say it in words
    page.get_by_role("radio", name="Overview").click()
    card_marker = page.locator(".sg-card .sg-scaled-marker")
    expect(card_marker).to_have_count(1)
    expect(card_marker).to_have_text("scaled to fit")
    shot(page, "scaled-marker-overview-1024")
    page.set_viewport_size({"width": 1440, "height": 900})
    shot(page, "scaled-marker-overview-1440")


def test_a_space_the_user_may_not_read_is_said_plainly(
    new_page: Any, app: Any, decks: dict[str, str]
) -> None:
    page = new_page(USER)
    page.goto(f"{app.url}/?deck={decks['secret']}")
    problem = page.locator("#space-problem")
    expect(problem).to_contain_text("You may not use the Genie space `space-secret`")
    expect(problem).not_to_contain_text("Traceback")
    expect(page.locator("#space-picker")).to_contain_text("space-secret (not available)")
    shot(page, "data-source-denied-1440")
    page.set_viewport_size({"width": 1024, "height": 768})
    shot(page, "data-source-denied-1024")


def test_a_written_slide_that_does_not_fit_is_measured_in_the_tab_and_scaled(
    new_page: Any, app: Any, emulator: Any
) -> None:
    """The generation's fit check runs in this tab's browser (`fit_bridge`): the slide that
    overflows again on its retry is scaled and marked, and the server's Chromium is not used."""
    from slidegen.emulator.sample_decks import sample_deck
    from slidegen.emulator.scripts import model_script

    sample_deck(slides=3, tokens_per_slide=120, stubborn=[2]).script(
        model_script(emulator.emulator)
    )
    page = new_page("fit-e2e")
    page.goto(app.url)
    page.wait_for_selector("#chat-input")
    page.fill("#chat-input", "A three-slide business review")
    page.keyboard.press("Enter")
    page.locator("#chat-stop").wait_for()
    page.locator("#chat-send").wait_for(timeout=60_000)
    expect(page.locator(".sg-thumb")).to_have_count(3)
    marked = page.locator(".sg-thumb", has=page.locator(".sg-scaled-marker"))
    expect(marked).to_have_count(1)
    expect(marked).to_have_attribute("data-index", "1")
    shot(page, "fit-scaled-in-browser-1440")
    messages = [str(r.get("message", "")) for r in app.log_lines()]
    assert any(messages)  # the app's INFO records are there, the fallback's would be too
    assert not [m for m in messages if "trying Chromium" in m], messages[-20:]
