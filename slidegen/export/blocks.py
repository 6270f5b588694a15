"""A slide's HTML read into layout blocks: title, text (paragraphs and list items), tables,
charts, images and side-by-side columns, in document order.

This is the half of the PPTX export that knows HTML (BeautifulSoup) and nothing of PowerPoint;
`pptx.py` is the half that places the blocks. Text keeps what PowerPoint can show per run: bold,
italic, underline, colour, size and monospace, taken from tags, the deck's simple CSS rules and
inline styles (`css.py`). Consecutive text elements in one container become one text block, so
a heading, its paragraph and its bullets stay one editable frame.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from bs4 import BeautifulSoup, Comment, NavigableString, PageElement, Tag

from slidegen.export.colors import RGB, first_color, parse_css_color
from slidegen.export.css import StyleSheet, font_size_px

_PARSER = "lxml"

_SKIP = {
    "script",
    "style",
    "noscript",
    "template",
    "head",
    "title",
    "meta",
    "link",
    "button",
    "input",
    "select",
    "textarea",
    "iframe",
    "video",
    "audio",
    "object",
    "embed",
    "svg",
    "hr",
    "nav",
}
_INLINE = {
    "span",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "a",
    "code",
    "small",
    "sup",
    "sub",
    "mark",
    "abbr",
    "br",
    "label",
    "time",
    "s",
    "del",
    "ins",
    "kbd",
    "var",
    "q",
    "cite",
    "font",
    "big",
    "tt",
    "data",
    "wbr",
}
_PARAGRAPHS = {
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "figcaption",
    "caption",
    "dt",
    "dd",
    "pre",
    "address",
    "summary",
    "legend",
}
_HEADING_EM = {"h1": 2.0, "h2": 1.5, "h3": 1.17, "h4": 1.0, "h5": 0.83, "h6": 0.67}
_MAX_LEVEL = 8  # PowerPoint's deepest outline level
_MAX_IMAGE_BYTES = 5_000_000
_TRACK = re.compile(r"[\d.]+(?:fr|px|%|em|rem)|auto|minmax\([^)]*\)")
_DATA_URI = re.compile(r"data:image/(png|jpeg|jpg|gif|bmp);base64,(.*)", re.DOTALL | re.I)


@dataclass(frozen=True)
class TextStyle:
    """Inherited text properties, resolved."""

    size_px: float = 16.0
    color: RGB | None = None
    bold: bool = False
    italic: bool = False
    underline: bool = False
    mono: bool = False
    align: str | None = None


@dataclass(frozen=True)
class Run:
    text: str  # "\n" alone is a line break
    style: TextStyle


@dataclass
class Paragraph:
    runs: list[Run]
    level: int = 0
    bullet: str | None = None  # None, "bullet" or "number"
    align: str | None = None

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)

    @property
    def size_px(self) -> float:
        return max((r.style.size_px for r in self.runs), default=16.0)


@dataclass
class TextBlock:
    paragraphs: list[Paragraph]


@dataclass
class Cell:
    paragraph: Paragraph
    header: bool = False
    colspan: int = 1
    rowspan: int = 1
    fill: RGB | None = None


@dataclass
class TableBlock:
    rows: list[list[Cell]]


@dataclass
class ChartBlock:
    canvas_id: str | None


@dataclass
class ImageBlock:
    data: bytes
    alt: str = ""


@dataclass
class Columns:
    columns: list[list[Block]]
    weights: list[float] | None = None  # relative widths; None: equal


Block = TextBlock | TableBlock | ChartBlock | ImageBlock | Columns


@dataclass
class SlideContent:
    title: Paragraph | None
    blocks: list[Block] = field(default_factory=list)
    background: RGB | None = None
    base_style: TextStyle = field(default_factory=TextStyle)

    @property
    def canvas_ids(self) -> list[str]:
        ids: list[str] = []

        def visit(blocks: list[Block]) -> None:
            for block in blocks:
                if isinstance(block, ChartBlock) and block.canvas_id:
                    ids.append(block.canvas_id)
                elif isinstance(block, Columns):
                    for column in block.columns:
                        visit(column)

        visit(self.blocks)
        return ids


def read_slide(html: str, sheet: StyleSheet) -> SlideContent:
    """Blocks of one slide's outer HTML. `sheet` holds the deck's shared CSS rules."""
    soup = BeautifulSoup(html, _PARSER)
    root = soup.find(class_="slide") or soup.find("section") or soup.body or soup
    local_css = "\n".join(s.get_text() for s in root.find_all("style"))
    if local_css:
        sheet = sheet.extended(local_css)
    reader = _Reader(sheet)
    base = reader.style(root, TextStyle())
    own = sheet.own_style(root)
    background = first_color(own.get("background-color") or own.get("background"))
    heading = root.find(["h1", "h2", "h3"])
    title = None
    if heading is not None:
        title = reader.paragraph(heading, reader.inherited(heading, base))
        if not title.text.strip():
            title = None
        else:
            reader.skip.add(id(heading))
    return SlideContent(
        title=title, blocks=reader.blocks(root, base), background=background, base_style=base
    )


class _Reader:
    def __init__(self, sheet: StyleSheet) -> None:
        self.sheet = sheet
        self.skip: set[int] = set()

    # --- styles ---------------------------------------------------------------------------------
    def style(self, element: Tag, parent: TextStyle) -> TextStyle:
        """The element's own text style on top of what it inherits."""
        own = self.sheet.own_style(element)
        name = element.name
        size = parent.size_px
        if name in _HEADING_EM:
            size = parent.size_px * _HEADING_EM[name]
        elif name in ("small", "sub", "sup"):
            size = parent.size_px * 0.83
        size = font_size_px(own.get("font-size"), parent.size_px) or size
        weight = own.get("font-weight", "").lower()
        bold = parent.bold or name in _HEADING_EM or name in ("b", "strong", "th", "dt")
        if weight:
            bold = weight in ("bold", "bolder") or (weight.isdigit() and int(weight) >= 600)
        italic = parent.italic or name in ("em", "i", "cite", "var", "q")
        if own.get("font-style"):
            italic = own["font-style"].lower() in ("italic", "oblique")
        decoration = own.get("text-decoration", own.get("text-decoration-line", ""))
        underline = parent.underline or name in ("u", "ins") or "underline" in decoration
        family = own.get("font-family", "").lower()
        mono = parent.mono or name in ("code", "pre", "kbd", "tt", "samp") or "mono" in family
        align = own.get("text-align", "").lower() or parent.align
        if align not in ("left", "center", "right", "justify", "start", "end", None):
            align = parent.align
        return TextStyle(
            size_px=size,
            color=parse_css_color(own.get("color")) or parent.color,
            bold=bold,
            italic=italic,
            underline=underline,
            mono=mono,
            align=align,
        )

    def inherited(self, element: Tag, base: TextStyle) -> TextStyle:
        """Style of an element's parent chain below the slide root (for an out-of-order read)."""
        chain = [p for p in element.parents if isinstance(p, Tag)]
        style = base
        for parent in reversed(chain):
            if parent.get("class") and "slide" in parent.get("class", []):
                style = base
                continue
            if parent.name not in ("[document]", "html", "body"):
                style = self.style(parent, style)
        return style

    # --- inline content -------------------------------------------------------------------------
    def runs(self, element: Tag, style: TextStyle, exclude: tuple[str, ...] = ()) -> list[Run]:
        """All text under `element` as styled runs; nested blocks are joined by a space."""
        out: list[Run] = []
        for child in element.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                text = re.sub(r"\s+", " ", str(child)) if not style.mono else str(child)
                if text:
                    out.append(Run(text, style))
            elif isinstance(child, Tag):
                if child.name in _SKIP or child.name in exclude or id(child) in self.skip:
                    continue
                if child.name == "br":
                    out.append(Run("\n", style))
                    continue
                child_style = self.style(child, style)
                if child.name not in _INLINE and out and not out[-1].text.endswith(" "):
                    out.append(Run(" ", style))
                out.extend(self.runs(child, child_style, exclude))
        return out

    def paragraph(self, element: Tag, parent: TextStyle) -> Paragraph:
        style = self.style(element, parent)
        return Paragraph(runs=_tidy(self.runs(element, style)), align=style.align)

    # --- blocks ---------------------------------------------------------------------------------
    def blocks(self, container: Tag, style: TextStyle) -> list[Block]:
        """Blocks of a container's children, in order."""
        return self.blocks_of(container.children, style)

    def blocks_of(self, children: Iterable[PageElement], style: TextStyle) -> list[Block]:
        """Blocks of a sequence of sibling nodes sharing the parent style `style`."""
        out: list[Block] = []
        pending: list[Run] = []

        def flush() -> None:
            runs = _tidy(pending)
            if runs:
                _add_text(out, [Paragraph(runs=runs, align=style.align)])
            pending.clear()

        for child in children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                text = re.sub(r"\s+", " ", str(child))
                if text.strip() or pending:
                    pending.append(Run(text, style))
                continue
            if not isinstance(child, Tag) or child.name in _SKIP or id(child) in self.skip:
                continue
            name = child.name
            if name in _INLINE and not self._has_block(child):
                if name == "br":
                    pending.append(Run("\n", style))
                else:
                    pending.extend(self.runs(child, self.style(child, style)))
                continue
            flush()
            child_style = self.style(child, style)
            if name in _PARAGRAPHS and not self._has_block(child, allow_inline_only=True):
                paragraph = self.paragraph(child, style)
                if paragraph.runs:
                    _add_text(out, [paragraph])
            elif name in ("ul", "ol"):
                items = self.list_items(child, style, level=0)
                if items:
                    _add_text(out, items)
            elif name == "table":
                table = self.table(child, style)
                if table.rows:
                    out.append(table)
            elif name == "canvas":
                out.append(ChartBlock(canvas_id=child.get("id")))
            elif name == "img":
                image = _image(child)
                if image:
                    out.append(image)
            elif per_row := self._columns_per_row(child):
                # each child is one column, whether a wrapper div or a canvas/table itself
                kids = [c for c in child.children if isinstance(c, Tag) and c.name not in _SKIP]
                weights = self._column_weights(child, kids, per_row)
                cells = [
                    (cell, weights[k % per_row])
                    for k, c in enumerate(kids)
                    if (cell := self.blocks_of([c], child_style))
                ]
                for start in range(0, len(cells), per_row):
                    row = cells[start : start + per_row]
                    if len(row) > 1:
                        out.append(Columns([c for c, _ in row], [w for _, w in row]))
                    elif row:
                        out.extend(row[0][0])
            else:
                for block in self.blocks(child, child_style):
                    if isinstance(block, TextBlock):
                        _add_text(out, block.paragraphs)
                    else:
                        out.append(block)
        flush()
        return out

    def _has_block(self, element: Tag, allow_inline_only: bool = False) -> bool:
        """Whether the element holds lists, tables, canvases, images (each its own block)."""
        found = element.find(["ul", "ol", "table", "canvas", "img"])
        if found is not None:
            return True
        if allow_inline_only:
            return False
        return element.find(lambda t: t.name not in _INLINE and t.name not in _SKIP) is not None

    def _columns_per_row(self, element: Tag) -> int:
        """Columns per row of a flex row or multi-column grid; 0 when it is not one."""
        own = self.sheet.own_style(element)
        display = own.get("display", "").lower()
        children = [c for c in element.children if isinstance(c, Tag) and c.name not in _SKIP]
        if len(children) < 2 or any(c.name in _INLINE for c in children):
            return 0
        if display in ("flex", "inline-flex"):
            if not own.get("flex-direction", "row").lower().startswith("row"):
                return 0
            wraps = own.get("flex-wrap", "").lower().startswith("wrap") or "wrap" in own.get(
                "flex-flow", ""
            )
            # a wrapping row of many cards reads as rows of three; widths are not known here
            return 3 if wraps and len(children) > 4 else len(children)
        if display in ("grid", "inline-grid"):
            template = own.get("grid-template-columns", "")
            tracks = re.findall(r"repeat\(\s*(\d+)", template)
            count = int(tracks[0]) if tracks else len(_TRACK.findall(template))
            return count if count > 1 else 0
        return 0

    def _column_weights(self, element: Tag, kids: list[Tag], per_row: int) -> list[float]:
        """Relative column widths: grid `fr`/`%`/`px` tracks, else the children's `flex`
        grow factors or widths; equal when the CSS mixes kinds or says nothing."""
        own = self.sheet.own_style(element)
        if own.get("display", "").lower() in ("grid", "inline-grid"):
            template = own.get("grid-template-columns", "")
            weights = _weights(re.findall(r"([\d.]+)(fr|px|%)", template))
            if "repeat(" not in template and len(weights) == per_row:
                return weights
            return [1.0] * per_row
        grow: list[tuple[str, str]] = []
        for kid in kids[:per_row]:
            style = self.sheet.own_style(kid)
            flex = style.get("flex", "").split()
            if style.get("flex-grow"):
                grow.append((style["flex-grow"], "fr"))
            elif flex and re.fullmatch(r"[\d.]+", flex[0]):
                grow.append((flex[0], "fr"))
            elif match := re.fullmatch(r"([\d.]+)(px|%)", style.get("width", "").strip()):
                grow.append((match.group(1), match.group(2)))
        weights = _weights(grow)
        return weights if len(weights) == per_row else [1.0] * per_row

    def list_items(self, element: Tag, style: TextStyle, level: int) -> list[Paragraph]:
        bullet = "number" if element.name == "ol" else "bullet"
        list_style = self.style(element, style)
        out: list[Paragraph] = []
        for item in element.find_all("li", recursive=False):
            item_style = self.style(item, list_style)
            runs = _tidy(self.runs(item, item_style, exclude=("ul", "ol")))
            if runs:
                out.append(
                    Paragraph(
                        runs=runs,
                        level=min(level, _MAX_LEVEL),
                        bullet=bullet,
                        align=item_style.align,
                    )
                )
            for nested in item.find_all(["ul", "ol"]):
                if nested.find_parent("li") is item:
                    out.extend(self.list_items(nested, item_style, level + 1))
        return out

    def table(self, element: Tag, style: TextStyle) -> TableBlock:
        table_style = self.style(element, style)
        rows: list[list[Cell]] = []
        for row in element.find_all("tr"):
            if row.find_parent("table") is not element:
                continue  # a row of a nested table
            in_head = row.find_parent("thead") is not None
            row_style = self.style(row, table_style)
            row_own = self.sheet.own_style(row)
            cells: list[Cell] = []
            for cell in row.find_all(["td", "th"], recursive=False):
                own = self.sheet.own_style(cell)
                cells.append(
                    Cell(
                        paragraph=self.paragraph(cell, row_style),
                        header=in_head or cell.name == "th",
                        colspan=_span(cell.get("colspan")),
                        rowspan=_span(cell.get("rowspan")),
                        fill=first_color(
                            own.get("background-color")
                            or own.get("background")
                            or row_own.get("background-color")
                            or row_own.get("background")
                        ),
                    )
                )
            if cells:
                rows.append(cells)
        return TableBlock(rows=rows)


def _weights(found: list[tuple[str, str]]) -> list[float]:
    """Numbers of one unit kind as weights; [] when the units differ or a value is not positive."""
    if not found or len({unit for _, unit in found}) != 1:
        return []
    try:
        weights = [float(number) for number, _ in found]
    except ValueError:
        return []
    return weights if all(w > 0 for w in weights) else []


def _span(value: object) -> int:
    try:
        return max(1, min(int(str(value)), 50))
    except (TypeError, ValueError):
        return 1


def _image(element: Tag) -> ImageBlock | None:
    """Only inline data-URI images: slides never load from the network."""
    match = _DATA_URI.match(str(element.get("src") or "").strip())
    if not match or len(match.group(2)) > _MAX_IMAGE_BYTES * 4 // 3:
        return None
    try:
        data = base64.b64decode(re.sub(r"\s+", "", match.group(2)), validate=True)
    except (binascii.Error, ValueError):
        return None
    return ImageBlock(data=data, alt=str(element.get("alt") or ""))


def _add_text(out: list[Block], paragraphs: list[Paragraph]) -> None:
    if out and isinstance(out[-1], TextBlock):
        out[-1].paragraphs.extend(paragraphs)
    else:
        out.append(TextBlock(paragraphs=list(paragraphs)))


def _tidy(runs: list[Run]) -> list[Run]:
    """Collapse the whitespace between runs as a browser does; drop an all-blank paragraph."""
    out: list[Run] = []
    for run in runs:
        text = run.text
        if text != "\n" and not run.style.mono:
            at_line_start = not out or out[-1].text.endswith((" ", "\n"))
            if at_line_start:
                text = text.lstrip(" ")
        if text:
            out.append(replace(run, text=text))
    while out and out[-1].text != "\n" and not out[-1].text.strip() and not out[-1].style.mono:
        out.pop()
    while out and out[-1].text == "\n":
        out.pop()
    if out and not out[-1].style.mono:
        out[-1] = replace(out[-1], text=out[-1].text.rstrip(" "))
    if not "".join(r.text for r in out).strip():
        return []
    return out
