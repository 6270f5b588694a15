"""Deck to PowerPoint (python-pptx): editable titles, text, lists and tables; native charts.

A slide with a layout measured in a browser is drawn from it (`pptx_layout.py`, see
`pptx_export.py` for where layouts come from). Without one, the flow layout below is the
fallback, and the file's "comments" core property names the slides that used it.

Flow layout, per slide: the first h1..h3 becomes the title placeholder's text; paragraphs and
list items (with their nesting level, bullets or numbers) become paragraphs of editable text
frames; HTML tables become PowerPoint tables; each `<canvas>` drawn by an inline Chart.js config
becomes a native chart with the same data (bar, line, area, pie, doughnut, scatter, radar,
bubble). A chart whose data is computed in JavaScript becomes a text note naming the reason:
nothing is faked with a picture. Speaker notes go to the notes page. Positions come from
`layout.py`.

A themed deck (`Deck.theme`) also sets the file's theme colours and fonts (`pptx_theme.py`),
and the flow layout reads the theme's CSS with its variables resolved.
"""

from __future__ import annotations

import io
from collections.abc import Mapping

from lxml import etree
from PIL import Image, UnidentifiedImageError
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.slide import Slide as PptxSlide
from pptx.util import Pt

from slidegen.deck.model import Deck, Slide
from slidegen.deck.themes import Theme
from slidegen.export.blocks import (
    ChartBlock,
    ImageBlock,
    Paragraph,
    SlideContent,
    TableBlock,
    TextBlock,
    read_slide,
)
from slidegen.export.charts import ChartFailure, SlideCharts, extract_charts
from slidegen.export.css import StyleSheet
from slidegen.export.layout import INDENT_PX, Box, layout_slide, text_height
from slidegen.export.layout_tree import SlideLayout
from slidegen.export.pptx_charts import EMU_PER_PX, PT_PER_PX, add_native_chart, emu
from slidegen.export.pptx_layout import has_title, write_measured_slide
from slidegen.export.pptx_theme import (
    add_logo,
    apply_pptx_theme,
    logo_picture,
    resolve_theme_vars,
    theme_sheet_css,
)

__all__ = ["LAYOUT_BROWSER", "LAYOUT_FLOW", "deck_to_pptx", "layout_note"]

LAYOUT_BROWSER = "Layout: measured in a browser"
LAYOUT_FLOW = "Layout: estimated without a browser (flow layout)"

_LAYOUT_TITLE_ONLY, _LAYOUT_BLANK = 5, 6  # in python-pptx's default template
_ALIGN = {
    "left": PP_ALIGN.LEFT,
    "start": PP_ALIGN.LEFT,
    "center": PP_ALIGN.CENTER,
    "right": PP_ALIGN.RIGHT,
    "end": PP_ALIGN.RIGHT,
    "justify": PP_ALIGN.JUSTIFY,
}
_NO_STYLE_TABLE = "{2D5ABB26-0587-4C30-8999-92F81FD0307C}"  # "No Style, No Grid"
_BORDER_RGB = "BFBFBF"


def deck_to_pptx(deck: Deck, layouts: Mapping[str, SlideLayout] | None = None) -> bytes:
    """The deck as a .pptx file (16:9, 13.333 in x 7.5 in), one PowerPoint slide per slide.

    A slide with a browser-measured layout in `layouts` (by slide id) is drawn from it
    (`pptx_layout.py`); the others use the browser-free flow layout. The file's "comments"
    core property says which slides used which.
    """
    layouts = layouts or {}
    prs = Presentation()
    prs.slide_width, prs.slide_height = emu(1280), emu(720)
    prs.core_properties.title = deck.title
    theme = deck.theme
    if theme is not None:
        apply_pptx_theme(prs, theme)
    sheet = StyleSheet.parse(theme_sheet_css(theme), resolve_theme_vars(deck.styles, theme))
    logo = logo_picture(theme)
    measured: list[int] = []
    for number, slide in enumerate(deck.slides, start=1):
        layout = layouts.get(slide.id)
        if layout is None:
            _write_slide(prs, slide, sheet, theme)
            if logo is not None:
                add_logo(prs.slides[-1], logo, emu_per_px=EMU_PER_PX)
            continue
        index = _LAYOUT_TITLE_ONLY if has_title(layout) else _LAYOUT_BLANK
        out = prs.slides.add_slide(prs.slide_layouts[index])
        notes = write_measured_slide(out, layout)
        if logo is not None:
            add_logo(out, logo, emu_per_px=EMU_PER_PX)
        text = "\n\n".join(part for part in (slide.notes.strip(), *notes) if part)
        if text:
            out.notes_slide.notes_text_frame.text = text
        measured.append(number)
    prs.core_properties.comments = layout_note(measured, len(deck.slides))
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()


def layout_note(measured: list[int], total: int) -> str:
    """The file's record of which layout each slide used (1-based slide numbers)."""
    if total and len(measured) == total:
        return f"{LAYOUT_BROWSER} (all {total} slides)."
    if not measured:
        return f"{LAYOUT_FLOW}."
    flow = [n for n in range(1, total + 1) if n not in set(measured)]
    return (
        f"{LAYOUT_BROWSER} for slides {_numbers(measured)}; "
        f"{LAYOUT_FLOW[0].lower() + LAYOUT_FLOW[1:]} for slides {_numbers(flow)}."
    )


def _numbers(values: list[int]) -> str:
    return ", ".join(str(v) for v in values)


def _write_slide(
    prs: Presentation, slide: Slide, sheet: StyleSheet, theme: Theme | None = None
) -> None:
    content = read_slide(resolve_theme_vars(slide.html, theme), sheet)
    charts = extract_charts(slide.scripts, content.canvas_ids)
    layout = layout_slide(content)
    index = _LAYOUT_TITLE_ONLY if content.title else _LAYOUT_BLANK
    out = prs.slides.add_slide(prs.slide_layouts[index])
    if content.background:
        out.background.fill.solid()
        out.background.fill.fore_color.rgb = RGBColor(*content.background)
    if content.title and layout.title:
        _write_title(out, content.title, layout.title, layout.font_scale)
    for placed in layout.blocks:
        block, box = placed.block, placed.box
        if isinstance(block, TextBlock):
            _write_text(out, block.paragraphs, box, layout.font_scale)
        elif isinstance(block, TableBlock):
            _write_table(out, block, box, layout.font_scale)
        elif isinstance(block, ChartBlock):
            _write_chart(out, charts, block, box, content)
        elif isinstance(block, ImageBlock):
            _write_image(out, block, box, content, layout.font_scale)
    if slide.notes.strip():
        out.notes_slide.notes_text_frame.text = slide.notes


# --- text -----------------------------------------------------------------------------------------
def _write_title(out: PptxSlide, title: Paragraph, box: Box, scale: float) -> None:
    shape = out.shapes.title
    shape.left, shape.top, shape.width, shape.height = (
        emu(box.x),
        emu(box.y),
        emu(box.w),
        emu(box.h),
    )
    frame = shape.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.TOP
    frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
    _fill_paragraph(frame.paragraphs[0], title, scale)


def _write_text(out: PptxSlide, paragraphs: list[Paragraph], box: Box, scale: float) -> None:
    shape = out.shapes.add_textbox(emu(box.x), emu(box.y), emu(box.w), emu(box.h))
    frame = shape.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
    needed = text_height(TextBlock(paragraphs), box.w, scale)
    if needed > box.h * 1.02:
        _shrink_on_open(frame, box.h / needed)
    for k, paragraph in enumerate(paragraphs):
        target = frame.paragraphs[0] if k == 0 else frame.add_paragraph()
        _fill_paragraph(target, paragraph, scale)
        if k:
            target.space_before = Pt(paragraph.size_px * scale * PT_PER_PX * 0.3)
        if paragraph.bullet:
            _set_bullet(target, paragraph, scale)


def _shrink_on_open(frame: object, ratio: float) -> None:
    """Write the font scale PowerPoint itself records for shrink-on-overflow text."""
    body_pr = frame._txBody.bodyPr  # type: ignore[attr-defined]
    autofit = body_pr.find(qn("a:normAutofit"))
    if autofit is None:
        autofit = etree.SubElement(body_pr, qn("a:normAutofit"))
    autofit.set("fontScale", str(max(25_000, min(100_000, int(ratio * 100_000)))))
    autofit.set("lnSpcReduction", "10000" if ratio < 0.9 else "0")


def _fill_paragraph(target: object, paragraph: Paragraph, scale: float) -> None:
    target.alignment = _ALIGN.get(paragraph.align or "left", PP_ALIGN.LEFT)  # type: ignore[attr-defined]
    target.level = paragraph.level  # type: ignore[attr-defined]
    for run in paragraph.runs:
        if run.text == "\n":
            target.add_line_break()  # type: ignore[attr-defined]
            continue
        out = target.add_run()  # type: ignore[attr-defined]
        out.text = run.text
        font = out.font
        font.size = Pt(max(run.style.size_px * scale * PT_PER_PX, 6))
        font.bold = run.style.bold
        font.italic = run.style.italic
        if run.style.underline:
            font.underline = True
        if run.style.mono:
            font.name = "Courier New"
        if run.style.color:
            font.color.rgb = RGBColor(*run.style.color)


def _set_bullet(target: object, paragraph: Paragraph, scale: float) -> None:
    """Bullet or number glyph and hanging indent (text boxes have no list style of their own)."""
    p_pr = target._p.get_or_add_pPr()  # type: ignore[attr-defined]
    indent = emu(INDENT_PX * scale)
    p_pr.set("marL", str(int(indent * (paragraph.level + 1))))
    p_pr.set("indent", str(-int(indent * 0.75)))
    if paragraph.bullet == "number":
        # PowerPoint counts consecutive numbered paragraphs of one level itself
        etree.SubElement(p_pr, qn("a:buAutoNum")).set("type", "arabicPeriod")
    else:
        font = etree.SubElement(p_pr, qn("a:buFont"))
        font.set("typeface", "Arial")
        etree.SubElement(p_pr, qn("a:buChar")).set(
            "char", "•" if paragraph.level % 2 == 0 else "\u2013"
        )


# --- tables ---------------------------------------------------------------------------------------
def _write_table(out: PptxSlide, block: TableBlock, box: Box, scale: float) -> None:
    grid = _table_grid(block)
    n_rows, n_cols = len(grid), max(len(r) for r in grid)
    frame = out.shapes.add_table(n_rows, n_cols, emu(box.x), emu(box.y), emu(box.w), emu(box.h))
    table = frame.table
    tbl_pr = table._tbl.tblPr
    style_id = tbl_pr.find(qn("a:tableStyleId"))
    if style_id is None:
        style_id = etree.SubElement(tbl_pr, qn("a:tableStyleId"))
    style_id.text = _NO_STYLE_TABLE  # borders and fills come from the HTML, not a theme style
    table.first_row = any(c.header for c in block.rows[0])
    table.horz_banding = False
    for col in table.columns:
        col.width = emu(box.w / n_cols)
    for row in table.rows:
        row.height = emu(box.h / n_rows)
    done: set[tuple[int, int]] = set()
    for r, row_cells in enumerate(grid):
        for c, placed in enumerate(row_cells):
            if placed is None or (r, c) in done:
                continue
            cell_def, rows_span, cols_span = placed
            cell = table.cell(r, c)
            if rows_span > 1 or cols_span > 1:
                cell.merge(
                    table.cell(min(r + rows_span, n_rows) - 1, min(c + cols_span, n_cols) - 1)
                )
            done.update((r + i, c + j) for i in range(rows_span) for j in range(cols_span))
            frame_text = cell.text_frame
            frame_text.word_wrap = True
            _fill_paragraph(frame_text.paragraphs[0], cell_def.paragraph, scale)
            cell.margin_top = cell.margin_bottom = emu(4)
            if cell_def.fill:
                cell.fill.solid()
                cell.fill.fore_color.rgb = RGBColor(*cell_def.fill)
            else:
                cell.fill.background()
    for r in range(n_rows):
        for c in range(n_cols):
            _cell_borders(table.cell(r, c))


def _table_grid(block: TableBlock) -> list[list[tuple | None]]:
    """Rows of (cell, rowspan, colspan) at each cell's top-left grid slot, honouring spans."""
    grid: list[list[tuple | None]] = []
    taken: set[tuple[int, int]] = set()
    for r, row in enumerate(block.rows):
        while len(grid) <= r:
            grid.append([])
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            rows_span = min(cell.rowspan, len(block.rows) - r)
            for i in range(rows_span):
                for j in range(cell.colspan):
                    taken.add((r + i, c + j))
            _put(grid, r, c, (cell, rows_span, cell.colspan))
            c += cell.colspan
    width = max((c + 1 for _, c in taken), default=1)
    for row in grid:
        row.extend([None] * (width - len(row)))
    return grid


def _put(grid: list[list[tuple | None]], r: int, c: int, value: tuple) -> None:
    row = grid[r]
    row.extend([None] * (c + 1 - len(row)))
    row[c] = value


def _cell_borders(cell: object) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()  # type: ignore[attr-defined]
    # Border lines must precede the cell fill inside tcPr.
    for index, edge in enumerate(("a:lnL", "a:lnR", "a:lnT", "a:lnB")):
        line = etree.Element(qn(edge), w="9525")
        fill = etree.SubElement(line, qn("a:solidFill"))
        etree.SubElement(fill, qn("a:srgbClr"), val=_BORDER_RGB)
        tc_pr.insert(index, line)


# --- charts and pictures --------------------------------------------------------------------------
def _write_chart(
    out: PptxSlide, charts: SlideCharts, block: ChartBlock, box: Box, content: SlideContent
) -> None:
    spec = charts.for_canvas(block.canvas_id)
    if isinstance(spec, ChartFailure):
        _note(out, box, f"Chart could not be converted: {spec.reason}.", content)
        return
    try:
        add_native_chart(out, spec, box, content.base_style.color)
    except ValueError as exc:
        _note(out, box, f"Chart could not be converted: {exc}.", content)


def _write_image(
    out: PptxSlide, block: ImageBlock, box: Box, content: SlideContent, scale: float
) -> None:
    try:
        with Image.open(io.BytesIO(block.data)) as image:
            width, height = image.size
    except (UnidentifiedImageError, OSError):
        _note(
            out,
            box,
            f"Image could not be converted{': ' + block.alt if block.alt else ''}.",
            content,
        )
        return
    fit = min(box.w / width, box.h / height)
    w, h = width * fit, height * fit
    picture = out.shapes.add_picture(
        io.BytesIO(block.data), emu(box.x + (box.w - w) / 2), emu(box.y), emu(w), emu(h)
    )
    if block.alt:
        picture._element.nvPicPr.cNvPr.set("descr", block.alt)


def _note(out: PptxSlide, box: Box, text: str, content: SlideContent) -> None:
    """A visible, editable note where an element could not be converted."""
    shape = out.shapes.add_textbox(emu(box.x), emu(box.y), emu(box.w), emu(min(box.h, 120)))
    shape.line.color.rgb = RGBColor(0xBF, 0xBF, 0xBF)
    frame = shape.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    paragraph = frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.CENTER
    run = paragraph.add_run()
    run.text = text
    run.font.size = Pt(14)
    run.font.italic = True
    if content.base_style.color:
        run.font.color.rgb = RGBColor(*content.base_style.color)
