"""A measured slide layout (`layout_tree.SlideLayout`) drawn as python-pptx shapes.

Items are added in the browser's paint order, so PowerPoint stacks them the same way: shapes
(rectangles or rounded rectangles with the element's fill, linear gradient, border and shadow;
a border on only some sides becomes thin bars), text boxes with editable runs in the font, size,
weight and colour the browser used (no insets, the browser's line height, native bullets and
numbering), pictures, native tables cell by cell, and native charts from the live Chart.js data.
A chart PowerPoint cannot draw natively becomes the canvas picture, and the reason goes to the
picture's description and to the speaker notes: text is never turned into a picture.
"""

from __future__ import annotations

import io
import itertools
import math

from lxml import etree
from PIL import Image, UnidentifiedImageError
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.slide import Slide as PptxSlide
from pptx.util import Pt

from slidegen.export.chart_look import apply_chart_js_look, apply_tick_format
from slidegen.export.charts import ChartFailure, chart_from_config
from slidegen.export.layout import Box
from slidegen.export.layout_tree import (
    ChartItem,
    Color,
    Fill,
    ImageItem,
    LayoutError,
    Line,
    Run,
    ShapeItem,
    SlideLayout,
    TableItem,
    TextItem,
    decode_data_uri,
)
from slidegen.export.pptx_charts import PT_PER_PX, add_native_chart, emu

__all__ = ["has_title", "write_measured_slide"]

_ALIGN = {"l": PP_ALIGN.LEFT, "c": PP_ALIGN.CENTER, "r": PP_ALIGN.RIGHT, "j": PP_ALIGN.JUSTIFY}
_ANCHOR = {"t": MSO_ANCHOR.TOP, "m": MSO_ANCHOR.MIDDLE, "b": MSO_ANCHOR.BOTTOM}
_NO_STYLE_TABLE = "{2D5ABB26-0587-4C30-8999-92F81FD0307C}"
# Fonts differ slightly between browsers and office suites: a wrapped text box gets this much
# more width so that a line the browser fitted does not wrap one word earlier.
_WRAP_SLACK = 0.005
# Single line spacing of LibreOffice/PowerPoint for the common sans fonts, and how much lower
# their glyphs sit in a line than in Chromium's inline box, both in font sizes (measured with
# Liberation Sans and DejaVu Sans: a glyph's top lands within a pixel of the preview's).
_OFFICE_LINE = 1.2
_GLYPH_DROP = 0.08


def has_title(layout: SlideLayout) -> bool:
    """Whether the slide should be made from a layout with a title placeholder."""
    return any(isinstance(i, TextItem) and i.role == "title" for i in layout.items)


def write_measured_slide(out: PptxSlide, layout: SlideLayout) -> list[str]:
    """Draw `layout` on the blank slide `out`; returns notes about what could not be native."""
    notes: list[str] = []
    items = list(layout.items)
    background = layout.background
    first = items[0] if items else None
    if (
        isinstance(first, ShapeItem)
        and _covers_page(first.box)
        and first.fill
        and _opaque(first.fill)
        and not first.line
        and first.radius < 1
    ):
        background, items = first.fill, items[1:]  # the slide's own background, not a shape
    if background:
        _set_fill(out.background.fill, background)
    for item in items:
        if isinstance(item, ShapeItem):
            _shape(out, item)
        elif isinstance(item, TextItem):
            _text(out, item)
        elif isinstance(item, ImageItem):
            _picture(out, item.src, item.box, item.alt, notes, item.fit)
        elif isinstance(item, TableItem):
            _table(out, item)
        elif isinstance(item, ChartItem):
            _chart(out, item, notes)
    if layout.hiddenText:
        notes.append(
            "Shown on the slide only on hover or by a script: " + " | ".join(layout.hiddenText)
        )
    return notes


def _covers_page(box: tuple[float, float, float, float]) -> bool:
    x, y, w, h = box
    return x <= 1 and y <= 1 and x + w >= 1279 and y + h >= 719


def _opaque(fill: Fill) -> bool:
    if fill.color:
        return fill.color[3] >= 0.99
    return bool(fill.gradient) and all(c[3] >= 0.99 for _, c in fill.gradient.stops)


# --- colours and fills ----------------------------------------------------------------------------
def _hex(color: Color) -> str:
    return f"{color[0]:02X}{color[1]:02X}{color[2]:02X}"


def _color_el(color: Color) -> etree._Element:
    el = etree.Element(qn("a:srgbClr"), val=_hex(color))
    if color[3] < 0.999:
        etree.SubElement(el, qn("a:alpha"), val=str(round(color[3] * 100_000)))
    return el


def _low_contrast(stops: list[tuple[float, Color]]) -> bool:
    colors = [c for _, c in stops]
    return all(
        max(abs(a[k] - b[k]) for k in range(3)) <= 48 and abs(a[3] - b[3]) <= 0.35
        for a in colors
        for b in colors
    )


def _mean_color(stops: list[tuple[float, Color]]) -> Color:
    """The colour a gradient averages to over its length (stops weighted by their spans)."""
    total, acc = 0.0, [0.0, 0.0, 0.0, 0.0]
    for (p0, c0), (p1, c1) in itertools.pairwise(stops):
        span = max(0.0, p1 - p0)
        total += span
        for k in range(4):
            acc[k] += span * (c0[k] + c1[k]) / 2
    if total <= 0:
        return stops[0][1]
    r, g, b, a = (v / total for v in acc)
    return (round(r), round(g), round(b), round(a, 3))


def _set_fill(fill: object, spec: Fill) -> None:
    """Solid colour (with alpha) or a linear gradient on a python-pptx FillFormat."""
    parent = fill._xPr  # type: ignore[attr-defined]
    if spec.gradient:
        fill.gradient()  # type: ignore[attr-defined]
        grad = parent.find(qn("a:gradFill"))
        for child in list(grad):
            grad.remove(child)
        grad.set("rotWithShape", "1")
        stops = etree.SubElement(grad, qn("a:gsLst"))
        for pos, color in spec.gradient.stops:
            stop = etree.SubElement(stops, qn("a:gs"), pos=str(round(pos * 100_000)))
            stop.append(_color_el(color))
        if spec.gradient.kind == "radial" and _low_contrast(spec.gradient.stops):
            # a faint glow: office suites band a radial fill into visible rings, one colour
            # reads closer to what the browser shows
            _set_fill(fill, Fill(color=_mean_color(spec.gradient.stops)))
            return
        if spec.gradient.kind == "radial":
            path = etree.SubElement(grad, qn("a:path"), path="circle")
            etree.SubElement(path, qn("a:fillToRect"), l="50000", t="50000", r="50000", b="50000")
        else:
            # CSS: 0deg points up, clockwise; DrawingML: 0 runs left to right, clockwise
            angle = (spec.gradient.angle - 90) % 360
            etree.SubElement(grad, qn("a:lin"), ang=str(round(angle * 60_000)), scaled="0")
        return
    if spec.color:
        fill.solid()  # type: ignore[attr-defined]
        solid = parent.find(qn("a:solidFill"))
        for child in list(solid):
            solid.remove(child)
        solid.append(_color_el(spec.color))
        return
    fill.background()  # type: ignore[attr-defined]


def _set_line(line: object, spec: Line | None) -> None:
    if spec is None:
        line.fill.background()  # type: ignore[attr-defined]
        return
    line.width = emu(spec.width)  # type: ignore[attr-defined]
    _set_fill(line.fill, Fill(color=spec.color))  # type: ignore[attr-defined]


# --- shapes ---------------------------------------------------------------------------------------
def _shape(out: PptxSlide, item: ShapeItem) -> None:
    x, y, w, h = item.box
    if item.line:  # CSS borders lie inside the box; DrawingML centres the line on the edge
        inset = min(item.line.width / 2, w / 2, h / 2)
        x, y, w, h = x + inset, y + inset, w - 2 * inset, h - 2 * inset
    if w < 0.5 or h < 0.5:
        return
    kind = MSO_SHAPE.ROUNDED_RECTANGLE if item.radius >= 1 else MSO_SHAPE.RECTANGLE
    shape = out.shapes.add_shape(kind, emu(x), emu(y), emu(w), emu(h))
    if item.radius >= 1:
        shape.adjustments[0] = max(0.0, min(0.5, item.radius / max(1.0, min(w, h))))
    if item.fill:
        _set_fill(shape.fill, item.fill)
    else:
        shape.fill.background()
    _set_line(shape.line, item.line)
    sp_pr = shape._element.spPr
    if item.shadow:
        effects = etree.SubElement(sp_pr, qn("a:effectLst"))
        dx, dy = item.shadow.dx, item.shadow.dy
        shadow = etree.SubElement(
            effects,
            qn("a:outerShdw"),
            blurRad=str(emu(item.shadow.blur)),
            dist=str(emu(math.hypot(dx, dy))),
            dir=str(round((math.degrees(math.atan2(dy, dx)) % 360) * 60_000)),
            algn="ctr",
            rotWithShape="0",
        )
        shadow.append(_color_el(item.shadow.color))
    else:
        etree.SubElement(sp_pr, qn("a:effectLst"))  # no theme shadow either
    shape.text_frame.text = ""


# --- text -----------------------------------------------------------------------------------------
def _text(out: PptxSlide, item: TextItem) -> None:
    x, y, w, h = item.box
    # The box is the browser's inline box of the text (ascent to descent, half-leading outside).
    # Office suites put a line's whole extra leading above it and sit glyphs a little lower:
    # move the frame up by that much so each line's glyphs land where the browser drew them.
    size = max((r.size for r in item.runs if r.t.strip()), default=16.0)
    pitch = item.lineHeight or _OFFICE_LINE * size
    shift = _GLYPH_DROP * size + (pitch - _OFFICE_LINE * size)
    y, h = y - shift, h + max(shift, 0)
    if item.bullet:
        x, w = x - item.indent, w + item.indent
    # an unwrapped line may come out a little wider than in the browser
    extra = w * _WRAP_SLACK + 1 if item.wrap else max(w * 0.1, 8)
    if item.align == "c":
        x -= extra / 2
    elif item.align == "r":
        x -= extra
    w += extra
    title = out.shapes.title if item.role == "title" else None
    if title is not None:
        # the title placeholder (PowerPoint's outline and accessibility name the slide by it),
        # moved to this place in the paint order
        title.left, title.top, title.width, title.height = (
            emu(x),
            emu(y),
            emu(w),
            emu(max(h, 1)),
        )
        tree = title._element.getparent()
        tree.remove(title._element)
        tree.append(title._element)
        shape = title
    else:
        shape = out.shapes.add_textbox(emu(x), emu(y), emu(w), emu(max(h, 1)))
    frame = shape.text_frame
    frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = 0
    frame.word_wrap = item.wrap
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.vertical_anchor = _ANCHOR[item.valign]
    paragraph = frame.paragraphs[0]
    _fill_runs(paragraph, item.runs, item.align, item.lineHeight)
    if item.bullet:
        _bullet(paragraph, item)


def _fill_runs(paragraph: object, runs: list[Run], align: str, line_height: float | None) -> None:
    paragraph.alignment = _ALIGN[align]  # type: ignore[attr-defined]
    if line_height:
        paragraph.line_spacing = Pt(max(1.0, line_height * PT_PER_PX))  # type: ignore[attr-defined]
    for run in runs:
        if run.t == "\n":
            paragraph.add_line_break()  # type: ignore[attr-defined]
            continue
        for k, part in enumerate(run.t.split("\n")):
            if k:
                paragraph.add_line_break()  # type: ignore[attr-defined]
            if part:
                _add_run(paragraph, run, part)
    sizes = [r.size for r in runs if r.t.strip()]
    if sizes:
        # The paragraph mark's size counts for the line height too (18 pt by default): it
        # takes the text's size so a small line is not set at 18 pt's height.
        end = paragraph._p.get_or_add_endParaRPr()  # type: ignore[attr-defined]
        end.set("sz", str(round(max(1.0, sizes[-1] * PT_PER_PX) * 100)))


def _add_run(paragraph: object, run: Run, text: str) -> None:
    out = paragraph.add_run()  # type: ignore[attr-defined]
    out.text = text
    font = out.font
    font.name = run.font
    font.size = Pt(max(1.0, round(run.size * PT_PER_PX, 2)))
    font.bold = run.bold
    font.italic = run.italic
    if run.underline:
        font.underline = True
    r_pr = out._r.get_or_add_rPr()
    if run.strike:
        r_pr.set("strike", "sngStrike")
    if run.spacing:
        r_pr.set("spc", str(round(run.spacing * PT_PER_PX * 100)))
    _set_fill(font.fill, Fill(color=run.color))
    # East Asian and complex-script text in the same face (PowerPoint picks these per script)
    for tag in ("a:ea", "a:cs"):
        if r_pr.find(qn(tag)) is None:
            etree.SubElement(r_pr, qn(tag), typeface=run.font)


def _bullet(paragraph: object, item: TextItem) -> None:
    assert item.bullet is not None
    p_pr = paragraph._p.get_or_add_pPr()  # type: ignore[attr-defined]
    p_pr.set("marL", str(int(emu(item.indent))))
    p_pr.set("indent", str(-int(emu(item.indent))))
    if item.bullet.color:
        color = etree.SubElement(p_pr, qn("a:buClr"))
        color.append(_color_el(item.bullet.color))
    if item.bullet.number is not None:
        etree.SubElement(
            p_pr, qn("a:buAutoNum"), type="arabicPeriod", startAt=str(max(1, item.bullet.number))
        )
    else:
        etree.SubElement(p_pr, qn("a:buFont"), typeface="Arial")
        etree.SubElement(p_pr, qn("a:buChar"), char=item.bullet.char or "\u2022")


# --- pictures -------------------------------------------------------------------------------------
def _picture(
    out: PptxSlide, src: str, box: tuple, alt: str, notes: list[str], fit: str = "fill"
) -> bool:
    x, y, w, h = box
    try:
        data = decode_data_uri(src)
        with Image.open(io.BytesIO(data)) as image:
            natural = image.size
            image.verify()
    except (LayoutError, UnidentifiedImageError, OSError, SyntaxError):
        notes.append(f"A picture{' (' + alt + ')' if alt else ''} could not be read.")
        return False
    crop = 0.0, 0.0
    if fit != "fill" and natural[0] and natural[1] and w > 0 and h > 0:
        scale = (max if fit == "cover" else min)(w / natural[0], h / natural[1])
        shown_w, shown_h = natural[0] * scale, natural[1] * scale
        if fit == "contain":  # centred in the box, as object-position's default
            x, y, w, h = x + (w - shown_w) / 2, y + (h - shown_h) / 2, shown_w, shown_h
        else:  # cover: the overflow is cropped equally on both sides
            crop = (shown_w - w) / shown_w / 2, (shown_h - h) / shown_h / 2
    picture = out.shapes.add_picture(io.BytesIO(data), emu(x), emu(y), emu(w), emu(h))
    if crop[0] > 0.0005:
        picture.crop_left = picture.crop_right = crop[0]
    if crop[1] > 0.0005:
        picture.crop_top = picture.crop_bottom = crop[1]
    if alt:
        picture._element.nvPicPr.cNvPr.set("descr", alt[:2000])
    return True


# --- tables ---------------------------------------------------------------------------------------
def _table(out: PptxSlide, item: TableItem) -> None:
    x, y, w, h = item.box
    n_cols, n_rows = len(item.cols), len(item.rows)
    frame = out.shapes.add_table(n_rows, n_cols, emu(x), emu(y), emu(w), emu(h))
    table = frame.table
    tbl_pr = table._tbl.tblPr
    style = tbl_pr.find(qn("a:tableStyleId"))
    if style is None:
        style = etree.SubElement(tbl_pr, qn("a:tableStyleId"))
    style.text = _NO_STYLE_TABLE  # fills and borders come from the slide, not a theme style
    table.first_row = False
    table.horz_banding = False
    total = sum(item.cols) or 1.0
    for k, col in enumerate(table.columns):
        col.width = emu(item.cols[k] * w / total)
    for k, row in enumerate(table.rows):
        row.height = emu(max(item.rows[k].h, 4))
    taken: set[tuple[int, int]] = set()
    for r, row in enumerate(item.rows):
        for cell_def in row.cells:
            c = cell_def.col
            if c >= n_cols or (r, c) in taken:
                continue
            last_r = min(r + cell_def.rowspan, n_rows) - 1
            last_c = min(c + cell_def.colspan, n_cols) - 1
            if any((i, j) in taken for i in range(r, last_r + 1) for j in range(c, last_c + 1)):
                last_r, last_c = r, c
            cell = table.cell(r, c)
            if last_r > r or last_c > c:
                cell.merge(table.cell(last_r, last_c))
            taken.update((i, j) for i in range(r, last_r + 1) for j in range(c, last_c + 1))
            top, right, bottom, left = cell_def.pad
            cell.margin_top, cell.margin_right = emu(top), emu(right)
            cell.margin_bottom, cell.margin_left = emu(bottom), emu(left)
            cell.vertical_anchor = _ANCHOR[cell_def.valign]
            text = cell.text_frame
            text.word_wrap = True
            if cell_def.runs:
                _fill_runs(text.paragraphs[0], cell_def.runs, cell_def.align, None)
            if cell_def.fill:
                _set_fill(cell.fill, cell_def.fill)
            else:
                cell.fill.background()
            _cell_borders(cell, cell_def.borders)


def _cell_borders(cell: object, borders: tuple[Line | None, ...]) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()  # type: ignore[attr-defined]
    top, right, bottom, left = borders
    # DrawingML order inside tcPr: lnL, lnR, lnT, lnB, then the fill
    for index, (edge, spec) in enumerate(
        (("a:lnL", left), ("a:lnR", right), ("a:lnT", top), ("a:lnB", bottom))
    ):
        line = etree.Element(qn(edge), w=str(int(emu(spec.width))) if spec else "0")
        if spec:
            fill = etree.SubElement(line, qn("a:solidFill"))
            fill.append(_color_el(spec.color))
        else:
            etree.SubElement(line, qn("a:noFill"))
        tc_pr.insert(index, line)


# --- charts ---------------------------------------------------------------------------------------
def _chart(out: PptxSlide, item: ChartItem, notes: list[str]) -> None:
    config = dict(item.config)
    data = config.get("data")
    if isinstance(data, dict) and isinstance(data.get("datasets"), list):
        shown = [d for d in data["datasets"] if not (isinstance(d, dict) and d.get("hidden"))]
        config["data"] = {**data, "datasets": shown or data["datasets"]}
    spec = chart_from_config(config)
    reason = spec.reason if isinstance(spec, ChartFailure) else None
    if not isinstance(spec, ChartFailure):
        color = item.textColor[:3] if item.textColor else None
        try:
            chart = add_native_chart(out, spec, Box(*item.box), color, item.fontSize)  # type: ignore[arg-type]
            apply_tick_format(chart, config.get("options"))
            apply_chart_js_look(chart, spec.kind, len(spec.series), config.get("options"))
            return
        except ValueError as exc:
            reason = str(exc)
    note = f"A chart is a picture, not a native chart: {reason}."
    if item.image and _picture(out, item.image, item.box, note, notes):
        notes.append(note)
        return
    shape = out.shapes.add_textbox(*(emu(v) for v in item.box))
    shape.text_frame.word_wrap = True
    shape.text_frame.text = f"Chart could not be converted: {reason}."
    notes.append(note)
