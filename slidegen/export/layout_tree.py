"""The layout tree a browser measured for one slide (`measure_slide.js`), validated strictly.

A browser (server-side Chromium, or the user's own browser posting it with the export request)
returns, per slide, every visible element's box in CSS pixels of the 1280x720 page, in paint
order: shapes (fills, gradients, borders, radii, shadows), text (runs with font, size, weight,
colour; alignment; line height; bullets), pictures (PNG/JPEG/GIF data URIs), tables (cell by
cell) and charts (the live Chart.js configuration, with a picture of the canvas for when no
native chart fits). The tree posted by a browser is untrusted input: every size, count, string
length and number range is bounded here and unknown fields are refused, so what reaches the
PPTX writer is small, finite and well-typed. `parse_layouts` reads the export request's body.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

__all__ = [
    "MAX_BODY_BYTES",
    "ChartItem",
    "Fill",
    "ImageItem",
    "LayoutError",
    "ShapeItem",
    "SlideLayout",
    "TableItem",
    "TextItem",
    "parse_layouts",
    "parse_slide_layout",
]

MAX_BODY_BYTES = 48 * 1024 * 1024  # a whole deck's layouts, pictures included
MAX_SLIDES = 500
MAX_ITEMS = 3000
MAX_RUNS = 2000
MAX_TEXT = 20_000  # characters of one run
MAX_IMAGE_BYTES = 8 * 1024 * 1024  # one decoded picture
MAX_SLIDE_IMAGE_BYTES = 24 * 1024 * 1024  # all pictures of one slide
_DATA_URI = re.compile(r"^data:image/(png|jpeg|jpg|gif);base64,([A-Za-z0-9+/=\s]*)$")

Coord = Annotated[float, Field(ge=-20_000, le=20_000, allow_inf_nan=False)]
Size = Annotated[float, Field(ge=0, le=20_000, allow_inf_nan=False)]
Unit = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
Channel = Annotated[int, Field(ge=0, le=255)]


class LayoutError(ValueError):
    """A posted layout that cannot be used; the message says what is wrong."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


Color = tuple[Channel, Channel, Channel, Unit]
Box = tuple[Coord, Coord, Size, Size]


class Gradient(_Strict):
    kind: Literal["linear", "radial"]
    angle: Annotated[float, Field(ge=-3600, le=3600, allow_inf_nan=False)] = 180
    stops: Annotated[list[tuple[Unit, Color]], Field(min_length=2, max_length=10)]


class Fill(_Strict):
    color: Color | None = None
    gradient: Gradient | None = None


class Line(_Strict):
    width: Size
    color: Color


class Shadow(_Strict):
    dx: Coord
    dy: Coord
    blur: Size
    color: Color


class ShapeItem(_Strict):
    kind: Literal["shape"]
    box: Box
    fill: Fill | None = None
    line: Line | None = None
    radius: Size = 0
    shadow: Shadow | None = None


class Run(_Strict):
    t: Annotated[str, Field(max_length=MAX_TEXT)]
    font: Annotated[str, Field(max_length=120)] = "Arial"
    size: Annotated[float, Field(ge=0, le=2000, allow_inf_nan=False)] = 16
    bold: bool = False
    italic: bool = False
    underline: bool = False
    strike: bool = False
    color: Color = (0, 0, 0, 1)
    spacing: Annotated[float, Field(ge=-200, le=200, allow_inf_nan=False)] = 0


class Bullet(_Strict):
    char: Annotated[str, Field(min_length=1, max_length=4)] | None = None
    number: Annotated[int, Field(ge=-10_000, le=100_000)] | None = None
    color: Color | None = None


class TextItem(_Strict):
    # camelCase field names are those of the JSON the measuring script writes
    kind: Literal["text"]
    box: Box
    align: Literal["l", "c", "r", "j"] = "l"
    valign: Literal["t", "m", "b"] = "t"
    wrap: bool = True
    lineHeight: Size | None = None
    bullet: Bullet | None = None
    indent: Size = 0
    runs: Annotated[list[Run], Field(min_length=1, max_length=MAX_RUNS)]
    role: Literal["title"] | None = None  # the slide's title: PowerPoint's title placeholder


class ImageItem(_Strict):
    kind: Literal["image"]
    box: Box
    src: Annotated[str, Field(max_length=MAX_IMAGE_BYTES * 4 // 3 + 64)]
    alt: Annotated[str, Field(max_length=2000)] = ""
    fit: Literal["fill", "contain", "cover"] = "fill"  # CSS object-fit / background-size

    @field_validator("src")
    @classmethod
    def _data_uri(cls, value: str) -> str:
        if not _DATA_URI.match(value):
            raise ValueError("a picture must be a PNG, JPEG or GIF data URI")
        return value

    def data(self) -> bytes:
        return decode_data_uri(self.src)


class Cell(_Strict):
    col: Annotated[int, Field(ge=0, le=63)]
    colspan: Annotated[int, Field(ge=1, le=64)] = 1
    rowspan: Annotated[int, Field(ge=1, le=200)] = 1
    fill: Fill | None = None
    align: Literal["l", "c", "r", "j"] = "l"
    valign: Literal["t", "m", "b"] = "t"
    pad: tuple[Size, Size, Size, Size] = (4, 4, 4, 4)
    borders: tuple[Line | None, Line | None, Line | None, Line | None] = (None, None, None, None)
    runs: Annotated[list[Run], Field(max_length=MAX_RUNS)] = []


class Row(_Strict):
    h: Size
    cells: Annotated[list[Cell], Field(max_length=64)]


class TableItem(_Strict):
    kind: Literal["table"]
    box: Box
    cols: Annotated[list[Size], Field(min_length=1, max_length=63)]
    rows: Annotated[list[Row], Field(min_length=1, max_length=200)]


class ChartItem(_Strict):
    kind: Literal["chart"]
    box: Box
    config: dict[str, Any]
    image: Annotated[str, Field(max_length=MAX_IMAGE_BYTES * 4 // 3 + 64)] = ""
    textColor: Color | None = None
    fontSize: Annotated[float, Field(ge=1, le=200, allow_inf_nan=False)] = 12

    @field_validator("config")
    @classmethod
    def _small_json(cls, value: dict[str, Any]) -> dict[str, Any]:
        _check_json(value, depth=0, budget=[1_000_000])
        return value

    @field_validator("image")
    @classmethod
    def _picture(cls, value: str) -> str:
        if value and not _DATA_URI.match(value):
            raise ValueError("a chart picture must be a PNG data URI")
        return value


Item = Annotated[
    ShapeItem | TextItem | ImageItem | TableItem | ChartItem, Field(discriminator="kind")
]


class SlideLayout(_Strict):
    v: Literal[1]
    width: Literal[1280] = 1280
    height: Literal[720] = 720
    background: Fill | None = None
    items: Annotated[list[Item], Field(max_length=MAX_ITEMS)]
    truncated: bool = False
    # text of elements drawn fully transparent (hover tooltips, script-revealed parts)
    hiddenText: Annotated[list[Annotated[str, Field(max_length=2000)]], Field(max_length=200)] = []


def _check_json(value: Any, *, depth: int, budget: list[int]) -> None:
    """Chart configs are free-form JSON: bound their depth and total size instead of a schema."""
    budget[0] -= 1
    if budget[0] < 0 or depth > 8:
        raise ValueError("the chart configuration is too large or too deep")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str) or len(key) > 100:
                raise ValueError("the chart configuration has a bad key")
            _check_json(item, depth=depth + 1, budget=budget)
    elif isinstance(value, list):
        for item in value:
            _check_json(item, depth=depth + 1, budget=budget)
    elif isinstance(value, str):
        if len(value) > 2000:
            raise ValueError("the chart configuration has an overlong string")
    elif value is not None and not isinstance(value, bool | int | float):
        raise ValueError("the chart configuration holds a value that is not JSON")


def decode_data_uri(uri: str) -> bytes:
    match = _DATA_URI.match(uri)
    if not match:
        raise LayoutError("not a PNG, JPEG or GIF data URI")
    try:
        data = base64.b64decode(re.sub(r"\s+", "", match.group(2)), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise LayoutError("a picture's data URI is not valid base64") from exc
    if len(data) > MAX_IMAGE_BYTES:
        raise LayoutError("a picture is larger than 8 MB")
    return data


def parse_slide_layout(raw: Any) -> SlideLayout:
    """One slide's layout from decoded JSON, or LayoutError naming the first problem."""
    try:
        layout = SlideLayout.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise LayoutError(f"invalid layout at {where or 'top'}: {first['msg']}") from None
    total = sum(
        len(i.src) if isinstance(i, ImageItem) else len(i.image) if isinstance(i, ChartItem) else 0
        for i in layout.items
    )
    if total * 3 // 4 > MAX_SLIDE_IMAGE_BYTES:
        raise LayoutError("the pictures of one slide exceed 24 MB")
    return layout


def parse_layouts(body: bytes, slide_ids: set[str]) -> dict[str, SlideLayout]:
    """The `{"layouts": {slide_id: layout}}` body of an export request, for known slides only.

    Unknown slide ids are refused (the deck changed since the browser measured it); slides
    missing from the body are simply absent from the result (they use the fallback layout).
    """
    if len(body) > MAX_BODY_BYTES:
        raise LayoutError("the posted layouts exceed 48 MB")
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LayoutError(f"the posted layouts are not JSON ({exc})") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("layouts"), dict):
        raise LayoutError('the body must be {"layouts": {slide id: layout}}')
    layouts = payload["layouts"]
    if len(layouts) > MAX_SLIDES:
        raise LayoutError(f"more than {MAX_SLIDES} slide layouts")
    unknown = sorted(k for k in layouts if k not in slide_ids)
    if unknown:
        raise LayoutError(
            f"layout for slide {unknown[0][:40]!r}, which the deck does not have (reload the deck)"
        )
    out: dict[str, SlideLayout] = {}
    for slide_id, raw in layouts.items():
        try:
            out[slide_id] = parse_slide_layout(raw)
        except LayoutError as exc:
            raise LayoutError(f"slide {slide_id[:40]!r}: {exc}") from None
    return out
