"""Chart.js configurations found in a slide's scripts, read into plain chart specifications.

A slide draws a chart with `new Chart(<canvas>, <config>)`. This module finds those calls, works
out which `<canvas>` each one draws on, and reads the config (via `jsliteral`) into a `ChartSpec`
that the PPTX writer turns into a native chart. When the data is computed at run time, or the
chart type has no PowerPoint counterpart, the canvas gets a `ChartFailure` with the reason: the
writer shows that reason in place of the chart instead of guessing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from slidegen.export.jsliteral import JSExpression, JSLiteralError, Script

# Chart.js type -> the kind the PPTX writer knows. polarArea reads best as a pie.
_KINDS = {
    "bar": "bar",
    "horizontalBar": "bar",
    "line": "line",
    "pie": "pie",
    "doughnut": "doughnut",
    "polarArea": "pie",
    "scatter": "scatter",
    "radar": "radar",
    "bubble": "bubble",
}
_ELEMENT_ID = re.compile(
    r"""getElementById\(\s*(['"`])([^'"`]+)\1\s*\)|querySelector\(\s*(['"`])#([\w\-:.]+)\3\s*\)"""
)


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...] = ()
    # (x, y) points for scatter; (x, y, r) for bubble
    points: tuple[tuple[float, ...], ...] = ()
    color: str | None = None
    point_colors: tuple[str | None, ...] = ()
    # the area under a filled line (Chart.js `fill` with its backgroundColor)
    fill_color: str | None = None


@dataclass(frozen=True)
class ChartSpec:
    kind: str  # bar, line, area, pie, doughnut, scatter, radar, bubble
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    horizontal: bool = False
    stacked: bool = False
    title: str | None = None
    show_legend: bool = True


@dataclass(frozen=True)
class ChartFailure:
    reason: str


@dataclass
class SlideCharts:
    """Charts of one slide by canvas id, and problems not tied to a canvas."""

    by_canvas: dict[str, ChartSpec | ChartFailure] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def for_canvas(self, canvas_id: str | None) -> ChartSpec | ChartFailure:
        if canvas_id and canvas_id in self.by_canvas:
            return self.by_canvas[canvas_id]
        reason = self.errors[0] if self.errors else "no Chart.js call draws on this canvas"
        return ChartFailure(reason)


def extract_charts(scripts: Sequence[str], canvas_ids: Sequence[str]) -> SlideCharts:
    """Read every `new Chart(...)` in `scripts`, keyed by the id of the canvas it draws on.

    A call whose canvas cannot be identified takes the first canvas (in document order) that no
    other call claimed. A script that cannot be tokenised is recorded in `errors`.
    """
    result = SlideCharts()
    unplaced: list[ChartSpec | ChartFailure] = []
    for source in scripts:
        try:
            script = Script(source)
            calls = list(script.calls("Chart", new=True))
        except JSLiteralError as exc:
            result.errors.append(f"the chart script could not be read ({exc})")
            continue
        for args in calls:
            if len(args) < 2:
                unplaced.append(ChartFailure("the Chart call has no configuration"))
                continue
            canvas_id = _canvas_id(script, args[0])
            try:
                spec: ChartSpec | ChartFailure = chart_from_config(script.value(*args[1]))
            except JSLiteralError as exc:
                spec = ChartFailure(f"the chart configuration could not be read ({exc})")
            if canvas_id and canvas_id not in result.by_canvas:
                result.by_canvas[canvas_id] = spec
            else:
                unplaced.append(spec)
    free = [cid for cid in canvas_ids if cid not in result.by_canvas]
    for cid, spec in zip(free, unplaced, strict=False):
        result.by_canvas[cid] = spec
    return result


def _canvas_id(script: Script, arg: tuple[int, int]) -> str | None:
    start, end = arg
    if end - start == 1:
        tok = script.tokens[start]
        if tok.kind == "str":  # Chart.js accepts a canvas id string
            return str(tok.value)
        if tok.kind == "ident":
            span = script.binding(tok.value)
            if span is None:
                return None
            start, end = span
    match = _ELEMENT_ID.search(script.text(start, end))
    if not match:
        return None
    return match.group(2) or match.group(4)


def chart_from_config(config: Any) -> ChartSpec | ChartFailure:
    """A ChartSpec from a parsed Chart.js config, or a ChartFailure saying why not."""
    if isinstance(config, JSExpression):
        return ChartFailure(f"the configuration is computed in JavaScript ({_short(config)})")
    if not isinstance(config, dict):
        return ChartFailure("the configuration is not an object")
    data = config.get("data")
    if not isinstance(data, dict):
        return ChartFailure(_computed_or_missing("data", data))
    datasets = data.get("datasets")
    if not isinstance(datasets, list) or not datasets:
        return ChartFailure(_computed_or_missing("data.datasets", datasets))
    chart_type = config.get("type")
    if not isinstance(chart_type, str) and isinstance(datasets[0], dict):
        chart_type = datasets[0].get("type")
    if not isinstance(chart_type, str):
        return ChartFailure(_computed_or_missing("type", chart_type))
    kind = _KINDS.get(chart_type)
    if kind is None:
        return ChartFailure(f"the chart type {chart_type!r} has no PowerPoint equivalent")
    options = config.get("options") if isinstance(config.get("options"), dict) else {}
    try:
        if kind in ("scatter", "bubble"):
            series = tuple(_xy_series(i, ds, kind) for i, ds in enumerate(datasets))
            categories: tuple[str, ...] = ()
        else:
            categories, series = _category_series(data.get("labels"), datasets, kind)
    except _DataError as exc:
        return ChartFailure(str(exc))
    if kind == "line" and all(
        isinstance(ds, dict) and ds.get("fill") not in (None, False) for ds in datasets
    ):
        kind = "area"
    return ChartSpec(
        kind=kind,
        categories=categories,
        series=series,
        horizontal=chart_type == "horizontalBar" or options.get("indexAxis") == "y",
        stacked=_stacked(options),
        title=_title(options),
        show_legend=_legend_shown(options),
    )


class _DataError(ValueError):
    pass


def _short(expr: JSExpression) -> str:
    text = " ".join(expr.source.split())
    return text if len(text) <= 60 else text[:57] + "..."


def _computed_or_missing(name: str, value: Any) -> str:
    if isinstance(value, JSExpression):
        return f"{name} is computed in JavaScript ({_short(value)})"
    if isinstance(value, list | dict) and not value:
        return f"{name} is empty"
    return f"{name} is missing"


def _number(value: Any, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise _DataError(f"{where} holds a boolean, not a number")
    if isinstance(value, int | float):
        return None if math.isnan(value) or math.isinf(value) else float(value)
    if isinstance(value, str):
        try:
            return float(value.replace(",", "").strip())
        except ValueError:
            raise _DataError(f"{where} holds the text {value!r}, not a number") from None
    if isinstance(value, JSExpression):
        raise _DataError(f"{where} is computed in JavaScript ({_short(value)})")
    raise _DataError(f"{where} holds a {type(value).__name__}, not a number")


def _label(value: Any) -> str:
    if isinstance(value, list):  # Chart.js multi-line labels
        return " ".join(_label(v) for v in value)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _color(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _dataset(ds: Any, index: int) -> dict[str, Any]:
    if isinstance(ds, JSExpression):
        raise _DataError(f"dataset {index + 1} is computed in JavaScript ({_short(ds)})")
    if not isinstance(ds, dict):
        raise _DataError(f"dataset {index + 1} is not an object")
    if isinstance(ds.get("data"), JSExpression):
        raise _DataError(
            f"dataset {index + 1} data is computed in JavaScript ({_short(ds['data'])})"
        )
    if not isinstance(ds.get("data"), list):
        raise _DataError(f"dataset {index + 1} has no data array")
    return ds


def _series_name(ds: dict[str, Any], index: int) -> str:
    label = ds.get("label")
    return _label(label) if isinstance(label, str | int | float) else f"Series {index + 1}"


def _category_series(
    labels: Any, datasets: list[Any], kind: str
) -> tuple[tuple[str, ...], tuple[Series, ...]]:
    if isinstance(labels, JSExpression):
        raise _DataError(f"data.labels is computed in JavaScript ({_short(labels)})")
    if labels is not None and not isinstance(labels, list):
        raise _DataError("data.labels is not an array")
    categories = [_label(v) for v in labels] if labels else []
    series: list[Series] = []
    for index, raw in enumerate(datasets):
        ds = _dataset(raw, index)
        where = f"dataset {index + 1}"
        values: list[float | None] = []
        for k, point in enumerate(ds["data"]):
            if isinstance(point, dict):  # {x: 'Jan', y: 3} objects instead of a labels array
                if not labels and len(categories) <= k:
                    categories.append(_label(point.get("x")))
                values.append(_number(point.get("y"), where))
            else:
                values.append(_number(point, where))
        series.append(
            Series(name=_series_name(ds, index), values=tuple(values), **_series_colors(ds, kind))
        )
    longest = max((len(s.values) for s in series), default=0)
    if not categories:
        categories = [str(k + 1) for k in range(longest)]
    if len(categories) < longest:
        categories += [""] * (longest - len(categories))
    # PowerPoint needs every series as long as the category axis
    series = [
        Series(
            s.name,
            s.values + (None,) * (len(categories) - len(s.values)),
            color=s.color,
            point_colors=s.point_colors,
            fill_color=s.fill_color,
        )
        for s in series
    ]
    return tuple(categories), tuple(series)


def _series_colors(ds: dict[str, Any], kind: str) -> dict[str, Any]:
    background, border = ds.get("backgroundColor"), ds.get("borderColor")
    if kind in ("pie", "doughnut") or (kind == "bar" and isinstance(background, list)):
        colors = background if isinstance(background, list) else []
        return {"color": None, "point_colors": tuple(_color(c) for c in colors)}
    primary = (
        (_color(border) or _color(background))
        if kind in ("line", "radar")
        else (_color(background) or _color(border))
    )
    fill = _color(background) if kind in ("line", "radar") else None
    return {"color": primary, "point_colors": (), "fill_color": fill}


def _xy_series(index: int, raw: Any, kind: str) -> Series:
    ds = _dataset(raw, index)
    where = f"dataset {index + 1}"
    points: list[tuple[float, ...]] = []
    for point in ds["data"]:
        if isinstance(point, dict):
            coords = [point.get("x"), point.get("y")] + (
                [point.get("r")] if kind == "bubble" else []
            )
        elif isinstance(point, list):
            coords = list(point)
        else:
            raise _DataError(f"{where} holds {point!r} where an {{x, y}} point belongs")
        numbers = [_number(c, where) for c in coords]
        if any(n is None for n in numbers):
            continue  # a gap in a scatter is just a missing point
        points.append(tuple(n for n in numbers if n is not None))
    return Series(
        name=_series_name(ds, index),
        points=tuple(points),
        color=_color(ds.get("backgroundColor")) or _color(ds.get("borderColor")),
    )


def _stacked(options: dict[str, Any]) -> bool:
    scales = options.get("scales")
    if not isinstance(scales, dict):
        return False
    for axis in scales.values():
        if isinstance(axis, dict) and axis.get("stacked") is True:
            return True
        # Chart.js 2: scales.xAxes[0].stacked
        if isinstance(axis, list) and any(
            isinstance(a, dict) and a.get("stacked") is True for a in axis
        ):
            return True
    return False


def _title(options: dict[str, Any]) -> str | None:
    plugins = options.get("plugins") if isinstance(options.get("plugins"), dict) else {}
    title = plugins.get("title", options.get("title"))
    if not isinstance(title, dict) or title.get("display") is False:
        return None
    text = title.get("text")
    if isinstance(text, list):
        text = " ".join(str(t) for t in text if isinstance(t, str))
    return text if isinstance(text, str) and text.strip() else None


def _legend_shown(options: dict[str, Any]) -> bool:
    """Chart.js shows a legend unless told not to; PowerPoint follows the slide."""
    plugins = options.get("plugins") if isinstance(options.get("plugins"), dict) else {}
    legend = plugins.get("legend", options.get("legend"))
    return not (isinstance(legend, dict) and legend.get("display") is False)
