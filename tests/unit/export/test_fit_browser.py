"""Fit measurement in headless Chromium on slides written to fail one way each (a table running
180 px off the bottom, text cut off, a box off to the right, an empty chart, a blank canvas), a
slide that fits, and the table slide scaled to fit, measured again."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from slidegen.deck import Deck, parse_deck_html
from slidegen.deck.fitting import (
    is_scaled_to_fit,
    scale_slide_to_fit,
    shrink_to_fit,
    slide_fit_scale,
)
from slidegen.export.fit import (
    FitReport,
    FitUnavailable,
    fit_session,
    measure_fit,
    measure_fit_available,
)
from tests.support.require import missing

pytestmark = pytest.mark.browser

STYLES = """
.slide { font-family: 'DejaVu Sans', sans-serif; padding: 40px; box-sizing: border-box;
         background: #fff; }
h1 { font-size: 40px; line-height: 50px; margin: 0 0 20px; }
"""

# The table starts at 120 px and has 21 rows (a header and 20) of exactly 39 px (border-box
# cells, collapsed borders): it ends at 939 px, 219 px below the slide.
ROWS = "".join(f"<tr><td>Region {i}</td><td>{i * 10}</td></tr>" for i in range(20))
TABLE = f"""<div class="slide"><h1>Revenue by region</h1>
<table style="position:absolute;left:40px;top:120px;border-collapse:collapse;font-size:16px">
<tr><th style="height:39px;box-sizing:border-box;padding:0 8px">Region</th>
<th style="height:39px;box-sizing:border-box;padding:0 8px">Revenue</th></tr>
{ROWS.replace("<td>", '<td style="height:39px;box-sizing:border-box;padding:0 8px">')}
</table></div>"""

CLIPPED = """<div class="slide"><h1>Summary</h1>
<div class="box" style="width:400px;height:80px;overflow:hidden;font-size:20px;line-height:30px">
One line. Two lines. Three lines of text. Four lines of text here. Five lines of text that do
not fit in a box of eighty pixels at thirty pixels a line.</div></div>"""

OFF_RIGHT = """<div class="slide"><h1>Wide</h1>
<p style="position:absolute;left:1100px;top:300px;width:400px;margin:0;font-size:20px">
A note placed too far to the right of the slide.</p></div>"""

EMPTY_CHART = """<div class="slide"><h1>Trend</h1>
<div style="width:600px;height:300px"><canvas id="trend" aria-label="Monthly trend"></canvas></div>
<canvas id="blank" width="200" height="100" style="position:absolute;left:900px;top:300px"></canvas>
</div>
<script>
new Chart(document.getElementById('trend'), {type: 'line',
  data: {labels: [], datasets: [{label: 'Revenue', data: []}]},
  options: {responsive: true, maintainAspectRatio: false}});
</script>"""

FITS = """<div class="slide"><h1>All good</h1>
<p style="font-size:24px">A short paragraph well inside the slide.</p>
<div style="width:500px;height:250px"><canvas id="ok"></canvas></div></div>
<script>
new Chart(document.getElementById('ok'), {type: 'bar',
  data: {labels: ['a', 'b'], datasets: [{label: 'n', data: [1, 2]}]},
  options: {responsive: true, maintainAspectRatio: false}});
</script>"""


def _deck() -> Deck:
    parsed = parse_deck_html(
        f"<style>{STYLES}</style>" + "\n".join([TABLE, CLIPPED, OFF_RIGHT, EMPTY_CHART, FITS])
    )
    return Deck("d_fit", "ann", "Fit", styles=parsed.styles, slides=parsed.slides)


def _measure(deck: Deck, slides=None) -> list[FitReport]:
    return asyncio.run(measure_fit(slides if slides is not None else deck.slides, deck))


@pytest.fixture(scope="module")
def measured() -> tuple[Deck, list[FitReport]]:
    if not measure_fit_available() or not Path("/usr/bin/chromium").exists():
        missing("Chromium at /usr/bin/chromium")
    deck = _deck()
    return deck, _measure(deck)


def test_a_table_running_off_the_bottom_is_measured_to_the_pixel(measured) -> None:
    _, reports = measured
    table = reports[0]
    assert not table.fits and table.measured_by == "chromium"
    # 120 px top + 21 rows of 39 px = 939: 219 px below 720
    assert table.overflow_px == 219
    assert table.problems[0] == "The table ends 219 px below the slide"
    assert table.needed_height == 939 and table.needed_width == 1280
    assert table.only_overflow and 0.76 < table.scale < 0.77


def test_text_cut_off_by_its_box(measured) -> None:
    _, reports = measured
    clipped = reports[1]
    assert not clipped.fits
    (issue,) = clipped.issues
    assert issue.kind == "clipped" and issue.px >= 30  # at least one 30 px line is hidden
    assert clipped.problems[0].startswith("The text “One line. Two lines.")
    assert "is cut off by its box" in clipped.problems[0]
    assert clipped.overflow_px == 0 and not clipped.only_overflow


def test_an_element_off_to_the_right(measured) -> None:
    _, reports = measured
    right = reports[2]
    (issue,) = right.issues
    assert issue.kind == "beyond" and issue.edge == "right"
    assert 200 <= issue.px <= 221  # the text's own extent: at most 1100 + 400 - 1280
    assert right.problems[0].startswith("The paragraph “A note placed too far")
    assert "px past the right edge of the slide" in right.problems[0]


def test_a_chart_with_no_data_and_a_blank_canvas(measured) -> None:
    _, reports = measured
    kinds = {(i.kind, i.name) for i in reports[3].issues}
    assert kinds == {
        ("empty_chart", "the chart “Monthly trend”"),
        ("blank_canvas", "the canvas “blank”"),
    }
    assert "The chart “Monthly trend” has no data" in reports[3].problems


def test_a_slide_that_fits(measured) -> None:
    _, reports = measured
    assert reports[4].fits and reports[4].problems == () and reports[4].overflow_px == 0
    assert reports[4].scale == 1.0


def test_scaled_to_fit_the_table_slide_measures_as_fitting(measured) -> None:
    deck, reports = measured
    table = deck.slides[0]
    scaled = scale_slide_to_fit(deck, table.id, reports[0].scale)
    slide = scaled.slide(table.id)
    assert is_scaled_to_fit(slide) and slide_fit_scale(slide) == reports[0].scale
    (again,) = _measure(scaled, [slide])
    assert again.fits, again.problems
    assert again.needed_height <= 720


def test_a_slide_shrunk_too_little_is_shrunk_again_from_its_new_measurement(measured) -> None:
    deck, _ = measured
    table = deck.slides[0].id
    partly = scale_slide_to_fit(deck, table, 0.9)
    (still,) = _measure(partly, [partly.slide(table)])
    assert not still.fits and still.only_overflow
    shrunk = shrink_to_fit(partly, table, still.needed_width, still.needed_height)
    assert slide_fit_scale(shrunk.slide(table)) < 0.9
    (again,) = _measure(shrunk, [shrunk.slide(table)])
    assert again.fits, again.problems
    assert shrink_to_fit(shrunk, table, again.needed_width, again.needed_height) == shrunk


def test_one_session_measures_slides_one_by_one_and_at_once_as_one_call_does(measured) -> None:
    deck, reports = measured

    async def each() -> list[FitReport]:
        async with fit_session() as session:
            first = await session.measure([deck.slides[0]], deck)
            rest = await asyncio.gather(*(session.measure([s], deck) for s in deck.slides[1:]))
            return first + [r for (r,) in rest]

    assert asyncio.run(each()) == reports


def test_no_chromium_is_a_clear_error() -> None:
    deck = _deck()
    with pytest.raises(FitUnavailable, match="needs Playwright and Chromium at /nowhere"):
        asyncio.run(measure_fit(deck.slides, deck, chromium_path="/nowhere/chromium"))

    async def session() -> None:
        async with fit_session(chromium_path="/nowhere/chromium"):
            raise AssertionError("no session without Chromium")

    with pytest.raises(FitUnavailable, match="needs Playwright and Chromium"):
        asyncio.run(session())


def test_a_list_squeezed_by_a_flex_column_is_measured_where_its_items_end() -> None:
    # A flex column with overflow hidden shrinks the list's box to what is left of the slide;
    # its items run on past the bottom and are cut off by the slide, not by the list.
    from slidegen.deck import Slide

    items = "".join(f"<li>Point {i} of the plan</li>" for i in range(24))
    slide = Slide(
        "s_0000000f17",
        '<div class="slide" style="display:flex;flex-direction:column;overflow:hidden;'
        'width:1280px;height:720px;padding:40px;box-sizing:border-box">'
        f'<h1>Plan</h1><ul style="min-height:0;font-size:28px;line-height:42px">{items}</ul></div>',
    )
    deck = Deck("d_0000000000000f17", "o", "t", styles=STYLES, slides=(slide,))
    (report,) = asyncio.run(measure_fit([slide], deck))
    assert not report.fits
    (beyond,) = [i for i in report.issues if i.kind == "beyond"]
    assert beyond.name == "the list" and beyond.edge == "bottom" and beyond.px > 200
    assert report.needed_height > 720 + 200
