"""PDF export through Playwright and Debian's Chromium: pages, vector text, charts drawn.

Skipped when /usr/bin/chromium is missing, unless SLIDEGEN_REQUIRE_SERVICES=1 (CI), where a
missing browser is a failure.
"""

from __future__ import annotations

import asyncio
import io

import pytest
from pypdf import PdfReader

from slidegen.deck.model import Deck, Slide
from slidegen.export import deck_to_pdf, deck_to_pdf_async, pdf_available
from slidegen.export.pdf import DEFAULT_CHROMIUM
from tests.support.require import missing

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module", autouse=True)
def _chromium() -> None:
    if pdf_available(DEFAULT_CHROMIUM):
        return
    missing(f"Chromium at {DEFAULT_CHROMIUM} (apt-get install chromium) with Playwright")


# A slow explicit animation: if the export did not switch it off and wait, the bars would be
# captured mid-way or not at all.
CHART = """new Chart(document.getElementById('c'), {
  type: 'bar',
  data: {labels: ['North', 'South'],
         datasets: [{label: 'Revenue', data: [3, 5], backgroundColor: '#ff0000'}]},
  options: {animation: {duration: 5000}, plugins: {legend: {display: false}}},
});"""


def _deck() -> Deck:
    slides = [
        Slide(
            id="s_0000000001",
            html='<div class="slide" style="padding:40px"><h1>Revenue by region</h1>'
            '<p>Up twelve percent</p><div style="width:800px;height:400px">'
            '<canvas id="c"></canvas></div></div>',
            scripts=(CHART,),
        ),
        Slide(
            id="s_0000000002",
            html='<div class="slide"><h2>Risks</h2><ul><li>Supply chain</li></ul></div>',
        ),
        Slide(id="s_0000000003", html='<div class="slide"><h2>Next steps</h2></div>'),
    ]
    return Deck(id="d_pdf", owner="alice", title="PDF test", styles="", slides=tuple(slides))


def _top_red_row(page) -> float:
    """Height fraction of the topmost pure-red pixel in the page's chart bitmap."""
    (image,) = page.images  # the canvas, printed as a bitmap at 2x density
    bitmap = image.image.convert("RGB")
    width, height = bitmap.size
    pixels = bitmap.load()
    for y in range(height):
        if any(pixels[x, y] == (255, 0, 0) for x in range(0, width, 2)):
            return y / height
    return 1.0


def test_one_page_per_slide_with_extractable_text_and_drawn_chart() -> None:
    reader = PdfReader(io.BytesIO(deck_to_pdf(_deck())))
    assert len(reader.pages) == 3
    for page in reader.pages:  # 1280x720 CSS px = 960x540 pt
        assert (float(page.mediabox.width), float(page.mediabox.height)) == (960.0, 540.0)
    texts = [page.extract_text() for page in reader.pages]
    assert "Revenue by region" in texts[0] and "Up twelve percent" in texts[0]
    assert "Supply chain" in texts[1]
    assert "Next steps" in texts[2]
    # The tallest bar (5, the axis maximum) reaches the top of the plot area: the chart was
    # drawn in its final state, not captured before or during its 5-second animation.
    assert _top_red_row(reader.pages[0]) < 0.15
    assert not reader.pages[1].images


def test_callable_from_inside_a_running_event_loop() -> None:
    async def handler() -> tuple[bytes, bytes]:
        from_sync = deck_to_pdf(_deck())  # e.g. a route that forgot to_thread
        from_async = await deck_to_pdf_async(_deck())
        return from_sync, from_async

    for data in asyncio.run(handler()):
        assert len(PdfReader(io.BytesIO(data)).pages) == 3


def _looping_deck(owner: str) -> Deck:
    slide = Slide(
        id="s_00000000ff",
        html='<div class="slide"><h1>Never done</h1></div>',
        scripts=("while (true) {}",),
    )
    return Deck(id="d_loop", owner=owner, title="Loop", styles="", slides=(slide,))


def test_a_slide_that_never_finishes_is_stopped_at_the_deadline_and_others_go_on() -> None:
    from slidegen.export.pdf import PdfExportError

    async def both() -> tuple[BaseException | bytes, BaseException | bytes]:
        hostile = deck_to_pdf_async(_looping_deck("mallory"), timeout_s=3)
        other = deck_to_pdf_async(_deck(), timeout_s=30)  # alice's deck
        results = await asyncio.gather(hostile, other, return_exceptions=True)
        return results[0], results[1]

    import time

    start = time.monotonic()
    hostile, other = asyncio.run(both())
    assert isinstance(hostile, PdfExportError), hostile
    assert "took longer than 3 s" in str(hostile)
    assert isinstance(other, bytes) and len(PdfReader(io.BytesIO(other)).pages) == 3
    assert time.monotonic() - start < 20  # Chromium was closed at the deadline, not at 60 s
    # The slot was given back: the next export runs.
    assert len(PdfReader(io.BytesIO(deck_to_pdf(_deck()))).pages) == 3


def test_one_owner_has_one_export_at_a_time() -> None:
    from slidegen.export.pdf import PdfBusyError

    async def twice() -> list[BaseException | bytes]:
        first = asyncio.ensure_future(deck_to_pdf_async(_looping_deck("mallory"), timeout_s=2))
        await asyncio.sleep(0.2)
        second = await asyncio.gather(
            deck_to_pdf_async(_looping_deck("mallory"), timeout_s=2), return_exceptions=True
        )
        await asyncio.gather(first, return_exceptions=True)
        return second

    (second,) = asyncio.run(twice())
    assert isinstance(second, PdfBusyError) and "still running" in str(second)
