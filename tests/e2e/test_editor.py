"""The editor in a real browser against the packaged app: generate, edit, reorder, undo, history,
present and export, as one user's session (tests run in file order and build on each other)."""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import shot

DECK = """<title>Q3 revenue review</title>
<style>.slide { font-family: sans-serif; padding: 60px; } .slide h1 { font-size: 60px; }</style>
<div class="slide"><h1>Q3 revenue review</h1><p>Prepared for the board</p></div>
<div class="slide"><h2>Revenue by region</h2><canvas id="c" width="900" height="420"></canvas>
<script>new Chart(document.getElementById('c'), {type: 'bar', data: {labels: ['EMEA', 'AMER',
'APAC'], datasets: [{label: 'Revenue ($M)', data: [12, 19, 7]}]}});</script></div>
<div class="slide"><h2>Top accounts</h2><table><tr><th>Account</th><th>Revenue</th></tr>
<tr><td>Acme</td><td>4.1</td></tr><tr><td>Globex</td><td>3.3</td></tr></table></div>
<div class="slide"><h2>Risks</h2><ul><li>FX exposure</li><li>Hiring pace</li></ul></div>
<div class="slide"><h2>Next steps</h2><ol><li>Decide</li><li>Build</li></ol></div>
"""
TITLES = ["Q3 revenue review", "Revenue by region", "Top accounts", "Risks", "Next steps"]


# Every slide of the deck as the editor lists it: thumbnails of the filmstrip (title on hover)
# or cards of the overview (title in the header).
SLIDES = "[data-slide-id][data-index]"


def card_titles(page: Any) -> list[str]:
    return page.eval_on_selector_all(
        SLIDES,
        "els => els.map(e => (e.getAttribute('title') ?? "
        "e.querySelector('.sg-title')?.innerText ?? '').trim())",
    )


def wait_titles(page: Any, expected: list[str], timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while card_titles(page) != expected:
        if time.monotonic() > deadline:
            assert card_titles(page) == expected
        time.sleep(0.1)


def wait_counter(page: Any, text: str) -> None:
    # A function, not an expression string: the page's CSP has no 'unsafe-eval'.
    page.wait_for_function(
        "(text) => document.querySelector('#present-counter').innerText.trim() === text", arg=text
    )


def deck_id(page: Any) -> str:
    href = page.locator("a[href^='/present/']").first.get_attribute("href")
    return href.rsplit("/", 1)[-1]


@pytest.fixture(scope="module")
def page(new_page: Any, app: Any) -> Any:
    page = new_page("alice-e2e")
    # Everything the page loads (the bundled code editor included) comes from the app itself.
    page.foreign_requests = []  # type: ignore[attr-defined]
    page.on(
        "request",
        lambda r: (
            None
            if r.url.startswith((app.url, "data:", "blob:", "about:"))
            else page.foreign_requests.append(r.url)
        ),
    )
    page.goto(app.url)
    page.wait_for_selector("#chat-input")
    return page


def test_generate_shows_slides_one_by_one(page: Any, emulator: Any) -> None:
    from slidegen.emulator.scripts import ModelReply, model_script

    script = model_script(emulator.emulator)
    script.replies.append(ModelReply(text=DECK))
    script.tokens_per_s = 250  # about 4 s for the deck: slow enough to watch it arrive
    shot(page, "01-empty-deck")
    page.fill("#chat-input", "A Q3 revenue review for the board")
    page.keyboard.press("Enter")
    seen: set[int] = set()
    deadline = time.monotonic() + 30
    while page.locator("#chat-stop").count() or not seen:
        seen.add(page.locator(SLIDES).count())
        if 0 < len(seen - {0}) == 2 and page.locator("#chat-stop").count():
            shot(page, "02-generating")
        assert time.monotonic() < deadline, "generation did not finish"
        time.sleep(0.05)
    script.tokens_per_s = 0
    wait_titles(page, TITLES)
    # Slides appeared progressively: some count strictly between none and all was on screen.
    assert any(0 < n < len(TITLES) for n in seen), seen
    assert page.locator(".sg-msg-assistant").count() >= 1
    assert page.locator("#slide-count").inner_text() == "5 slides"
    # Each slide is a sandboxed iframe that may run scripts but has no same-origin access.
    assert page.locator("#filmstrip iframe").first.get_attribute("sandbox") == "allow-scripts"
    assert page.locator("#stage-iframe").get_attribute("sandbox") == "allow-scripts"
    page.frame_locator("#filmstrip .sg-thumb >> nth=1 >> iframe").locator("canvas").wait_for()
    shot(page, "03-generated")


def test_select_two_slides_and_edit_them_by_chat(page: Any) -> None:
    thumbs = page.locator(".sg-thumb .sg-overlay")
    thumbs.nth(1).click()
    thumbs.nth(3).click(modifiers=["Control"])
    # Selection is server state: wait for both round trips instead of reading at once.
    expect(page.locator(".sg-thumb.sg-selected")).to_have_count(2)
    expect(page.locator("#chat-scope")).to_contain_text("slides 2, 4")
    shot(page, "04-two-selected")
    page.fill("#chat-input", 'Make these punchier: call them "Revised slide"')
    page.locator("#chat-send").click()
    wait_titles(
        page,
        ["Q3 revenue review", "Revised slide", "Top accounts", "Revised slide", "Next steps"],
        timeout=30,
    )
    log = page.locator("#chat-log").inner_text()
    assert "Editing only slides 2, 4" in log


def test_reorder_by_dragging(page: Any) -> None:
    page.locator(".sg-overlay").first.click()  # selection does not matter for dragging
    before = card_titles(page)
    first = page.locator(".sg-thumb").nth(0)
    third = page.locator(".sg-thumb").nth(2)
    box = third.bounding_box()
    first.drag_to(third, target_position={"x": box["width"] * 0.8, "y": box["height"] / 2})
    wait_titles(page, [before[1], before[2], before[0], before[3], before[4]])


def test_edit_html_in_codemirror_invalid_is_refused_valid_is_saved(page: Any) -> None:
    before = card_titles(page)
    page.locator(".sg-thumb .sg-overlay").nth(0).click()
    expect(page.locator("#stage-position")).to_have_text("Slide 1 of 5")
    page.locator("#stage-edit-html").click()
    # CodeMirror 6 from the bundle: line numbers, HTML highlighting, the source indented.
    code = page.locator("#html-editor .cm-content")
    code.wait_for()
    assert page.locator("#html-editor .cm-lineNumbers").count() == 1
    lines = page.locator("#html-editor .cm-line").all_inner_texts()
    assert lines[0].startswith('<div class="slide') and lines[1] == "  <h2>Revised slide</h2>"
    # Highlighting: tag names and attribute values are styled spans, not plain text.
    # CodeMirror highlights in idle time after the first paint: wait for it on a loaded machine.
    page.wait_for_function(
        "() => document.querySelectorAll('#html-editor .cm-line span').length >= 6"
    )
    code.click()
    page.keyboard.press("Control+f")
    search = page.locator("#html-editor .cm-search input[name=search]")
    search.wait_for()
    page.keyboard.press("Escape")  # closes the search, not the dialog
    search.wait_for(state="detached")
    assert page.locator("#html-editor").is_visible()
    code.fill("<p>this is not a slide</p>")
    page.locator("#html-error").wait_for()
    page.locator("#html-save").click()
    page.locator("#html-error").wait_for()
    shot(page, "05-html-invalid")
    assert card_titles(page) == before  # nothing saved
    code.fill('<div class="slide">\n  <h1>Hand edited</h1>\n  <p>by a human</p>\n</div>')
    page.locator("#html-ok").wait_for()
    assert "Hand edited" in page.frame_locator("[role=dialog] iframe").locator("h1").inner_text()
    page.locator("#html-save").click()
    wait_titles(page, ["Hand edited", *before[1:]])
    # Reopened, the editor shows the saved text as it was typed.
    page.locator("#stage-edit-html").click()
    expect(page.locator("#html-editor .cm-line")).to_have_count(4)
    assert page.locator("#html-editor .cm-line").nth(2).inner_text() == "  <p>by a human</p>"
    shot(page, "05b-html-editor")
    assert page.foreign_requests == []
    page.get_by_role("button", name="Cancel").click()
    page.locator("#html-editor").wait_for(state="detached")


def test_undo_and_redo_with_keys_and_buttons(page: Any) -> None:
    after = card_titles(page)
    page.locator("#stage-position").click()  # focus outside any text field
    page.keyboard.press("Control+z")
    wait_titles(page, ["Revised slide", *after[1:]])
    page.keyboard.press("Control+Shift+z")
    wait_titles(page, after)
    page.locator("#undo").click()
    wait_titles(page, ["Revised slide", *after[1:]])
    page.locator("#redo").click()
    wait_titles(page, after)


def test_restore_a_version_from_history(page: Any) -> None:
    current = card_titles(page)
    page.locator("#history-toggle").click()
    rows = page.locator("#history-list .sg-history-row")
    rows.first.wait_for()
    generated = page.locator("#history-list .sg-history-row", has_text="generate").first
    generated.get_by_role("button", name="Preview").click()
    page.locator("#history-preview iframe").first.wait_for()
    shot(page, "06-history-preview")
    generated.locator(".sg-restore").click()
    wait_titles(page, TITLES)
    assert page.locator("#history-list .sg-history-row").first.inner_text().count("restore")
    page.keyboard.press("Escape")
    # Non-destructive: the version before the restore is one undo away.
    page.locator("#undo").click()
    wait_titles(page, current)
    page.locator("#redo").click()
    wait_titles(page, TITLES)


def test_present_and_navigate(page: Any, app: Any) -> None:
    deck = deck_id(page)
    page.goto(f"{app.url}/present/{deck}")
    counter = page.locator("#present-counter")
    counter.wait_for()
    wait_counter(page, "1 / 5")
    frame = page.frame_locator("#present-frame")
    assert frame.locator("h1").inner_text() == "Q3 revenue review"
    page.keyboard.press("ArrowRight")
    wait_counter(page, "2 / 5")
    frame.locator("canvas").wait_for()
    time.sleep(1.2)  # let the chart animation finish for the screenshot
    shot(page, "07-present-chart")
    page.keyboard.press("End")
    wait_counter(page, "5 / 5")
    page.keyboard.press("PageUp")
    wait_counter(page, "4 / 5")
    page.keyboard.press("Escape")
    page.wait_for_url(f"**/?deck={deck}")
    page.wait_for_selector("#chat-input")
    wait_titles(page, TITLES)


def test_exports_download_and_open(page: Any, app: Any, tmp_path: Any) -> None:
    import pypdf
    from pptx import Presentation

    deck = deck_id(page)
    direct = page.request.get(f"{app.url}/api/export/{deck}.html")
    assert direct.status == 200, direct.text()[:500]
    page.locator("#export-menu").click()
    with page.expect_download() as info:
        page.locator("#export-html").click()
    download = info.value
    assert download.suggested_filename == "Q3 revenue review.html"
    html = Path(download.path()).read_text(encoding="utf-8")
    assert all(title in html for title in TITLES)
    assert html.count('class="sg-page"') == 5
    page.keyboard.press("Escape")

    pptx = page.request.get(f"{app.url}/api/export/{deck}.pptx")
    assert pptx.status == 200
    assert "Q3 revenue review.pptx" in pptx.headers["content-disposition"]
    prs = Presentation(io.BytesIO(pptx.body()))
    assert len(prs.slides) == 5
    titles = [s.shapes.title.text_frame.text for s in prs.slides if s.shapes.title is not None]
    assert titles[:2] == TITLES[:2]

    pdf = page.request.get(f"{app.url}/api/export/{deck}.pdf", timeout=60_000)
    assert pdf.status == 200, pdf.text()
    reader = pypdf.PdfReader(io.BytesIO(pdf.body()))
    assert len(reader.pages) == 5
    assert "Top accounts" in reader.pages[2].extract_text()
