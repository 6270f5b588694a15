"""Charts in themed slides, drawn by Chromium: a chart that sets no colours of its own is drawn
in the theme's palette (`SG_THEME.palette`: a colour a dataset, one a slice for a pie), grid and
axis lines in the theme's border colour, radar and polar-area tick label boxes in its surface
colour, while a chart with its own colours keeps them and an unthemed deck still gets Chart.js's
stock look. Pixels are read from the canvases, so what is checked is what a viewer sees, not only
the configuration."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from slidegen.deck import Deck, parse_deck_html, render_deck_document, set_theme
from slidegen.deck.themes import BUILTIN_THEMES
from tests.support.require import missing

pytestmark = pytest.mark.browser
CHROMIUM = Path("/usr/bin/chromium")
DARK = BUILTIN_THEMES["dark"]
OPTIONS = "options: {animation: false, responsive: false}"

# One slide per case; every canvas has an id naming its case.
DECK = f"""
<div class="slide"><canvas id="bars" width="600" height="300"></canvas></div>
<script>new Chart(document.getElementById('bars'), {{type: 'bar', data: {{labels: ['a', 'b'],
  datasets: [{{label: 'one', data: [4, 6]}}, {{label: 'two', data: [5, 3]}}]}}, {OPTIONS}}});
</script>
<div class="slide"><canvas id="pie" width="400" height="400"></canvas></div>
<script>new Chart(document.getElementById('pie'), {{type: 'pie',
  data: {{labels: ['a', 'b', 'c'], datasets: [{{data: [3, 2, 1]}}]}}, {OPTIONS}}});</script>
<div class="slide"><canvas id="line" width="600" height="300"></canvas></div>
<script>new Chart(document.getElementById('line'), {{type: 'line', data: {{labels: ['a', 'b'],
  datasets: [{{data: [1, 2]}}]}}, {OPTIONS}}});</script>
<div class="slide"><canvas id="own" width="600" height="300"></canvas></div>
<script>new Chart(document.getElementById('own'), {{type: 'bar', data: {{labels: ['a', 'b'],
  datasets: [{{data: [4, 6], backgroundColor: 'rgb(200, 0, 0)'}}]}}, {OPTIONS}}});</script>
<div class="slide"><canvas id="mixed" width="600" height="300"></canvas></div>
<script>new Chart(document.getElementById('mixed'), {{type: 'bar', data: {{labels: ['a', 'b'],
  datasets: [{{data: [4, 6], backgroundColor: 'rgb(200, 0, 0)'}}, {{data: [5, 3]}}]}},
  {OPTIONS}}});</script>
<div class="slide"><canvas id="elements" width="600" height="300"></canvas></div>
<script>new Chart(document.getElementById('elements'), {{type: 'bar', data: {{labels: ['a'],
  datasets: [{{data: [4]}}]}}, options: {{animation: false, responsive: false,
  elements: {{bar: {{backgroundColor: 'rgb(0, 128, 0)'}}}}}}}});</script>
"""

# Where each bar, slice or point is drawn, and the colour of the canvas there.
PROBE = """(id) => {
  const chart = Chart.getChart(document.getElementById(id));
  const ratio = chart.currentDevicePixelRatio;
  const at = (x, y) => Array.from(
    chart.ctx.getImageData(Math.round(x * ratio), Math.round(y * ratio), 1, 1).data.slice(0, 3));
  return {
    datasets: chart.data.datasets.map((ds) => ({bg: ds.backgroundColor, border: ds.borderColor})),
    pixels: chart.data.datasets.map((ds, i) => chart.getDatasetMeta(i).data.map((el) => {
      if (el.base !== undefined && el.width !== undefined) return at(el.x, (el.y + el.base) / 2);
      const p = el.tooltipPosition ? el.tooltipPosition() : el;
      return at(p.x, p.y);
    })),
    grid: chart.scales.y ? chart.scales.y.options.grid.color : null,
    axis: chart.scales.y ? chart.scales.y.options.border.color : null,
  };
}"""


def _rgb(hex_color: str) -> list[int]:
    return [int(hex_color[i : i + 2], 16) for i in (1, 3, 5)]


def _close(pixel: list[int], rgb: list[int], tolerance: int = 3) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, rgb, strict=True))


def _deck(text: str) -> Deck:
    parsed = parse_deck_html(text)
    return Deck(id="d_1", owner="u", title="T", styles=parsed.styles, slides=parsed.slides)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        missing("Debian's chromium (SLIDEGEN_SETUP_BROWSER=1 installs it)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            yield browser
        finally:
            browser.close()


def _open(browser: Any, deck: Deck) -> Any:
    """A new page showing the deck (a slide document runs once per window: its guard is set
    up for good), after checking no script threw."""
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_content(render_deck_document(deck), wait_until="load")
    assert errors == []
    return page


@pytest.fixture(scope="module")
def themed(browser: Any) -> dict[str, Any]:
    page = _open(browser, set_theme(_deck(DECK), DARK))
    return {
        case: page.evaluate(PROBE, case)
        for case in ("bars", "pie", "line", "own", "mixed", "elements")
    }


def test_uncoloured_bars_take_the_palette_a_colour_a_dataset(themed: dict[str, Any]) -> None:
    bars = themed["bars"]
    palette = list(DARK.palette)
    assert bars["datasets"] == [{"bg": c, "border": c} for c in palette[:2]]
    for pixels, color in zip(bars["pixels"], palette, strict=False):
        assert len(pixels) == 2
        assert all(_close(p, _rgb(color)) for p in pixels), (pixels, color)


def test_grid_and_axis_lines_take_the_theme_border(themed: dict[str, Any]) -> None:
    assert themed["bars"]["grid"] == DARK.border
    assert themed["bars"]["axis"] == DARK.border


def test_an_uncoloured_pie_takes_the_palette_a_colour_a_slice(themed: dict[str, Any]) -> None:
    pie = themed["pie"]
    palette = list(DARK.palette[:3])
    assert pie["datasets"][0]["bg"] == palette
    assert [_close(p, _rgb(c)) for p, c in zip(pie["pixels"][0], palette, strict=True)] == [
        True
    ] * 3, pie["pixels"]


def test_an_uncoloured_line_is_drawn_in_the_first_palette_colour(themed: dict[str, Any]) -> None:
    (line,) = themed["line"]["datasets"]
    assert line["border"] == DARK.palette[0]
    # the fill under a line (when filled) is see-through, as Chart.js's own palette is
    assert line["bg"].replace(" ", "") == "rgba({},{},{},0.5)".format(*_rgb(DARK.palette[0]))


def test_a_chart_with_its_own_colours_keeps_them(themed: dict[str, Any]) -> None:
    own = themed["own"]
    assert own["datasets"] == [{"bg": "rgb(200, 0, 0)", "border": None}]
    assert all(_close(p, [200, 0, 0]) for p in own["pixels"][0])
    elements = themed["elements"]
    assert elements["datasets"] == [{"bg": None, "border": None}]
    assert _close(elements["pixels"][0][0], [0, 128, 0])


def test_a_dataset_of_a_partly_coloured_chart_takes_its_palette_place(
    themed: dict[str, Any],
) -> None:
    first, second = themed["mixed"]["datasets"]
    assert first == {"bg": "rgb(200, 0, 0)", "border": None}
    assert second == {"bg": DARK.palette[1], "border": DARK.palette[1]}
    assert all(_close(p, _rgb(DARK.palette[1])) for p in themed["mixed"]["pixels"][1])


def test_points_added_later_are_coloured_and_a_colour_set_later_is_kept(browser: Any) -> None:
    page = _open(browser, set_theme(_deck(DECK), DARK))
    grown = page.evaluate(
        """() => { const chart = Chart.getChart(document.getElementById('pie'));
                   chart.data.labels.push('d'); chart.data.datasets[0].data.push(1);
                   chart.update(); return chart.data.datasets[0].backgroundColor; }"""
    )
    assert grown == list(DARK.palette[:4])
    kept = page.evaluate(
        """() => { const chart = Chart.getChart(document.getElementById('bars'));
                   chart.data.datasets[0].backgroundColor = 'rgb(1, 2, 3)'; chart.update();
                   return chart.data.datasets.map((d) => d.backgroundColor); }"""
    )
    assert kept == ["rgb(1, 2, 3)", DARK.palette[1]]


def test_chart_defaults_a_slide_sets_win_over_the_palette(browser: Any) -> None:
    deck = _deck(
        "<div class='slide'><canvas id='c' width='300' height='200'></canvas></div><script>"
        "Chart.defaults.backgroundColor = 'rgb(0, 0, 255)';"
        "new Chart(document.getElementById('c'), {type: 'bar', data: {labels: ['a'],"
        f"datasets: [{{data: [3]}}]}}, {OPTIONS}}});</script>"
    )
    page = _open(browser, set_theme(deck, DARK))
    probe = page.evaluate(PROBE, "c")
    assert probe["datasets"] == [{"bg": None, "border": None}]
    assert _close(probe["pixels"][0][0], [0, 0, 255])


def test_an_unthemed_deck_keeps_chart_js_stock_colours(browser: Any) -> None:
    page = _open(browser, _deck(DECK))
    assert page.evaluate("() => typeof window.SG_THEME") == "undefined"
    bars, pie = page.evaluate(PROBE, "bars"), page.evaluate(PROBE, "pie")
    # Chart.js's Colors plugin: blue and red at half opacity, slices solid
    assert [d["bg"] for d in bars["datasets"]] == [
        "rgba(54, 162, 235, 0.5)",
        "rgba(255, 99, 132, 0.5)",
    ]
    assert pie["datasets"][0]["bg"] == [
        "rgb(54, 162, 235)",
        "rgb(255, 99, 132)",
        "rgb(255, 159, 64)",
    ]
    assert bars["grid"] == "rgba(0,0,0,0.1)"


# A radar and a polar-area chart whose outermost tick (10) lies beyond every data value, so the
# fills, drawn over the tick labels, leave its label box alone; a wide backdrop padding lets a
# pixel of the box be read clear of the glyphs and of the box's anti-aliased edges.
RADIAL_DECK = "".join(
    f"<div class='slide'><canvas id='{kind}' width='400' height='400'></canvas></div><script>"
    f"new Chart(document.getElementById('{kind}'), {{type: '{kind}', data: {{labels: ['a', 'b',"
    f"'c'], datasets: [{{data: [3, 2, 4]}}]}}, options: {{animation: false, responsive: false,"
    "scales: {r: {beginAtZero: true, max: 10, ticks: {backdropPadding: 8}}}}});</script>"
    for kind in ("radar", "polarArea")
)

# The tick label box's colour in the options, and the canvas pixel in its bottom padding under
# the outermost tick's label.
BACKDROP_PROBE = """(id) => {
  const chart = Chart.getChart(document.getElementById(id));
  const scale = chart.scales.r, ticks = scale.options.ticks;
  const ratio = chart.currentDevicePixelRatio;
  const size = Chart.helpers.toFont(ticks.font).size;
  const y = scale.yCenter - scale.getDistanceFromCenterForValue(scale.max)
    + size / 2 + ticks.backdropPadding / 2;
  const pixel = chart.ctx.getImageData(
    Math.round(scale.xCenter * ratio), Math.round(y * ratio), 1, 1).data;
  return {color: ticks.backdropColor, pixel: Array.from(pixel)};
}"""


def test_radial_tick_label_boxes_take_the_theme_surface_not_white(browser: Any) -> None:
    page = _open(browser, set_theme(_deck(RADIAL_DECK), DARK))
    for kind in ("radar", "polarArea"):
        probe = page.evaluate(BACKDROP_PROBE, kind)
        assert probe["color"] == DARK.surface, (kind, probe)
        assert _close(probe["pixel"][:3], _rgb(DARK.surface)), (kind, probe)
        assert probe["pixel"][3] == 255, (kind, probe)
    # an unthemed deck keeps Chart.js's stock 75% white boxes (the grid line shows through)
    page = _open(browser, _deck(RADIAL_DECK))
    for kind in ("radar", "polarArea"):
        probe = page.evaluate(BACKDROP_PROBE, kind)
        assert probe["color"] == "rgba(255, 255, 255, 0.75)", (kind, probe)
        assert min(probe["pixel"][:3]) >= 240 and probe["pixel"][3] < 255, (kind, probe)
