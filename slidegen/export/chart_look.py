"""Native PowerPoint charts made to look like the Chart.js charts they come from.

The live chart's configuration (read in the browser by `measure_slide.js`) carries, besides the
data, what Chart.js drew on the value axis: its range and tick labels. Here they become the PPTX
axis's minimum, maximum, major unit and an Excel number format that writes the ticks the same
way ("$700K"); grid and axis lines take the colour the chart drew them in when that is opaque (a
theme's border colour), else Chart.js's light grey; bars take its default widths, and lines put
their first and last points on the plot's edges.
"""

from __future__ import annotations

import itertools
import math
import re

from lxml import etree
from pptx.dml.color import RGBColor
from pptx.oxml.ns import qn

from slidegen.export.colors import parse_css_color

__all__ = ["apply_chart_js_look", "apply_tick_format", "tick_number_format"]

_TICK = re.compile(r"^(\D*?)(-?[\d,]*\.?\d+)(\D*)$")


def tick_number_format(ticks: list[tuple[float, str]]) -> str | None:
    """An Excel number format that writes each tick value as Chart.js labelled it, if one does.

    "$700K" for 700000 gives `"$"#,##0,"K"` (each trailing comma divides by a thousand).
    """
    parts = [(_TICK.match(label.strip()), value) for value, label in ticks]
    if len(parts) < 2 or any(m is None for m, _ in parts):
        return None
    prefixes = {m.group(1) for m, _ in parts if m}
    suffixes = {m.group(3) for m, _ in parts if m}
    if len(prefixes) != 1 or len(suffixes) != 1:
        return None
    scales = set()
    for match, value in parts:
        shown = float(match.group(2).replace(",", ""))  # type: ignore[union-attr]
        if value == 0 or shown == 0:
            continue
        ratio = value / shown
        scale = next((k for k in range(4) if math.isclose(ratio, 1000.0**k, rel_tol=0.02)), None)
        if scale is None:
            return None
        scales.add(scale)
    if len(scales) > 1:
        return None
    decimals = max(len(m.group(2).split(".")[1]) if "." in m.group(2) else 0 for m, _ in parts)  # type: ignore[union-attr]
    grouped = any("," in m.group(2) for m, _ in parts)  # type: ignore[union-attr]
    scale = scales.pop() if scales else 0
    number = ("#,##0" if grouped or scale else "0") + ("." + "0" * decimals if decimals else "")
    number += "," * scale

    def literal(text: str) -> str:
        return f'"{text}"' if text else ""

    return literal(prefixes.pop()) + number + literal(suffixes.pop())


def apply_tick_format(chart: object, options: object) -> None:
    ticks = options.get("valueTicks") if isinstance(options, dict) else None
    if not isinstance(ticks, list) or not hasattr(chart, "value_axis"):
        return
    pairs = [
        (float(t[0]), t[1])
        for t in ticks
        if isinstance(t, list)
        and len(t) == 2
        and isinstance(t[0], int | float)
        and isinstance(t[1], str)
    ]
    fmt = tick_number_format(pairs)
    if not fmt:
        return
    try:
        labels = chart.value_axis.tick_labels  # type: ignore[attr-defined]
    except ValueError:  # a pie has no value axis
        return
    labels.number_format = fmt
    labels.number_format_is_linked = False


_GRID_RGB = "E5E5E5"  # Chart.js's default grid: rgba(0, 0, 0, 0.1) on white


def _line_rgb(measured: object) -> RGBColor:
    """A grid or axis line colour the browser measured (opaque only: a theme's border colour),
    else Chart.js's stock light grey."""
    rgb = parse_css_color(measured) if isinstance(measured, str) else None
    return RGBColor(*rgb) if rgb else RGBColor.from_string(_GRID_RGB)


def apply_chart_js_look(chart: object, kind: str, n_series: int, options: object) -> None:
    """Axis range, light grid and bar widths as Chart.js draws them by default."""
    if kind in ("pie", "doughnut", "radar"):
        return
    options = options if isinstance(options, dict) else {}
    try:
        value_axis = chart.value_axis  # type: ignore[attr-defined]
    except ValueError:
        return
    scale = options.get("valueRange")
    if (
        isinstance(scale, list)
        and len(scale) == 2
        and all(isinstance(v, int | float) for v in scale)
    ):
        low, high = float(scale[0]), float(scale[1])
        if math.isfinite(low) and math.isfinite(high) and high > low:
            value_axis.minimum_scale, value_axis.maximum_scale = low, high
            ticks = [t[0] for t in options.get("valueTicks") or [] if isinstance(t, list) and t]
            steps = {
                round(b - a, 9)
                for a, b in itertools.pairwise(ticks)
                if b is not None and a is not None
            }
            if len(steps) == 1 and (step := steps.pop()) > 0:
                value_axis.major_unit = step
    if kind in ("line", "area"):
        # Chart.js puts a line's first and last points on the plot's edges, not mid-category
        axis_el = value_axis._element
        cross = axis_el.find(qn("c:crossBetween"))
        if cross is None:  # schema order: ... crosses, crossBetween, majorUnit ...
            cross = etree.Element(qn("c:crossBetween"))
            anchor = axis_el.find(qn("c:crosses"))
            if anchor is None:
                anchor = axis_el.find(qn("c:crossesAt"))
            if anchor is not None:
                anchor.addnext(cross)
            else:
                axis_el.append(cross)
        cross.set("val", "midCat")
    grid = _line_rgb(options.get("gridColor"))
    if value_axis.has_major_gridlines:
        value_axis.major_gridlines.format.line.color.rgb = grid
    axis_line = _line_rgb(options.get("axisColor"))
    for axis in (value_axis, getattr(chart, "category_axis", None)):
        if axis is not None:
            axis.format.line.color.rgb = axis_line
    if kind == "bar":
        plot = chart.plots[0]  # type: ignore[attr-defined]
        # categoryPercentage 0.8 x barPercentage 0.9: the bars fill 72% of each category
        plot.gap_width = max(0, min(500, round(28 / (72 / max(1, n_series)) * 100)))
        plot.overlap = 0 if n_series > 1 else plot.overlap
