"""PPTX of a themed deck whose charts set no colours: measured in Chromium, the native charts
come out in the theme's palette (a colour a bar series, one a pie slice), as the slide draws
them; a chart with its own colour keeps it. Grid and axis lines take the theme's border colour;
a see-through grid colour (Chart.js's stock one) gives the PPTX's light grey, as before."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pptx import Presentation

from slidegen.deck import Deck, parse_deck_html, set_theme
from slidegen.deck.themes import BUILTIN_THEMES
from slidegen.export import deck_to_pptx
from slidegen.export.measure import measure_available, measure_deck
from tests.support.require import missing

pytestmark = pytest.mark.browser
DARK = BUILTIN_THEMES["dark"]

FIXTURE = """
<div class="slide sg-slide"><h2>Votes</h2>
  <div style="position:absolute;left:40px;top:120px;width:560px;height:400px">
    <canvas id="bars"></canvas></div>
  <div style="position:absolute;left:680px;top:120px;width:400px;height:400px">
    <canvas id="pie"></canvas></div>
</div>
<script>
new Chart(document.getElementById('bars'), {type: 'bar', data: {labels: ['Red', 'Blue', 'Green'],
  datasets: [{label: 'Votes', data: [12, 19, 3]}, {label: 'Polls', data: [5, 8, 9]}]},
  options: {responsive: true, maintainAspectRatio: false}});
new Chart(document.getElementById('pie'), {type: 'pie', data: {labels: ['a', 'b', 'c'],
  datasets: [{data: [3, 2, 1]}]}, options: {responsive: true, maintainAspectRatio: false}});
</script>
<div class="slide sg-slide"><h2>Own colour</h2>
  <div style="position:absolute;left:40px;top:120px;width:560px;height:400px">
    <canvas id="own"></canvas></div>
</div>
<script>
new Chart(document.getElementById('own'), {type: 'bar', data: {labels: ['a', 'b'],
  datasets: [{label: 'Mine', data: [4, 6], backgroundColor: 'rgb(200, 0, 0)'}]},
  options: {responsive: true, maintainAspectRatio: false}});
</script>
<div class="slide sg-slide"><h2>See-through grid</h2>
  <div style="position:absolute;left:40px;top:120px;width:560px;height:400px">
    <canvas id="faint"></canvas></div>
</div>
<script>
new Chart(document.getElementById('faint'), {type: 'bar', data: {labels: ['a', 'b'],
  datasets: [{data: [4, 6]}]}, options: {responsive: true, maintainAspectRatio: false,
  scales: {y: {grid: {color: 'rgba(0, 0, 0, 0.1)'}, border: {color: 'rgba(0, 0, 0, 0.1)'}}}}});
</script>
"""


@pytest.fixture(scope="module")
def prs() -> Presentation:
    if not measure_available() or not Path("/usr/bin/chromium").exists():
        missing("Chromium at /usr/bin/chromium")
    parsed = parse_deck_html(FIXTURE)
    deck = Deck(id="d_1", owner="o", title="T", styles=parsed.styles, slides=parsed.slides)
    themed = set_theme(deck, DARK)
    return Presentation(io.BytesIO(deck_to_pptx(themed, measure_deck(themed))))


def _hex(color: str) -> str:
    return color.lstrip("#").upper()


def _charts(slide: object) -> list[object]:
    return [shape.chart for shape in slide.shapes if shape.has_chart]  # type: ignore[attr-defined]


def test_uncoloured_bar_series_are_the_theme_palette(prs: Presentation) -> None:
    bars, _ = _charts(prs.slides[0])
    fills = [str(s.format.fill.fore_color.rgb) for s in bars.plots[0].series]
    assert fills == [_hex(c) for c in DARK.palette[:2]]


def test_uncoloured_pie_slices_are_the_theme_palette(prs: Presentation) -> None:
    _, pie = _charts(prs.slides[0])
    (series,) = pie.plots[0].series
    slices = [str(series.points[k].format.fill.fore_color.rgb) for k in range(3)]
    assert slices == [_hex(c) for c in DARK.palette[:3]]


def test_a_chart_with_its_own_colour_keeps_it(prs: Presentation) -> None:
    (own,) = _charts(prs.slides[1])
    assert str(own.plots[0].series[0].format.fill.fore_color.rgb) == "C80000"


def test_grid_and_axis_lines_are_the_theme_border(prs: Presentation) -> None:
    bars, _ = _charts(prs.slides[0])
    assert str(bars.value_axis.major_gridlines.format.line.color.rgb) == _hex(DARK.border)
    assert str(bars.category_axis.format.line.color.rgb) == _hex(DARK.border)


def test_a_see_through_grid_colour_gives_the_stock_light_grey(prs: Presentation) -> None:
    (faint,) = _charts(prs.slides[2])
    assert str(faint.value_axis.major_gridlines.format.line.color.rgb) == "E5E5E5"
    assert str(faint.value_axis.format.line.color.rgb) == "E5E5E5"
