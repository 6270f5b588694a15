"""A fixture slide measured in headless Chromium and written as PPTX: native chart (with data
computed in JavaScript, read from the live chart), native table, text runs in the browser's
font and colour at the browser's positions, inline SVG as a picture."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from slidegen.deck import Deck, parse_deck_html
from slidegen.export import deck_to_pptx
from slidegen.export.measure import measure_available, measure_deck
from slidegen.export.pptx import LAYOUT_BROWSER
from tests.support.require import missing

pytestmark = pytest.mark.browser
EMU = 9525

FIXTURE = """
<style>
.slide { font-family: 'DejaVu Serif', serif; color: rgb(20, 40, 60); background: #f8fafc;
         padding: 40px; }
h1 { font-size: 48px; margin: 0 0 20px; color: rgb(11, 92, 173); }
.card { position: absolute; left: 40px; top: 400px; width: 300px; height: 120px;
        background: rgb(254, 243, 199); border-radius: 16px; padding: 16px;
        box-sizing: border-box; }
.note { font-weight: 700; color: rgb(180, 83, 9); }
table { position: absolute; left: 400px; top: 120px; border-collapse: collapse; font-size: 18px; }
th { background: rgb(224, 231, 255); }
td, th { border: 1px solid rgb(148, 163, 184); padding: 4px 10px; }
.chart { position: absolute; left: 760px; top: 120px; width: 480px; height: 320px; }
.footer { position: absolute; left: 40px; bottom: 20px; font-size: 14px; }
.fade { position: absolute; left: 40px; top: 300px; opacity: 0; animation: in 3s 1s forwards; }
@keyframes in { to { opacity: 1; } }
</style>
<div class="slide">
  <h1>Quarterly review</h1>
  <table><tr><th>Region</th><th>Sales</th></tr><tr><td><div>EMEA</div><div>north</div></td>
         <td>12</td></tr>
         <tr><td>AMER</td><td>9</td></tr></table>
  <div class="card">Pipeline <span class="note">doubled</span> since May</div>
  <svg width="64" height="64" viewBox="0 0 10 10" style="position:absolute;left:40px;top:560px">
    <circle cx="5" cy="5" r="4" fill="rgb(220, 38, 38)"/></svg>
  <div class="chart"><canvas id="sales"></canvas></div>
  <div class="footer">Source: finance</div>
  <div class="fade">Fades in</div>
</div>
<script>
const base = [3, 5, 8];
new Chart(document.getElementById('sales'), {
  type: 'bar',
  data: { labels: ['Q1', 'Q2', 'Q3'],
          datasets: [{ label: 'Sales', data: base.map((v) => v * 2),
                       backgroundColor: 'rgb(11, 92, 173)' }] },
  options: { responsive: true, maintainAspectRatio: false },
});
</script>
"""


@pytest.fixture(scope="module")
def exported() -> tuple[Deck, Presentation]:
    if not measure_available() or not Path("/usr/bin/chromium").exists():
        missing("Chromium at /usr/bin/chromium")
    parsed = parse_deck_html(FIXTURE)
    deck = Deck(id="d_1", owner="o", title="Review", styles=parsed.styles, slides=parsed.slides)
    layouts = measure_deck(deck)
    assert set(layouts) == {deck.slides[0].id}
    return deck, Presentation(io.BytesIO(deck_to_pptx(deck, layouts)))


def test_chart_is_native_with_the_data_computed_in_javascript(exported) -> None:
    _, prs = exported
    (frame,) = [s for s in prs.slides[0].shapes if s.has_chart]
    series = frame.chart.plots[0].series[0]
    assert list(series.values) == [6, 10, 16]
    assert list(frame.chart.plots[0].categories) == ["Q1", "Q2", "Q3"]
    assert abs(frame.left - 760 * EMU) < 2 * EMU and abs(frame.width - 480 * EMU) < 2 * EMU


def test_table_is_native_with_header_fill(exported) -> None:
    _, prs = exported
    (frame,) = [s for s in prs.slides[0].shapes if s.has_table]
    table = frame.table
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["Region", "Sales"],
        ["EMEA\vnorth", "12"],  # a line break between the cell's two blocks
        ["AMER", "9"],
    ]
    assert str(table.cell(0, 0).fill.fore_color.rgb) == "E0E7FF"
    assert abs(frame.left - 400 * EMU) < 2 * EMU


def test_text_runs_have_the_browser_font_colour_weight_and_place(exported) -> None:
    _, prs = exported
    shapes = {s.text_frame.text: s for s in prs.slides[0].shapes if s.has_text_frame}
    title = shapes["Quarterly review"]
    run = title.text_frame.paragraphs[0].runs[0]
    assert run.font.name == "DejaVu Serif" and run.font.size.pt == 36 and run.font.bold
    assert str(run.font.color.rgb) == "0B5CAD"
    card = shapes["Pipeline doubled since May"]
    runs = card.text_frame.paragraphs[0].runs
    assert [r.text for r in runs] == ["Pipeline ", "doubled", " since May"]
    assert runs[1].font.bold and str(runs[1].font.color.rgb) == "B45309"
    assert not runs[0].font.bold and str(runs[0].font.color.rgb) == "14283C"
    footer = shapes["Source: finance"]  # absolutely positioned at the bottom, and stays there
    assert footer.top > 660 * EMU
    assert "Fades in" in shapes  # measured as its entrance animation ends, not invisible


def test_card_fill_and_inline_svg_picture(exported) -> None:
    _, prs = exported
    slide = prs.slides[0]
    shapes = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.AUTO_SHAPE]
    fills = {str(s.fill.fore_color.rgb) for s in shapes if s.fill.type == 1}
    assert "FEF3C7" in fills
    (picture,) = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert abs(picture.left - 40 * EMU) < 2 * EMU and abs(picture.width - 64 * EMU) < 2 * EMU
    assert picture.image.content_type == "image/png"
    assert str(slide.background.fill.fore_color.rgb) == "F8FAFC"
    assert prs.core_properties.comments.startswith(LAYOUT_BROWSER)


def test_a_slide_whose_script_never_ends_takes_the_flow_layout_alone(monkeypatch) -> None:
    if not measure_available():
        missing("Chromium at /usr/bin/chromium")
    from slidegen.export import measure

    monkeypatch.setattr(measure, "SLIDE_TIMEOUT_MS", 1500)
    parsed = parse_deck_html(
        '<div class="slide"><h1>Stuck</h1></div><script>while (true) {}</script>'
        '<div class="slide"><h1>Fine</h1></div>'
    )
    deck = Deck(id="d_2", owner="o", title="Loop", styles=parsed.styles, slides=parsed.slides)
    layouts = measure_deck(deck)
    assert set(layouts) == {deck.slides[1].id}
