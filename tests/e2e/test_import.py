"""Import from the deck menu in a real browser against the packaged app: a file that is not a deck
is refused and creates nothing; a deck file becomes a new deck (version 1, kind "import") with a
report, its chart drawn in its slide's card though the chart script sat after every slide;
pasted HTML works the same way."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import shot

DECK_FILE = b"""<!DOCTYPE html><html><head><title>Board deck</title>
<script src="https://cdn.example.com/chart.js"></script>
<style>html, body { height: 100%; overflow: hidden; } .slide { padding: 40px; }</style>
</head><body>
<div class="slide"><h1>Board deck</h1></div>
<div class="slide"><h2>Revenue</h2><canvas id="revenue" width="600" height="300"></canvas></div>
<div class="slide"><h2>Next</h2><img src="https://img.example.com/team.png"></div>
<script>
new Chart(document.getElementById('revenue'), {type: 'bar', options: {animation: false},
  data: {labels: ['Q1', 'Q2'], datasets: [{data: [3, 5]}]}});
</script></body></html>"""


@pytest.fixture(scope="module")
def page(new_page: Any, app: Any) -> Any:
    page = new_page("importer-e2e")
    page.goto(app.url)
    page.wait_for_selector("#chat-input")
    return page


def _open_dialog(page: Any) -> None:
    page.locator("#deck-menu").click()
    page.locator("#deck-import").click()
    expect(page.locator("#import-dialog")).to_be_visible()


def _deck_titles(page: Any) -> list[str]:
    page.locator("#deck-menu").click()
    menu = page.locator("[role=menu]")
    expect(menu).to_be_visible()
    titles = menu.locator(".sg-deck-item-title").all_inner_texts()
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    return titles


def _upload(page: Any, name: str, data: bytes) -> None:
    page.locator("#import-file").set_input_files(
        {"name": name, "mimeType": "text/html", "buffer": data}
    )


def test_a_file_that_is_not_a_deck_is_refused_and_creates_nothing(page: Any) -> None:
    before = _deck_titles(page)
    _open_dialog(page)
    shot(page, "import-01-dialog")
    _upload(page, "notes.html", b"<html><body><p>Just notes</p></body></html>")
    expect(page.locator("#import-error")).to_contain_text("notes.html holds no slides")
    # Refused in the browser, before anything is sent.
    _upload(page, "slides.pdf", b"%PDF-1.7")
    expect(page.locator("#import-error")).to_contain_text("slides.pdf is not an HTML file")
    _upload(page, "huge.html", b"<section>" + b"x" * 5_000_001)
    expect(page.locator("#import-error")).to_contain_text("huge.html is larger than 5 MB")
    page.keyboard.press("Escape")
    expect(page.locator("#import-dialog")).to_be_hidden()
    assert _deck_titles(page) == before


def test_a_deck_file_becomes_a_new_deck_with_its_chart_and_a_report(page: Any) -> None:
    _open_dialog(page)
    _upload(page, "board.html", DECK_FILE)
    report = page.locator("#import-report")
    expect(report).to_contain_text("Imported “Board deck” as a new deck.")
    expect(report).to_contain_text("3 slides")
    expect(report).to_contain_text("1 chart (Chart.js)")
    expect(report).to_contain_text("1 external script (cdn.example.com/chart.js)")
    expect(report).to_contain_text("1 image (img.example.com/team.png)")
    shot(page, "import-02-report")
    page.set_viewport_size({"width": 1024, "height": 768})
    shot(page, "import-03-report-1024")
    page.set_viewport_size({"width": 1440, "height": 900})
    page.locator("#import-done").click()
    expect(page.locator("#slide-count")).to_have_text("3 slides")
    assert "Board deck" in _deck_titles(page)
    # The chart script sat after the last slide; the card of slide 2 draws it on its own.
    card = page.locator("[data-slide-id][data-index='1'] iframe")
    card.wait_for()
    frame = card.element_handle().content_frame()
    frame.wait_for_function(
        "() => window.Chart && Chart.getChart(document.getElementById('revenue'))"
    )
    page.locator("#history-toggle").click()
    rows = page.locator("#history-list .sg-history-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("import")
    page.keyboard.press("Escape")
    expect(page.locator("#history-list")).to_be_hidden()


def test_pasted_html_becomes_a_deck(page: Any) -> None:
    _open_dialog(page)
    page.locator("#import-paste").fill(
        "<section><h1>Pasted plan</h1></section><section><h2>Steps</h2></section>"
    )
    page.locator("#import-paste-submit").click()
    expect(page.locator("#import-report")).to_contain_text("Imported “Pasted plan” as a new deck.")
    expect(page.locator("#import-report")).to_contain_text("Nothing: the deck needed no changes.")
    page.locator("#import-done").click()
    expect(page.locator("#slide-count")).to_have_text("2 slides")


def test_a_file_of_several_parts_arrives_whole(page: Any) -> None:
    # 1.3 MB: three parts over the websocket (512 KB each at most).
    slides = "".join(
        f'<div class="slide"><h2>Part {n}</h2><p>{"word " * 26_000}</p></div>' for n in range(10)
    )
    _open_dialog(page)
    _upload(page, "long.html", f"<title>Long deck</title>{slides}".encode())
    expect(page.locator("#import-report")).to_contain_text("10 slides", timeout=30_000)
    page.locator("#import-done").click()
    expect(page.locator("#slide-count")).to_have_text("10 slides")
