"""Where each block of a slide goes on the 1280x720 page, without a browser.

The PPTX export must work where no Chromium exists (the Databricks Apps container), so
positions come from document order and estimates, not from a rendered page: the title at the
top, content stacked below it, columns side by side. Text and table heights are estimated from
character counts and font size; charts and images share whatever height is left. When the
estimated content is taller than the page, every font is scaled down by one factor (not below
half) so that nothing runs off the slide; past that, boxes are squeezed to the page and the
writer asks PowerPoint to shrink the text into them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from slidegen.export.blocks import (
    Block,
    ChartBlock,
    Columns,
    ImageBlock,
    Paragraph,
    SlideContent,
    TableBlock,
    TextBlock,
)

PAGE_W, PAGE_H = 1280, 720
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 48, 28, 32
GAP = 16  # between stacked blocks
COLUMN_GAP = 32
MIN_FLEX_H = 140  # a chart or image never gets less than this (before font scaling)
LINE = 1.2  # line height in font sizes
INDENT_PX = 36  # per list level
TEXT_PAD = 8  # frame insets, top + bottom together, roughly PowerPoint's default
MIN_SCALE = 0.5


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class Placed:
    block: Block
    box: Box


@dataclass(frozen=True)
class SlideLayout:
    title: Box | None
    blocks: tuple[Placed, ...]
    font_scale: float


def _char_width(size: float, bold: bool) -> float:
    # Average advance of a proportional sans font: about half the size; bold runs wider.
    return size * (0.55 if bold else 0.5)


def paragraph_height(p: Paragraph, width: float, scale: float) -> float:
    size = p.size_px * scale
    avail = max(width - (INDENT_PX * (p.level + 1) if p.bullet else 0) - 16, size * 4)
    bold = any(r.style.bold for r in p.runs)
    lines = 0
    for segment in p.text.split("\n"):
        lines += max(1, math.ceil(len(segment) * _char_width(size, bold) / avail))
    return lines * size * LINE + size * 0.3  # + the space before the next paragraph


def text_height(block: TextBlock, width: float, scale: float) -> float:
    return sum(paragraph_height(p, width, scale) for p in block.paragraphs) + TEXT_PAD


def table_height(block: TableBlock, width: float, scale: float) -> float:
    n_cols = max(sum(c.colspan for c in row) for row in block.rows)
    col_w = width / max(n_cols, 1)
    total = 0.0
    for row in block.rows:
        total += max(paragraph_height(c.paragraph, col_w * c.colspan, scale) for c in row) + 10
    return total


def _is_flex(block: Block) -> bool:
    if isinstance(block, ChartBlock | ImageBlock):
        return True
    if isinstance(block, Columns):
        return any(_is_flex(b) for col in block.columns for b in col)
    return False


def natural_height(block: Block, width: float, scale: float) -> float:
    """Height a block needs at this width; for charts and images, their minimum."""
    if isinstance(block, TextBlock):
        return text_height(block, width, scale)
    if isinstance(block, TableBlock):
        return table_height(block, width, scale)
    if isinstance(block, Columns):
        widths = column_widths(width, block)
        return max(
            _stack_height(col, w, scale) for col, w in zip(block.columns, widths, strict=True)
        )
    return MIN_FLEX_H * scale


def _stack_height(blocks: list[Block], width: float, scale: float) -> float:
    heights = [natural_height(b, width, scale) for b in blocks]
    return sum(heights) + GAP * max(len(blocks) - 1, 0)


def column_widths(width: float, block: Columns) -> list[float]:
    """Widths of the columns, in proportion to their weights (flex-grow, fr, % or px)."""
    n = len(block.columns)
    weights = block.weights if block.weights and len(block.weights) == n else [1.0] * n
    total = sum(weights)
    return [(width - COLUMN_GAP * (n - 1)) * w / total for w in weights]


def _stack(blocks: list[Block], box: Box, scale: float, out: list[Placed]) -> None:
    """Place blocks top to bottom in `box`; flexible blocks share the height left over."""
    heights = [natural_height(b, box.w, scale) for b in blocks]
    flex = [i for i, b in enumerate(blocks) if _is_flex(b)]
    spare = box.h - sum(heights) - GAP * max(len(blocks) - 1, 0)
    if flex and spare > 0:
        for i in flex:
            heights[i] += spare / len(flex)
    elif spare < 0:
        # Even at the smallest font scale the content is too tall: every block gives up the
        # same share, and the writer shrinks text to its box (PowerPoint's own fontScale).
        gaps = GAP * max(len(blocks) - 1, 0)
        factor = max(box.h - gaps, 1.0) / sum(heights)
        heights = [h * factor for h in heights]
    y = box.y
    for block, h in zip(blocks, heights, strict=True):
        if isinstance(block, Columns):
            x = box.x
            for column, col_w in zip(block.columns, column_widths(box.w, block), strict=True):
                _stack(column, Box(x, y, col_w, h), scale, out)
                x += col_w + COLUMN_GAP
        else:
            out.append(Placed(block, Box(box.x, y, box.w, max(h, 1.0))))
        y += h + GAP


def title_height(title: Paragraph, width: float, scale: float) -> float:
    return paragraph_height(title, width, scale) + TEXT_PAD + 4


def layout_slide(content: SlideContent) -> SlideLayout:
    """Boxes (in CSS pixels of the 1280x720 page) for the title and every block."""
    width = PAGE_W - 2 * MARGIN_X
    scale = 1.0
    for _ in range(4):  # shrinking fonts also reduces wrapping: iterate to a fit
        title_h = title_height(content.title, width, scale) if content.title else 0.0
        top = MARGIN_TOP + title_h + (GAP if content.title else 0)
        avail = PAGE_H - top - MARGIN_BOTTOM
        needed = _stack_height(content.blocks, width, scale)
        if needed <= avail or scale <= MIN_SCALE:
            break
        scale = max(MIN_SCALE, scale * avail / needed * 0.97)
    title_box = Box(MARGIN_X, MARGIN_TOP, width, title_h) if content.title else None
    placed: list[Placed] = []
    _stack(content.blocks, Box(MARGIN_X, top, width, max(avail, 1.0)), scale, placed)
    return SlideLayout(title=title_box, blocks=tuple(placed), font_scale=scale)
