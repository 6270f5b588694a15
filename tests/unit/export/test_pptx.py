"""HTML slides to PowerPoint: open the bytes with python-pptx and check what a user would edit."""

from __future__ import annotations

import io
import zipfile

import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.enum.shapes import MSO_SHAPE_TYPE, PP_PLACEHOLDER
from pptx.presentation import Presentation as PresentationType
from pptx.slide import Slide as PptxSlide
from pptx.util import Emu

from slidegen.deck.model import Deck, Slide
from slidegen.export import deck_to_pptx

DECK_CSS = """
.slide { font-family: Inter, sans-serif; color: #1f2937; padding: 48px; }
.slide h1 { color: #0b5cad; font-size: 44px; }
.cols { display: flex; gap: 24px; }
.muted { color: rgb(107, 114, 128); }
"""


def _deck(*slides: Slide, styles: str = DECK_CSS) -> Deck:
    return Deck(id="d_test", owner="alice", title="Test deck", styles=styles, slides=slides)


def _slide(n: int, html: str, *scripts: str, notes: str = "") -> Slide:
    return Slide(id=f"s_{n:010x}", html=html, scripts=scripts, notes=notes)


def _open(deck: Deck) -> PresentationType:
    return Presentation(io.BytesIO(deck_to_pptx(deck)))


def _shapes(slide: PptxSlide, kind: MSO_SHAPE_TYPE) -> list:
    return [s for s in slide.shapes if s.shape_type == kind]


def _text_frames(slide: PptxSlide) -> list:
    return [s.text_frame for s in slide.shapes if s.has_text_frame and not s.is_placeholder]


def test_size_slide_count_titles_and_notes() -> None:
    deck = _deck(
        _slide(
            1,
            '<div class="slide"><h1>Welcome <em>all</em></h1><p>Intro</p></div>',
            notes="Greet the room.\nThen start.",
        ),
        _slide(2, '<div class="slide"><h2>Agenda</h2></div>'),
        _slide(3, '<div class="slide"><p>No heading here</p></div>'),
    )
    prs = _open(deck)
    assert (prs.slide_width, prs.slide_height) == (Emu(12192000), Emu(6858000))  # 13.333x7.5 in
    assert len(prs.slides) == 3
    first, second, third = prs.slides
    assert first.shapes.title.text_frame.text == "Welcome all"
    assert first.shapes.title.placeholder_format.type == PP_PLACEHOLDER.TITLE
    assert second.shapes.title.text_frame.text == "Agenda"
    assert third.shapes.title is None  # no heading: blank layout, no empty title box
    assert [tf.text for tf in _text_frames(third)] == ["No heading here"]
    assert first.notes_slide.notes_text_frame.text == "Greet the room.\nThen start."
    assert not second.has_notes_slide
    assert prs.core_properties.title == "Test deck"


def test_title_keeps_colour_and_size_from_css() -> None:
    prs = _open(_deck(_slide(1, '<div class="slide"><h1>Styled</h1></div>')))
    run = prs.slides[0].shapes.title.text_frame.paragraphs[0].runs[0]
    assert str(run.font.color.rgb) == "0B5CAD"
    assert run.font.size.pt == pytest.approx(33.0)  # 44 px at 0.75 pt per px
    assert run.font.bold


def test_paragraph_runs_keep_bold_italic_and_inline_colour() -> None:
    html = (
        '<div class="slide"><h1>T</h1><p>Revenue grew <strong>12%</strong> and '
        '<span style="color:#ff0000">costs</span> <i>fell</i>.</p>'
        '<p class="muted">Source: finance</p></div>'
    )
    (frame,) = _text_frames(_open(_deck(_slide(1, html))).slides[0])
    first, second = frame.paragraphs
    assert first.text == "Revenue grew 12% and costs fell."
    runs = {r.text: r for r in first.runs}
    assert runs["12%"].font.bold and not runs["Revenue grew "].font.bold
    assert str(runs["costs"].font.color.rgb) == "FF0000"
    assert runs["fell"].font.italic
    assert second.text == "Source: finance"
    assert str(second.runs[0].font.color.rgb) == "6B7280"


def test_nested_lists_are_paragraphs_with_levels_and_bullets() -> None:
    html = """<div class="slide"><h1>Plan</h1>
      <ul><li>Grow <b>revenue</b>
            <ul><li>New markets<ol><li>EMEA</li><li>APAC</li></ol></li></ul></li>
          <li>Cut costs</li></ul></div>"""
    (frame,) = _text_frames(_open(_deck(_slide(1, html))).slides[0])
    got = [(p.text, p.level) for p in frame.paragraphs]
    assert got == [
        ("Grow revenue", 0),
        ("New markets", 1),
        ("EMEA", 2),
        ("APAC", 2),
        ("Cut costs", 0),
    ]
    p_pr = [p._p.pPr for p in frame.paragraphs]
    assert all(pr.find("{*}buChar") is not None for pr in (p_pr[0], p_pr[1], p_pr[4]))
    assert p_pr[2].find("{*}buAutoNum") is not None  # the ordered list is numbered
    assert int(p_pr[2].get("marL")) > int(p_pr[1].get("marL")) > int(p_pr[0].get("marL"))


def test_tables_become_native_tables_with_spans() -> None:
    html = """<div class="slide"><h1>Regions</h1><table>
      <thead><tr><th>Region</th><th>Q1</th><th>Q2</th></tr></thead>
      <tbody><tr><td>North</td><td>10</td><td>12</td></tr>
             <tr><td colspan="2" style="background:#eeeeee">Total (H1)</td><td>22</td></tr>
      </tbody></table></div>"""
    slide = _open(_deck(_slide(1, html))).slides[0]
    (frame,) = _shapes(slide, MSO_SHAPE_TYPE.TABLE)
    table = frame.table
    cells = [[table.cell(r, c).text for c in range(3)] for r in range(3)]
    assert cells[:2] == [["Region", "Q1", "Q2"], ["North", "10", "12"]]
    assert cells[2][0] == "Total (H1)" and cells[2][2] == "22"
    merged = table.cell(2, 0)
    assert merged.is_merge_origin and merged.span_width == 2
    assert str(merged.fill.fore_color.rgb) == "EEEEEE"
    assert table.cell(0, 0).text_frame.paragraphs[0].runs[0].font.bold  # header cell
    assert not table.cell(1, 0).text_frame.paragraphs[0].runs[0].font.bold


BAR = """new Chart(document.getElementById('rev'), {
  type: 'bar',
  data: { labels: ['Q1', 'Q2', 'Q3'],
          datasets: [ { label: 'Revenue', data: [10, 12, 15], backgroundColor: '#1a73e8' },
                      { label: 'Cost', data: [8, 9, 9], backgroundColor: 'rgb(234, 67, 53)' }, ] },
  options: { responsive: true, plugins: { title: { display: true, text: 'Revenue vs cost' } },
             scales: { y: { ticks: { callback: (v) => '$' + v } } } },
});"""


def test_bar_chart_becomes_a_native_chart_with_series_and_colours() -> None:
    html = '<div class="slide"><h1>Sales</h1><canvas id="rev"></canvas></div>'
    slide = _open(_deck(_slide(1, html, BAR))).slides[0]
    (frame,) = [s for s in slide.shapes if s.has_chart]
    chart = frame.chart
    assert chart.chart_type == XL_CHART_TYPE.COLUMN_CLUSTERED
    plot = chart.plots[0]
    assert list(plot.categories) == ["Q1", "Q2", "Q3"]
    assert [(s.name, list(s.values)) for s in plot.series] == [
        ("Revenue", [10.0, 12.0, 15.0]),
        ("Cost", [8.0, 9.0, 9.0]),
    ]
    assert str(plot.series[0].format.fill.fore_color.rgb) == "1A73E8"
    assert str(plot.series[1].format.fill.fore_color.rgb) == "EA4335"
    assert chart.has_title and chart.chart_title.text_frame.text == "Revenue vs cost"
    # the chart sits below the title, inside the slide
    assert frame.top > slide.shapes.title.top + slide.shapes.title.height - Emu(1)
    assert frame.top + frame.height <= Emu(6858000)


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        (
            "{type:'line', data:{labels:['a','b'], datasets:[{data:[1,2]}]}}",
            XL_CHART_TYPE.LINE_MARKERS,
        ),
        (
            "{type:'pie', data:{labels:['a','b'], datasets:[{data:[1,2],"
            " backgroundColor:['#ff0000','#00ff00']}]}}",
            XL_CHART_TYPE.PIE,
        ),
        (
            "{type:'doughnut', data:{labels:['a','b'], datasets:[{data:[1,2]}]}}",
            XL_CHART_TYPE.DOUGHNUT,
        ),
        (
            "{type:'bar', data:{labels:['a','b'], datasets:[{data:[1,2]}]},"
            " options:{indexAxis:'y'}}",
            XL_CHART_TYPE.BAR_CLUSTERED,
        ),
        (
            "{type:'scatter', data:{datasets:[{label:'pts', data:[{x:1,y:2},{x:2,y:4}]}]}}",
            XL_CHART_TYPE.XY_SCATTER,
        ),
    ],
)
def test_chart_types(config: str, expected: XL_CHART_TYPE) -> None:
    html = '<div class="slide"><h2>C</h2><canvas id="c"></canvas></div>'
    script = f"new Chart(document.getElementById('c'), {config});"
    slide = _open(_deck(_slide(1, html, script))).slides[0]
    (frame,) = [s for s in slide.shapes if s.has_chart]
    assert frame.chart.chart_type == expected
    series = frame.chart.plots[0].series[0]
    if expected == XL_CHART_TYPE.XY_SCATTER:
        assert list(series.values) == [2.0, 4.0]
    else:
        assert list(series.values) == [1.0, 2.0]
    if expected == XL_CHART_TYPE.PIE:
        assert str(series.points[1].format.fill.fore_color.rgb) == "00FF00"


def test_computed_chart_data_becomes_a_note_not_a_crash() -> None:
    html = '<div class="slide"><h2>Live</h2><canvas id="c"></canvas></div>'
    script = """const rows = window.data || [];
    new Chart(document.getElementById('c'), {type: 'bar',
      data: {labels: rows.map(r => r.month), datasets: [{data: rows.map(r => r.total)}]}});"""
    slide = _open(_deck(_slide(1, html, script))).slides[0]
    assert not [s for s in slide.shapes if s.has_chart]
    notes = [tf.text for tf in _text_frames(slide)]
    assert len(notes) == 1
    assert notes[0].startswith("Chart could not be converted: data.labels is computed")


def test_two_columns_sit_side_by_side() -> None:
    html = """<div class="slide"><h1>Split</h1><div class="cols">
        <div><p>Left text</p><ul><li>one</li></ul></div>
        <div><canvas id="rev"></canvas></div></div></div>"""
    slide = _open(_deck(_slide(1, html, BAR))).slides[0]
    (text,) = [s for s in slide.shapes if s.has_text_frame and not s.is_placeholder]
    (chart,) = [s for s in slide.shapes if s.has_chart]
    assert text.text_frame.text == "Left text\none"
    assert text.left + text.width <= chart.left  # left column, then right column
    assert abs(text.top - chart.top) < Emu(9525 * 2)


def test_inline_grid_style_and_slide_background() -> None:
    html = """<div class="slide" style="background: linear-gradient(#0b1f3a, #000)">
      <h1 style="color: white">Dark</h1>
      <div style="display: grid; grid-template-columns: 1fr 1fr">
        <section><p>A</p></section><section><p>B</p></section></div></div>"""
    slide = _open(_deck(_slide(1, html))).slides[0]
    assert str(slide.background.fill.fore_color.rgb) == "0B1F3A"
    frames = [s for s in slide.shapes if s.has_text_frame and not s.is_placeholder]
    assert [f.text_frame.text for f in frames] == ["A", "B"]
    assert frames[0].left < frames[1].left and frames[0].top == frames[1].top


def test_overfull_slide_scales_fonts_to_stay_on_the_page() -> None:
    items = "".join(f"<li>Point {k} with a fair amount of words in it</li>" for k in range(40))
    html = f'<div class="slide"><h1>Many</h1><ul style="font-size: 28px">{items}</ul></div>'
    slide = _open(_deck(_slide(1, html))).slides[0]
    (frame,) = [s for s in slide.shapes if s.has_text_frame and not s.is_placeholder]
    assert frame.top + frame.height <= Emu(6858000)
    sizes = {r.font.size.pt for p in frame.text_frame.paragraphs for r in p.runs}
    assert max(sizes) < 21.0  # 28 px would be 21 pt: scaled down
    # still too tall at the smallest scale: PowerPoint is told to shrink it further
    autofit = frame.text_frame._txBody.bodyPr.find("{*}normAutofit")
    assert 25_000 <= int(autofit.get("fontScale")) < 100_000


def test_data_uri_image_becomes_a_picture() -> None:
    png = (
        "iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAYAAAD0In+KAAAAEUlEQVR4nGP4z8DwHwQZGBgYACXaBfs"
        "sRvTKAAAAAElFTkSuQmCC"
    )
    img = f'<img alt="logo" src="data:image/png;base64,{png}">'
    html = f'<div class="slide"><h1>Pic</h1>{img}</div>'
    slide = _open(_deck(_slide(1, html))).slides[0]
    (picture,) = _shapes(slide, MSO_SHAPE_TYPE.PICTURE)
    assert picture.width == 2 * picture.height  # the 2x1 image keeps its aspect ratio


def test_empty_deck_and_output_is_a_valid_package() -> None:
    data = deck_to_pptx(_deck())
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None
    assert len(Presentation(io.BytesIO(data)).slides) == 0


def test_grid_of_cards_wraps_into_rows_and_bare_canvases_are_columns() -> None:
    cards = "".join(f'<div class="card"><h3>K{k}</h3><p>{k}0%</p></div>' for k in range(4))
    html = f"""<div class="slide"><h1>KPIs</h1>
      <div style="display:grid; grid-template-columns: repeat(2, 1fr)">{cards}</div>
      <div class="cols"><canvas id="a"></canvas><canvas id="b"></canvas></div></div>"""
    pie = "{type:'pie', data:{labels:['x','y'], datasets:[{data:[1,2]}]}}"
    scripts = (
        f"new Chart(document.getElementById('a'), {pie});",
        f"new Chart(document.getElementById('b'), {pie});",
    )
    slide = _open(_deck(_slide(1, html, *scripts))).slides[0]
    frames = [s for s in slide.shapes if s.has_text_frame and not s.is_placeholder]
    assert [f.text_frame.text for f in frames] == ["K0\n00%", "K1\n10%", "K2\n20%", "K3\n30%"]
    positions = [(f.left, f.top) for f in frames]
    assert positions[0][1] == positions[1][1] < positions[2][1] == positions[3][1]  # 2 rows
    assert positions[0][0] == positions[2][0] < positions[1][0] == positions[3][0]  # 2 columns
    charts = [s for s in slide.shapes if s.has_chart]
    assert len(charts) == 2 and charts[0].top == charts[1].top
    assert charts[0].left + charts[0].width <= charts[1].left


@pytest.mark.parametrize(
    ("container", "left", "right"),
    [
        ('style="display:grid; grid-template-columns: 2fr 1fr"', "", ""),
        ('style="display:flex"', 'style="flex: 2"', 'style="flex: 1 1 0"'),
        ('style="display:flex"', 'style="width: 66%"', 'style="width: 33%"'),
    ],
)
def test_column_widths_follow_fr_flex_and_width(container: str, left: str, right: str) -> None:
    html = f"""<div class="slide"><h1>W</h1>
      <div {container}><div {left}><p>wide</p></div><div {right}><p>narrow</p></div></div></div>"""
    slide = _open(_deck(_slide(1, html))).slides[0]
    wide, narrow = [s for s in slide.shapes if s.has_text_frame and not s.is_placeholder]
    assert wide.width / narrow.width == pytest.approx(2.0, rel=0.02)
    assert wide.left + wide.width < narrow.left
