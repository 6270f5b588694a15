"""Native PowerPoint charts from a `ChartSpec`, and the slide units both PPTX writers use.

The flow layout (`pptx.py`) and the measured layout (`pptx_layout.py`) both draw a Chart.js
chart as a native chart with the same data and colours; this module is that one drawing, so
neither writer imports the other. One CSS pixel of the 1280 px slide is `EMU_PER_PX` EMU and
`PT_PER_PX` points.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from pptx.chart.data import BubbleChartData, CategoryChartData, XyChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_AXIS_CROSSES, XL_CHART_TYPE, XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.slide import Slide as PptxSlide
from pptx.util import Emu, Pt

from slidegen.export.charts import ChartSpec
from slidegen.export.colors import RGB, parse_css_color
from slidegen.export.layout import Box

__all__ = ["EMU_PER_PX", "PT_PER_PX", "add_native_chart", "emu"]

EMU_PER_PX = 9525  # 13.333 in x 914400 EMU / 1280 px: one CSS pixel of the slide
PT_PER_PX = 0.75  # 1280 px = 960 pt


def emu(px: float) -> Emu:
    return Emu(round(px * EMU_PER_PX))


def add_native_chart(
    out: PptxSlide, spec: ChartSpec, box: Box, text_color: RGB | None, font_px: float = 16
) -> object:
    """A native PowerPoint chart of `spec` in `box`; ValueError when the spec has no data."""
    if spec.kind == "area" and not spec.stacked and len(spec.series) > 1:
        # Overlapping filled lines: an office area chart paints each area opaque, so the first
        # would hide the rest. Lines keep every series visible (the fills were translucent).
        spec = dataclasses.replace(spec, kind="line")
    chart_type, data = _chart_data(spec)
    frame = out.shapes.add_chart(chart_type, emu(box.x), emu(box.y), emu(box.w), emu(box.h), data)
    chart = frame.chart
    chart.font.size = Pt(max(6.0, font_px * PT_PER_PX))
    if text_color:
        chart.font.color.rgb = RGBColor(*text_color)
    chart.has_title = bool(spec.title)
    if spec.title:
        chart.chart_title.text_frame.text = spec.title
    if spec.kind == "bar" and spec.horizontal:
        # Chart.js lists a horizontal bar chart's categories top down, PowerPoint bottom up;
        # the value axis then stays at the bottom by crossing at the last category.
        chart.category_axis.reverse_order = True
        chart.category_axis.crosses = XL_AXIS_CROSSES.MAXIMUM
    chart.has_legend = spec.show_legend
    if spec.show_legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
    _color_series(chart, spec)
    return chart


def _chart_data(spec: ChartSpec) -> tuple[XL_CHART_TYPE, object]:
    if spec.kind in ("scatter", "bubble"):
        data = XyChartData() if spec.kind == "scatter" else BubbleChartData()
        for series in spec.series:
            target = data.add_series(series.name)
            for point in series.points:
                if spec.kind == "bubble":
                    target.add_data_point(point[0], point[1], point[2] if len(point) > 2 else 1)
                else:
                    target.add_data_point(point[0], point[1])
        if not any(s.points for s in spec.series):
            raise ValueError("it has no points")
        return (XL_CHART_TYPE.XY_SCATTER if spec.kind == "scatter" else XL_CHART_TYPE.BUBBLE), data
    if not spec.categories:
        raise ValueError("it has no data")
    data = CategoryChartData()
    data.categories = list(spec.categories)
    series_list = spec.series[:1] if spec.kind in ("pie", "doughnut") else spec.series
    for series in series_list:
        data.add_series(series.name, list(series.values))
    return _category_type(spec), data


def _category_type(spec: ChartSpec) -> XL_CHART_TYPE:
    if spec.kind == "bar":
        if spec.horizontal:
            return XL_CHART_TYPE.BAR_STACKED if spec.stacked else XL_CHART_TYPE.BAR_CLUSTERED
        return XL_CHART_TYPE.COLUMN_STACKED if spec.stacked else XL_CHART_TYPE.COLUMN_CLUSTERED
    return {
        "line": XL_CHART_TYPE.LINE_MARKERS_STACKED if spec.stacked else XL_CHART_TYPE.LINE_MARKERS,
        "area": XL_CHART_TYPE.AREA_STACKED if spec.stacked else XL_CHART_TYPE.AREA,
        "pie": XL_CHART_TYPE.PIE,
        "doughnut": XL_CHART_TYPE.DOUGHNUT,
        "radar": XL_CHART_TYPE.RADAR_MARKERS,
    }[spec.kind]


def _color_series(chart: object, spec: ChartSpec) -> None:
    plot = chart.plots[0]  # type: ignore[attr-defined]
    for series, source in zip(plot.series, spec.series, strict=False):
        color = parse_css_color(source.color)
        if spec.kind == "area" and parse_css_color(source.fill_color):
            # the area in its (translucent, so blended) fill colour, edged by the line colour
            series.format.fill.solid()
            series.format.fill.fore_color.rgb = RGBColor(*parse_css_color(source.fill_color))
            if color:
                series.format.line.color.rgb = RGBColor(*color)
                series.format.line.width = Pt(2)
        elif color:
            if spec.kind in ("line", "radar", "scatter"):
                series.format.line.color.rgb = RGBColor(*color)
                if spec.kind == "line":  # Chart.js's points: small circles in the line colour
                    series.marker.style = XL_MARKER_STYLE.CIRCLE
                    series.marker.size = 5
                    series.marker.format.fill.solid()
                    series.marker.format.fill.fore_color.rgb = RGBColor(*color)
                    series.marker.format.line.color.rgb = RGBColor(*color)
                    series.smooth = False
                if spec.kind == "scatter":
                    series.marker.format.fill.solid()
                    series.marker.format.fill.fore_color.rgb = RGBColor(*color)
            else:
                series.format.fill.solid()
                series.format.fill.fore_color.rgb = RGBColor(*color)
        for k, point_color in enumerate(_rgb_list(source.point_colors)):
            if point_color and k < len(source.values):
                point = series.points[k]
                point.format.fill.solid()
                point.format.fill.fore_color.rgb = RGBColor(*point_color)


def _rgb_list(colors: Iterable[str | None]) -> list[RGB | None]:
    return [parse_css_color(c) for c in colors]
