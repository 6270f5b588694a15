"""Decks written as web pages, in real Chromium: charts drawn by a script outside their slide,
behind a call into reveal.js, page-level CSS, a deck's own navigation, 1920x1080 slides scaled
down. Each fixture is a small deck of its own written for the failure it shows."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from slidegen.deck import Deck, parse_deck_html, render_deck_document, render_slide_document
from tests.support.require import missing

pytestmark = pytest.mark.browser
CHROMIUM = Path("/usr/bin/chromium")

DRAWN = "() => [...document.querySelectorAll('canvas')].filter(c => Chart.getChart(c)).length"
# Whether the slide of a single-slide document shows on its 1280x720 page.
SLIDE_BOX = """() => {
  const slide = document.querySelector('[data-sg-slide]').firstElementChild;
  const style = getComputedStyle(slide), r = slide.getBoundingClientRect();
  return {display: style.display, opacity: +style.opacity, visibility: style.visibility,
          x: Math.round(r.left), y: Math.round(r.top), w: Math.round(r.width),
          h: Math.round(r.height)};
}"""

CHARTS_AFTER_THE_SLIDES = """<!DOCTYPE html><html><head>
<script src="https://cdn.example.com/reveal.js"></script>
<script src="https://cdn.example.com/chart.js"></script></head><body>
<div class="reveal"><div class="slides">
<section class="slide"><h1>Revenue</h1><canvas id="revenue"></canvas></section>
<section class="slide"><h1>Mix</h1><canvas id="mix"></canvas></section>
<section class="slide"><h1>Thanks</h1></section>
</div></div>
<script>
const common = {animation: false, responsive: false};
function drawAll() {
  (function () {
    const a = document.getElementById('revenue');
    if (a) { new Chart(a.getContext('2d'), {type: 'bar', options: common,
      data: {labels: ['Q1', 'Q2'], datasets: [{data: [1, 2]}]}}); }
    const b = document.getElementById('mix');
    if (b) { new Chart(b, {type: 'pie', options: common,
      data: {labels: ['x', 'y'], datasets: [{data: [3, 4]}]}}); }
    const gone = document.getElementById('removedChart');
    gone.getContext('2d');
  })();
}
Reveal.initialize({hash: true}).then(() => { drawAll(); });
</script></body></html>"""

PAGE_LEVEL_CSS = """<style>
html, body { height: 100%; overflow: hidden; margin: 0; background: #102030; }
body { display: flex; align-items: center; justify-content: center; min-height: 100vh;
       font-family: Georgia, serif; }
.slide { color: white; }
</style>
<div class="slide"><h1>One</h1></div><div class="slide"><h1>Two</h1></div>
<div class="slide"><h1>Three</h1></div><div class="slide"><h1>Four</h1></div>"""

OWN_NAVIGATION = """<style>
.deck { position: relative; width: 100vw; height: 100vh; }
.slide { position: absolute; inset: 0; display: none; opacity: 0; }
.slide.active { display: flex; opacity: 1; flex-direction: column; }
</style>
<div class="deck">
<div class="slide active"><h1>First</h1></div>
<div class="slide"><h1>Second</h1></div>
<div class="slide"><h1>Third</h1></div>
</div>
<nav><button id="prev">&lt;</button><button id="next">&gt;</button></nav>
<script>
let current = 0;
const slides = document.querySelectorAll('.slide');
function go(n) { slides[current].classList.remove('active'); current = n;
  slides[current].classList.add('active'); }
document.getElementById('next').addEventListener('click', () => go(current + 1));
document.getElementById('counter').textContent = '1 / 3';
</script>"""

SCALED_1920 = """<style>
.slide { width: 1920px; height: 1080px; transform-origin: top left; transform: scale(0.6666667);
         background: #334; }
.corner { position: absolute; right: 40px; bottom: 40px; width: 100px; height: 100px; }
</style>
<section class="slide"><h1>Big</h1><div class="corner" id="corner"></div></section>"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        missing("Debian's chromium (SLIDEGEN_SETUP_BROWSER=1 installs it)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    yield context.new_page()
    context.close()


def _deck(text: str) -> Deck:
    parsed = parse_deck_html(text)
    return Deck(id="d_1", owner="u", title="T", styles=parsed.styles, slides=parsed.slides)


def test_charts_drawn_after_the_slides_behind_reveal_draw_in_every_document(page: Any) -> None:
    deck = _deck(CHARTS_AFTER_THE_SLIDES)
    assert len(deck.slides) == 3
    drawn = []
    for slide in deck.slides:
        page.set_content(render_slide_document(deck, slide), wait_until="load")
        drawn.append(page.evaluate(DRAWN))
    assert drawn == [1, 1, 0]  # each slide's own document draws its own chart
    page.set_content(render_deck_document(deck), wait_until="load")
    assert page.evaluate(DRAWN) == 2


def test_page_level_css_leaves_each_slide_on_its_own_page(page: Any) -> None:
    from pypdf import PdfReader

    from slidegen.export.pdf import deck_to_pdf

    deck = _deck(PAGE_LEVEL_CSS)
    page.set_content(render_slide_document(deck, deck.slides[1]), wait_until="load")
    box = page.evaluate(SLIDE_BOX)
    assert (box["x"], box["y"], box["w"], box["h"]) == (0, 0, 1280, 720)
    # What the slide inherits from the page stays: its font and the page's background.
    assert "Georgia" in page.evaluate("() => getComputedStyle(document.body).fontFamily")
    assert (
        page.evaluate("() => getComputedStyle(document.querySelector('.sg-page')).backgroundColor")
        == "rgb(16, 32, 48)"
    )
    pdf = deck_to_pdf(deck, chromium_path=str(CHROMIUM))
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 4


def test_a_deck_with_its_own_navigation_shows_every_slide(page: Any) -> None:
    deck = _deck(OWN_NAVIGATION)
    assert [s.title for s in deck.slides] == ["First", "Second", "Third"]
    assert all("slides" not in code for s in deck.slides for code in s.scripts)
    errors: list[str] = []
    # The navigation code is gone: no slide script fails on the buttons it no longer has.
    page.on("console", lambda m: errors.append(m.text) if "script failed" in m.text else None)
    for slide in deck.slides:
        page.set_content(render_slide_document(deck, slide), wait_until="load")
        box = page.evaluate(SLIDE_BOX)
        assert box["display"] == "flex" and box["opacity"] == 1, box
        assert (box["x"], box["y"], box["w"], box["h"]) == (0, 0, 1280, 720)
    page.set_content(render_deck_document(deck), wait_until="load")
    shown = page.evaluate(
        "() => [...document.querySelectorAll('[data-sg-slide] > .slide')]"
        ".map(s => getComputedStyle(s).display)"
    )
    assert shown == ["flex", "flex", "flex"]
    assert errors == []


def test_1920_slides_scaled_by_css_render_as_designed(page: Any) -> None:
    deck = _deck(SCALED_1920)
    page.set_content(render_slide_document(deck, deck.slides[0]), wait_until="load")
    box = page.evaluate(SLIDE_BOX)
    assert (box["x"], box["y"], box["w"], box["h"]) == (0, 0, 1280, 720)
    corner = page.evaluate(
        "() => { const r = document.getElementById('corner').getBoundingClientRect();"
        " return [Math.round(r.right), Math.round(r.bottom)]; }"
    )
    assert corner == [1253, 693]  # (1920 - 40) and (1080 - 40), scaled by 2/3


SHARED_LOOP = """
<div class="slide"><h1>A</h1><canvas id="a"></canvas></div>
<div class="slide"><h1>B</h1><canvas id="b"></canvas></div>
<script>
[['a', 1], ['b', 2]].forEach(([id, n]) => {
  const canvas = document.getElementById(id);
  if (canvas) new Chart(canvas, {type: 'bar', options: {animation: false, responsive: false},
    data: {labels: ['x'], datasets: [{data: [n]}]}});
});
</script>"""


def test_code_shared_by_two_slides_draws_each_chart_once_in_the_deck_document(page: Any) -> None:
    deck = _deck(SHARED_LOOP)
    assert all("forEach" in s.scripts[0] for s in deck.slides)  # a copy for each slide
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if "script failed" in m.text else None)
    page.set_content(render_deck_document(deck), wait_until="load")
    values = page.evaluate(
        "() => ['a', 'b'].map(id => Chart.getChart(document.getElementById(id))"
        ".data.datasets[0].data[0])"
    )
    assert values == [1, 2] and errors == []
    for slide in deck.slides:
        page.set_content(render_slide_document(deck, slide), wait_until="load")
        assert page.evaluate(DRAWN) == 1


DECK_LEVEL_AFTER_THE_SLIDES = """
<div class="slide"><h1>A</h1><canvas id="a"></canvas></div>
<div class="slide"><h1>B</h1><canvas id="b"></canvas></div>
<div class="slide"><h1>C</h1><canvas id="c"></canvas></div>
<script>
document.body.dataset.runs = (+document.body.dataset.runs || 0) + 1;
const ink = 'rgb(200, 10, 20)';
Chart.defaults.color = ink;
const options = {animation: false, responsive: false};
function draw(id, n) {
  return new Chart(document.getElementById(id), {type: 'bar', options: options,
    data: {labels: ['x'], datasets: [{data: [n]}]}});
}
draw('a', 1);
draw('b', 2);
draw('c', 3);
</script>"""
# The same code in a load handler that also draws the charts: split per slide, and its own
# statements (the counter, the defaults) go to the deck's copy of the handler.
DECK_LEVEL_IN_A_LOAD_HANDLER = """
<div class="slide"><h1>A</h1><canvas id="a"></canvas></div>
<div class="slide"><h1>B</h1><canvas id="b"></canvas></div>
<div class="slide"><h1>C</h1><canvas id="c"></canvas></div>
<script>
document.addEventListener('DOMContentLoaded', () => {
  if (typeof Chart === 'undefined') return;
  document.body.dataset.runs = (+document.body.dataset.runs || 0) + 1;
  Chart.defaults.color = 'rgb(200, 10, 20)';
  const options = {animation: false, responsive: false};
  for (const [id, n] of [['a', 1], ['b', 2], ['c', 3]]) {
    const canvas = document.getElementById(id);
    if (canvas) new Chart(canvas, {type: 'bar', options: options,
      data: {labels: ['x'], datasets: [{data: [n]}]}});
  }
});
</script>"""
# Per canvas of the document: whether a chart is drawn on it, and the text colour it resolved.
CHART_COLOURS = (
    "() => [...document.querySelectorAll('canvas')].map(c => Chart.getChart(c)"
    " ? Chart.getChart(c).options.color : null)"
)
RUNS = "() => +document.body.dataset.runs"


@pytest.mark.parametrize(
    "text", [DECK_LEVEL_AFTER_THE_SLIDES, DECK_LEVEL_IN_A_LOAD_HANDLER], ids=["top", "handler"]
)
def test_deck_level_code_runs_once_in_every_document(page: Any, text: str) -> None:
    deck = _deck(text)
    assert len(deck.slides) == 3
    ink = "rgb(200, 10, 20)"
    page.set_content(render_deck_document(deck), wait_until="load")
    assert page.evaluate(RUNS) == 1
    assert page.evaluate(CHART_COLOURS) == [ink, ink, ink]
    for slide in deck.slides:
        page.set_content(render_slide_document(deck, slide), wait_until="load")
        assert page.evaluate(RUNS) == 1
        assert page.evaluate(CHART_COLOURS) == [ink]
