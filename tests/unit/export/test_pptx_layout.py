"""PPTX from a browser-measured layout (hand-written layout trees), and their strict validation."""

from __future__ import annotations

import base64
import io
import json
from typing import Any

import pytest
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE, MSO_SHAPE_TYPE
from pptx.oxml.ns import qn

from slidegen.deck.model import Deck, Slide
from slidegen.export import deck_to_pptx
from slidegen.export.layout_tree import LayoutError, parse_layouts, parse_slide_layout
from slidegen.export.pptx import LAYOUT_BROWSER, LAYOUT_FLOW

EMU = 9525
SLIDE_A, SLIDE_B = "s_00000000a1", "s_00000000b2"
DECK = Deck(
    id="d_1",
    owner="o",
    title="Measured",
    slides=(
        Slide(id=SLIDE_A, html='<div class="slide"><h1>Alpha</h1><p>first</p></div>', notes="n"),
        Slide(id=SLIDE_B, html='<div class="slide"><h1>Beta</h1><p>second</p></div>'),
    ),
)


def _png(color: tuple[int, int, int] = (200, 30, 30)) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 4), color).save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _run(text: str, **style: Any) -> dict[str, Any]:
    base = {
        "t": text,
        "font": "Liberation Serif",
        "size": 32,
        "bold": False,
        "italic": False,
        "underline": False,
        "strike": False,
        "color": [16, 32, 48, 1],
        "spacing": 0,
    }
    return {**base, **style}


def _layout(*items: dict[str, Any], background: dict | None = None) -> dict[str, Any]:
    return {"v": 1, "width": 1280, "height": 720, "background": background, "items": list(items)}


TEXT = {
    "kind": "text",
    "box": [100, 50, 600, 40],
    "align": "c",
    "valign": "t",
    "wrap": False,
    "lineHeight": None,
    "bullet": None,
    "indent": 0,
    "runs": [_run("Revenue "), _run("grew", bold=True, color=[200, 10, 20, 0.5])],
}
CARD = {
    "kind": "shape",
    "box": [40, 200, 300, 150],
    "radius": 12,
    "line": None,
    "shadow": None,
    "fill": {
        "gradient": {
            "kind": "linear",
            "angle": 180,
            "stops": [[0, [255, 0, 0, 1]], [0.5, [0, 255, 0, 1]], [1, [0, 0, 255, 0.25]]],
        }
    },
}
TABLE = {
    "kind": "table",
    "box": [400, 200, 400, 90],
    "cols": [100, 300],
    "rows": [
        {
            "h": 30,
            "cells": [
                {
                    "col": 0,
                    "colspan": 2,
                    "fill": {"color": [238, 242, 255, 1]},
                    "runs": [_run("Region and total", bold=True)],
                    "align": "c",
                }
            ],
        },
        {"h": 30, "cells": [{"col": 0, "runs": [_run("EMEA")]}, {"col": 1, "runs": [_run("12")]}]},
        {"h": 30, "cells": [{"col": 0, "runs": [_run("AMER")]}, {"col": 1, "runs": [_run("9")]}]},
    ],
}
CHART = {
    "kind": "chart",
    "box": [820, 200, 400, 300],
    "image": _png(),
    "textColor": [90, 90, 90, 1],
    "fontSize": 12,
    "config": {
        "type": "bar",
        "data": {
            "labels": ["Q1", "Q2"],
            "datasets": [
                {"label": "Sales", "data": [3, 5], "backgroundColor": "rgba(11,92,173,1)"},
                {"label": "Hidden", "data": [1, 1], "hidden": True},
            ],
        },
        "options": {"indexAxis": "y", "plugins": {"title": {"display": True, "text": "Sales"}}},
    },
}


def _open(data: bytes):  # type: ignore[no-untyped-def]
    return Presentation(io.BytesIO(data))


def _export(layout: dict[str, Any]):  # type: ignore[no-untyped-def]
    return _open(deck_to_pptx(DECK, {SLIDE_A: parse_slide_layout(layout)}))


def test_text_runs_keep_font_size_weight_colour_and_alignment() -> None:
    slide = _export(_layout(TEXT)).slides[0]
    (shape,) = [s for s in slide.shapes if s.has_text_frame and s.text_frame.text]
    paragraph = shape.text_frame.paragraphs[0]
    assert shape.text_frame.text == "Revenue grew"
    first, second = paragraph.runs
    assert first.font.name == "Liberation Serif" and first.font.size.pt == 24  # 32 px
    assert not first.font.bold and second.font.bold
    assert str(first.font.color.rgb) == "102030"
    alpha = second._r.find(".//" + qn("a:alpha"))
    assert alpha is not None and alpha.get("val") == "50000"
    assert paragraph.alignment == 2  # centre
    assert paragraph._p.find(qn("a:endParaRPr")).get("sz") == "2400"  # not 18 pt's line height
    assert shape.text_frame.word_wrap is False
    # the box is centred on the measured one, a little wider for font differences
    assert abs((shape.left + shape.width / 2) - 400 * EMU) < EMU


def test_gradient_card_is_a_rounded_rectangle_with_the_stops_and_angle() -> None:
    slide = _export(_layout(CARD)).slides[0]
    (shape,) = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.AUTO_SHAPE]
    assert shape.auto_shape_type == MSO_SHAPE.ROUNDED_RECTANGLE
    assert shape.adjustments[0] == pytest.approx(12 / 150, abs=1e-3)
    grad = shape._element.spPr.find(qn("a:gradFill"))
    stops = grad.findall(f"{qn('a:gsLst')}/{qn('a:gs')}")
    assert [s.get("pos") for s in stops] == ["0", "50000", "100000"]
    assert stops[2].find(qn("a:srgbClr")).get("val") == "0000FF"
    assert grad.find(qn("a:lin")).get("ang") == str(90 * 60000)  # CSS 180deg: top to bottom
    assert (shape.left, shape.top, shape.width, shape.height) == (
        40 * EMU,
        200 * EMU,
        300 * EMU,
        150 * EMU,
    )


def test_a_full_page_opaque_first_shape_becomes_the_slide_background() -> None:
    page = {
        "kind": "shape",
        "box": [0, 0, 1280, 720],
        "fill": {"color": [15, 23, 42, 1]},
        "line": None,
        "radius": 0,
        "shadow": None,
    }
    slide = _export(_layout(page, TEXT)).slides[0]
    assert str(slide.background.fill.fore_color.rgb) == "0F172A"
    assert not [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.AUTO_SHAPE]


def test_table_is_native_with_merged_header_fills_and_column_widths() -> None:
    slide = _export(_layout(TABLE)).slides[0]
    (frame,) = [s for s in slide.shapes if s.has_table]
    table = frame.table
    assert len(table.rows) == 3 and len(table.columns) == 2
    assert table.cell(0, 0).is_merge_origin and table.cell(0, 0).span_width == 2
    assert table.cell(0, 0).text == "Region and total"
    assert str(table.cell(0, 0).fill.fore_color.rgb) == "EEF2FF"
    assert [table.cell(r, c).text for r in (1, 2) for c in (0, 1)] == ["EMEA", "12", "AMER", "9"]
    assert table.columns[0].width == 100 * EMU and table.columns[1].width == 300 * EMU


def test_chart_is_native_from_the_live_config_without_hidden_series() -> None:
    slide = _export(_layout(CHART)).slides[0]
    (frame,) = [s for s in slide.shapes if s.has_chart]
    chart = frame.chart
    assert [s.name for s in chart.plots[0].series] == ["Sales"]
    assert list(chart.plots[0].series[0].values) == [3, 5]
    assert chart.chart_title.text_frame.text == "Sales"
    assert chart.font.size.pt == 9  # 12 px
    assert frame.left == 820 * EMU
    assert chart.category_axis.reverse_order  # top-down categories, as Chart.js draws them


def test_chart_without_native_form_is_its_picture_with_a_note() -> None:
    odd = {**CHART, "config": {"type": "matrix", "data": {"datasets": [{"data": [1]}]}}}
    slide = _export(_layout(odd)).slides[0]
    assert not [s for s in slide.shapes if s.has_chart]
    (picture,) = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert "matrix" in picture._element.nvPicPr.cNvPr.get("descr")
    notes = slide.notes_slide.notes_text_frame.text
    assert notes.startswith("n") and "picture, not a native chart" in notes


def test_image_item_is_a_picture_in_its_box() -> None:
    image = {"kind": "image", "box": [10, 20, 80, 40], "src": _png(), "alt": "logo"}
    slide = _export(_layout(image)).slides[0]
    (picture,) = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert (picture.left, picture.top, picture.width, picture.height) == (
        10 * EMU,
        20 * EMU,
        80 * EMU,
        40 * EMU,
    )
    assert picture._element.nvPicPr.cNvPr.get("descr") == "logo"


def test_bullets_are_native_with_a_hanging_indent() -> None:
    item = {
        **TEXT,
        "align": "l",
        "wrap": True,
        "indent": 20,
        "bullet": {"char": "\u2022", "color": [0, 0, 255, 1]},
    }
    slide = _export(_layout(item)).slides[0]
    (shape,) = [s for s in slide.shapes if s.has_text_frame and s.text_frame.text]
    p_pr = shape.text_frame.paragraphs[0]._p.pPr
    assert p_pr.find(qn("a:buChar")).get("char") == "\u2022"
    assert p_pr.get("marL") == str(20 * EMU) and p_pr.get("indent") == str(-20 * EMU)
    assert shape.left == 80 * EMU  # the marker sits left of the text, as in the browser


def test_the_file_says_which_layout_each_slide_used() -> None:
    both = _open(deck_to_pptx(DECK, {SLIDE_A: parse_slide_layout(_layout(TEXT))}))
    comments = both.core_properties.comments
    assert LAYOUT_BROWSER in comments and "slides 1;" in comments and "slides 2." in comments
    assert _open(deck_to_pptx(DECK)).core_properties.comments == f"{LAYOUT_FLOW}."
    layouts = {s.id: parse_slide_layout(_layout(TEXT)) for s in DECK.slides}
    assert _open(deck_to_pptx(DECK, layouts)).core_properties.comments == (
        f"{LAYOUT_BROWSER} (all 2 slides)."
    )


def test_slides_without_a_layout_keep_the_flow_layout() -> None:
    prs = _open(deck_to_pptx(DECK, {SLIDE_A: parse_slide_layout(_layout(TEXT))}))
    texts = [s.text_frame.text for s in prs.slides[1].shapes if s.has_text_frame]
    assert "Beta" in texts and "second" in texts


# --- validation of untrusted layouts --------------------------------------------------------------
@pytest.mark.parametrize(
    ("broken", "message"),
    [
        ({**TEXT, "box": [0, 0, -5, 10]}, "box"),
        ({**TEXT, "runs": []}, "runs"),
        ({**TEXT, "align": "middle"}, "align"),
        ({**TEXT, "script": "alert(1)"}, "script"),
        ({"kind": "video", "box": [0, 0, 1, 1]}, "items.0"),
        ({"kind": "image", "box": [0, 0, 1, 1], "src": "https://evil.example/x.png"}, "data URI"),
        ({"kind": "image", "box": [0, 0, 1, 1], "src": "data:image/svg+xml;base64,AAAA"}, "data"),
        ({**TEXT, "runs": [_run("x", color=[300, 0, 0, 1])]}, "color"),
        ({**TEXT, "runs": [_run("x", size=float("nan"))]}, "size"),
        ({**CHART, "config": {"a": "x" * 5000}}, "overlong"),
    ],
)
def test_bad_layouts_are_refused_with_the_place_named(broken: dict, message: str) -> None:
    with pytest.raises(LayoutError, match=message):
        parse_slide_layout(_layout(broken))


def test_too_many_items_are_refused() -> None:
    with pytest.raises(LayoutError, match="items"):
        parse_slide_layout(_layout(*([CARD] * 3001)))


def test_posted_body_rejects_unknown_slides_and_bad_json() -> None:
    good = json.dumps({"layouts": {SLIDE_A: _layout(TEXT)}}).encode()
    assert set(parse_layouts(good, {SLIDE_A, SLIDE_B})) == {SLIDE_A}
    with pytest.raises(LayoutError, match="does not have"):
        parse_layouts(good, {SLIDE_B})
    with pytest.raises(LayoutError, match="not JSON"):
        parse_layouts(b"{nope", {SLIDE_A})
    with pytest.raises(LayoutError, match="layouts"):
        parse_layouts(b"[]", {SLIDE_A})
    with pytest.raises(LayoutError, match="slide 's_00000000a1'"):
        parse_layouts(json.dumps({"layouts": {SLIDE_A: {"v": 2}}}).encode(), {SLIDE_A})


def test_the_title_item_fills_the_title_placeholder_in_paint_order() -> None:
    title = {**TEXT, "role": "title", "runs": [_run("Quarterly review")]}
    slide = _export(_layout(CARD, title)).slides[0]
    assert slide.shapes.title.text_frame.text == "Quarterly review"
    assert slide.shapes.title.top < 50 * EMU  # moved up to where the glyphs sit in the browser
    kinds = [s.is_placeholder for s in slide.shapes]
    assert kinds == [False, True]  # above the card drawn before it, as on the slide


def test_text_hidden_until_hover_goes_to_the_notes() -> None:
    layout = {**_layout(TEXT), "hiddenText": ["$2.8M and 53% market share"]}
    slide = _export(layout).slides[0]
    assert "hover" in slide.notes_slide.notes_text_frame.text
    assert "53% market share" in slide.notes_slide.notes_text_frame.text


@pytest.mark.parametrize(
    ("ticks", "expected"),
    [
        ([(0, "$0K"), (100000, "$100K"), (700000, "$700K")], '"$"#,##0,"K"'),
        ([(0, "0%"), (25, "25%"), (50, "50%")], '0"%"'),
        ([(0, "0"), (1500, "1,500"), (3000, "3,000")], "#,##0"),
        ([(0.5, "0.5"), (1, "1.0")], "0.0"),
        ([(0, "Low"), (10, "High")], None),
        ([(0, "$0"), (5, "5 EUR")], None),
    ],
)
def test_value_axis_keeps_the_tick_labels_format(ticks: list, expected: str | None) -> None:
    from slidegen.export.chart_look import tick_number_format

    assert tick_number_format(ticks) == expected


def test_a_faint_radial_glow_is_one_colour_and_a_strong_one_a_path_gradient() -> None:
    def radial(inner: list, outer: list) -> dict:
        stops = [[0, inner], [1, outer]]
        return {**CARD, "fill": {"gradient": {"kind": "radial", "stops": stops}}}

    faint = _export(_layout(radial([26, 26, 46, 1], [10, 10, 15, 1]))).slides[0]
    (shape,) = [s for s in faint.shapes if s.shape_type == MSO_SHAPE_TYPE.AUTO_SHAPE]
    assert str(shape.fill.fore_color.rgb) == "12121E"  # the average of the two stops
    strong = _export(_layout(radial([255, 255, 255, 1], [0, 0, 0, 1]))).slides[0]
    (shape,) = [s for s in strong.shapes if s.shape_type == MSO_SHAPE_TYPE.AUTO_SHAPE]
    path = shape._element.spPr.find(qn("a:gradFill")).find(qn("a:path"))
    assert path is not None and path.get("path") == "circle"


def test_object_fit_contain_and_cover() -> None:
    # the picture is 8x4; the box is square
    contain = {"kind": "image", "box": [0, 0, 80, 80], "src": _png(), "fit": "contain"}
    cover = {**contain, "fit": "cover"}
    (shown,) = [s for s in _export(_layout(contain)).slides[0].shapes if s.shape_type == 13]
    assert (shown.top, shown.width, shown.height) == (20 * EMU, 80 * EMU, 40 * EMU)
    (cropped,) = [s for s in _export(_layout(cover)).slides[0].shapes if s.shape_type == 13]
    assert (cropped.width, cropped.height) == (80 * EMU, 80 * EMU)
    assert cropped.crop_left == pytest.approx(0.25) and cropped.crop_right == pytest.approx(0.25)


def test_overlapping_filled_lines_stay_lines_so_no_series_hides_another() -> None:
    filled = {"label": "A", "data": [3, 5], "fill": True, "backgroundColor": "rgba(255,0,0,0.1)"}
    config = {
        "type": "line",
        "data": {
            "labels": ["Q1", "Q2"],
            "datasets": [filled, {**filled, "label": "B", "data": [1, 2]}],
        },
    }
    slide = _export(_layout({**CHART, "config": config})).slides[0]
    (frame,) = [s for s in slide.shapes if s.has_chart]
    assert frame.chart.chart_type == 65  # line with markers, not an area that covers B
    single = {**config, "data": {"labels": ["Q1", "Q2"], "datasets": [filled]}}
    slide = _export(_layout({**CHART, "config": single})).slides[0]
    (frame,) = [s for s in slide.shapes if s.has_chart]
    assert frame.chart.chart_type == 1  # one filled line: an area
