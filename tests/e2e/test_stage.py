"""The stage in a real browser: its size, the slide keys, text edited on the slide and undone,
the overview grid, at 1440x900 and 1024x768 (tests run in file order and build on each other)."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import shot
from tests.e2e.test_editor import card_titles, wait_titles

USER = "stage-e2e"
LONG_TITLE = "A heading long enough to need far more than one line in a card header of the overview"
# Slide 2 draws a chart and fills in a value at run time: neither may end up in the saved HTML.
DECK = f"""<title>Stage deck</title>
<style>.slide {{ font-family: sans-serif; padding: 60px; }}</style>
<div class="slide"><h1>Opening</h1><p>First words</p></div>
<div class="slide"><h2>Revenue</h2><p id="kpi"></p><canvas id="c" width="800" height="300"></canvas>
<ul><li>EMEA grows</li><li>APAC flat</li></ul>
<script>document.getElementById('kpi').textContent = 'Computed at run time';
new Chart(document.getElementById('c'), {{type: 'bar', data: {{labels: ['A', 'B'],
datasets: [{{label: 'Revenue', data: [3, 5]}}]}}, options: {{animation: false}}}});</script></div>
<div class="slide"><h2>{LONG_TITLE}</h2><table><tr><td>Acme</td><td>4.1</td></tr></table></div>
<div class="slide"><h2>Close</h2></div>
"""
TITLES = ["Opening", "Revenue", LONG_TITLE, "Close"]


def _store(app: Any) -> Any:
    from slidegen.config import load_settings
    from slidegen.store import open_store

    return open_store(load_settings(SLIDEGEN_DATA_DIR=str(Path(app.stdout_path).parent / "data")))


@pytest.fixture(scope="module")
def store(app: Any) -> Any:
    store = _store(app)
    yield store
    store.dispose()


@pytest.fixture(scope="module")
def deck_id(store: Any) -> str:
    from slidegen.deck import parse_deck_html

    parsed = parse_deck_html(DECK)
    return store.create_deck(USER, "Stage deck", styles=parsed.styles, slides=parsed.slides).deck.id


@pytest.fixture(scope="module")
def page(new_page: Any, app: Any, deck_id: str) -> Any:
    page = new_page(USER)
    page.goto(f"{app.url}/?deck={deck_id}")
    page.wait_for_selector("#chat-input")
    wait_titles(page, TITLES)
    return page


def position(page: Any) -> str:
    return page.locator("#stage-position").inner_text()


def stage_frame(page: Any) -> Any:
    return page.frame_locator("#stage-iframe")


def live_frame(page: Any) -> Any:
    """The stage's frame as a Playwright Frame (to evaluate inside the slide)."""
    return page.locator("#stage-iframe").element_handle().content_frame()


def wait_stage_shows(page: Any, text: str) -> None:
    """Until the stage's frame has loaded a document that contains `text`."""
    page.wait_for_function(
        "(text) => { const box = document.getElementById('stage-frame'); "
        "const frame = document.getElementById('stage-iframe'); "
        "return box && frame && box.dataset.frameState === 'ready' && "
        "(frame.getAttribute('srcdoc') || '').includes(text); }",
        arg=text,
    )


def click_on_stage(page: Any, selector: str) -> None:
    """A real mouse click on an element of the stage's slide (scaled down in its iframe, which
    Playwright's own click does not account for)."""
    rect = live_frame(page).eval_on_selector(
        selector,
        "e => { const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; }",
    )
    frame = page.locator("#stage-iframe").bounding_box()
    scale = frame["width"] / 1280
    x, y, width, height = rect
    page.mouse.click(frame["x"] + (x + width / 2) * scale, frame["y"] + (y + height / 2) * scale)


def head_slide(store: Any, deck_id: str, index: int) -> Any:
    return store.get_deck(USER, deck_id).deck.slides[index]


def test_the_stage_shows_the_focused_slide_large_beside_the_chat(page: Any) -> None:
    stage = page.locator("#stage-frame").bounding_box()
    assert stage["width"] >= 0.6 * 1440, stage
    assert abs(stage["width"] / stage["height"] - 16 / 9) < 0.01, stage
    assert stage["y"] + stage["height"] <= 900
    # The chat stays usable beside it, the filmstrip and the notes are on screen below it.
    chat = page.locator("#chat-input").bounding_box()
    assert chat["x"] + chat["width"] <= stage["x"]
    assert chat["y"] + chat["height"] <= 900
    strip = page.locator("#filmstrip").bounding_box()
    notes = page.locator("#notes-input").bounding_box()
    assert stage["y"] + stage["height"] <= notes["y"] < strip["y"] <= 900 - strip["height"]
    expect(stage_frame(page).locator("h1")).to_have_text("Opening")
    assert page.locator(".sg-thumb").first.get_attribute("title") == "Opening"
    shot(page, "20-stage-1440")

    page.set_viewport_size({"width": 1024, "height": 768})
    stage = page.locator("#stage-frame").bounding_box()
    assert stage["width"] >= 0.55 * 1024 and stage["y"] + stage["height"] <= 768
    assert page.locator("#filmstrip").bounding_box()["y"] < 768
    shot(page, "21-stage-1024")
    page.set_viewport_size({"width": 1440, "height": 900})


def test_arrow_keys_home_end_and_enter_move_the_stage(page: Any) -> None:
    page.locator(".sg-thumb .sg-overlay").first.click()
    expect(page.locator("#stage-position")).to_have_text("Slide 1 of 4")
    page.keyboard.press("ArrowRight")
    expect(page.locator("#stage-position")).to_have_text("Slide 2 of 4")
    expect(stage_frame(page).locator("h2")).to_have_text("Revenue")
    page.keyboard.press("End")
    expect(page.locator("#stage-position")).to_have_text("Slide 4 of 4")
    page.keyboard.press("ArrowUp")
    expect(page.locator("#stage-position")).to_have_text("Slide 3 of 4")
    page.keyboard.press("Home")
    expect(page.locator("#stage-position")).to_have_text("Slide 1 of 4")
    # The keyboard focus is on a thumbnail: Tab to the next one, Enter opens it on the stage.
    page.locator(".sg-thumb").nth(0).focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#stage-position")).to_have_text("Slide 2 of 4")
    expect(page.locator(".sg-thumb").nth(1)).to_have_class(re.compile(r"\bsg-selected\b"))


def test_delete_shows_the_undo_notice_and_ctrl_d_duplicates(page: Any) -> None:
    page.keyboard.press("Delete")
    wait_titles(page, [TITLES[0], *TITLES[2:]])
    expect(page.locator("#deck-notice")).to_have_text(
        "Deleted slide 2. Undo (Ctrl+Z) brings it back."
    )
    expect(page.locator("#stage-position")).to_have_text("Slide 2 of 3")  # its successor
    shot(page, "22-deleted-notice")
    page.keyboard.press("Control+z")
    wait_titles(page, TITLES)
    page.locator(".sg-thumb .sg-overlay").nth(3).click()
    page.keyboard.press("Control+d")
    wait_titles(page, [*TITLES, "Close"])
    expect(page.locator("#stage-position")).to_have_text("Slide 5 of 5")  # the copy
    page.keyboard.press("Delete")
    wait_titles(page, TITLES)


def test_the_move_buttons_reorder_the_slide_on_the_stage(page: Any) -> None:
    expect(page.locator("#stage-position")).to_have_text("Slide 4 of 4")
    expect(page.locator("#stage-move-later")).to_be_disabled()
    page.locator("#stage-move-earlier").click()
    wait_titles(page, [*TITLES[:2], TITLES[3], TITLES[2]])
    expect(page.locator("#stage-position")).to_have_text("Slide 3 of 4")  # it follows the slide
    page.keyboard.press("Control+z")
    wait_titles(page, TITLES)


def test_text_edited_on_the_slide_is_saved_as_one_version_and_undone(
    page: Any, store: Any, deck_id: str
) -> None:
    page.locator(".sg-thumb .sg-overlay").nth(1).click()
    expect(page.locator("#stage-position")).to_have_text("Slide 2 of 4")
    frame = stage_frame(page)
    expect(frame.locator("#kpi")).to_have_text("Computed at run time")
    version = store.get_deck(USER, deck_id).version
    original = head_slide(store, deck_id, 1)

    heading = frame.locator("h2")
    click_on_stage(page, "h2")
    expect(heading).to_have_attribute("contenteditable", "true")
    page.keyboard.press("End")
    page.keyboard.type(" up 12%")
    shot(page, "23-inline-editing")
    page.keyboard.press("Escape")  # ends the edit: one version
    deadline = time.monotonic() + 15
    while store.get_deck(USER, deck_id).version == version:
        assert time.monotonic() < deadline, "the edit was not saved"
        time.sleep(0.1)
    saved = head_slide(store, deck_id, 1)
    assert "<h2>Revenue up 12%</h2>" in saved.html
    assert saved.scripts == original.scripts
    # What the scripts did in the browser stays out: the canvas as written, the value unset.
    assert '<canvas id="c" width="800" height="300"></canvas>' in saved.html
    assert "Computed at run time" not in saved.html and '<p id="kpi"></p>' in saved.html
    wait_titles(page, [TITLES[0], "Revenue up 12%", *TITLES[2:]])
    wait_stage_shows(page, "Revenue up 12%")  # the saved slide, reloaded

    # A list item, ended by a pause in typing (the field keeps the caret meanwhile).
    item = frame.locator("li").first
    click_on_stage(page, "li")
    page.keyboard.press("End")
    page.keyboard.type(" fast")
    deadline = time.monotonic() + 15
    while "EMEA grows fast" not in head_slide(store, deck_id, 1).html:
        assert time.monotonic() < deadline, "the pause did not save the edit"
        time.sleep(0.1)
    assert store.get_deck(USER, deck_id).version == version + 2
    expect(item).to_have_attribute("contenteditable", "true")  # still editing
    page.locator("#stage-position").click()  # blur: nothing more to save
    time.sleep(0.5)
    assert store.get_deck(USER, deck_id).version == version + 2

    # The scripts ran again on the saved slide: the chart is drawn, the value filled in.
    wait_stage_shows(page, "EMEA grows fast")
    expect(frame.locator("li").first).to_have_text("EMEA grows fast")
    expect(frame.locator("#kpi")).to_have_text("Computed at run time")
    live_frame(page).wait_for_function(
        "() => { const c = document.getElementById('c'); return window.Chart && "
        "Chart.getChart(c) && c.toDataURL().length > 3000; }"
    )
    shot(page, "24-inline-saved")

    page.keyboard.press("Control+z")
    page.keyboard.press("Control+z")
    wait_titles(page, TITLES)
    assert head_slide(store, deck_id, 1).html == original.html
    expect(frame.locator("h2")).to_have_text("Revenue")


def test_the_overview_grid_truncates_long_titles_and_enter_opens_a_card(page: Any) -> None:
    page.get_by_role("radio", name="Overview").click()
    cards = page.locator(".sg-card")
    expect(cards).to_have_count(4)
    assert page.locator("#stage-frame").count() == 0
    assert card_titles(page) == TITLES
    # The long title stays on one line, cut with an ellipsis, and leaves the actions in the card.
    bar = cards.nth(2).locator(".sg-card-bar")
    title = bar.locator(".sg-title")
    assert title.bounding_box()["height"] < 24
    assert title.evaluate("e => e.scrollWidth > e.clientWidth")
    card_box = cards.nth(2).bounding_box()
    delete = bar.locator(".sg-delete").bounding_box()
    assert delete["x"] + delete["width"] <= card_box["x"] + card_box["width"]
    shot(page, "25-overview-1440")
    page.set_viewport_size({"width": 1024, "height": 768})
    shot(page, "26-overview-1024")
    page.set_viewport_size({"width": 1440, "height": 900})
    cards.nth(3).focus()
    page.keyboard.press("Enter")
    expect(page.locator("#stage-position")).to_have_text("Slide 4 of 4")
    expect(stage_frame(page).locator("h2")).to_have_text("Close")
