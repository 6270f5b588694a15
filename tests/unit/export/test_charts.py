"""Chart.js configs in slide scripts read into chart specifications."""

from __future__ import annotations

from slidegen.export.charts import ChartFailure, ChartSpec, chart_from_config, extract_charts
from slidegen.export.jsliteral import parse_js_literal


def _spec(config: str) -> ChartSpec:
    spec = chart_from_config(parse_js_literal(config))
    assert isinstance(spec, ChartSpec), spec
    return spec


def test_bar_chart_with_colours_title_and_hidden_legend() -> None:
    spec = _spec(
        """{type: 'bar', data: {labels: ['Q1', 'Q2', 'Q3'], datasets: [
             {label: 'Revenue', data: [10, 12.5, '14'], backgroundColor: '#1a73e8'},
             {label: 'Cost', data: [7, 8], borderColor: 'red'}]},
           options: {plugins: {title: {display: true, text: 'By quarter'},
                                legend: {display: false}},
                     scales: {y: {ticks: {callback: (v) => v + '$'}}}}}"""
    )
    assert spec.kind == "bar"
    assert spec.categories == ("Q1", "Q2", "Q3")
    assert [s.name for s in spec.series] == ["Revenue", "Cost"]
    assert spec.series[0].values == (10.0, 12.5, 14.0)
    assert spec.series[1].values == (7.0, 8.0, None)  # padded to the category axis
    assert spec.series[0].color == "#1a73e8"
    assert spec.series[1].color == "red"
    assert spec.title == "By quarter"
    assert spec.show_legend is False
    assert not spec.horizontal and not spec.stacked


def test_horizontal_stacked_bar_v3_and_v2_forms() -> None:
    v3 = _spec(
        "{type:'bar', data:{labels:['a'], datasets:[{data:[1]}]},"
        " options:{indexAxis:'y', scales:{x:{stacked:true}}}}"
    )
    assert v3.horizontal and v3.stacked
    v2 = _spec(
        "{type:'horizontalBar', data:{labels:['a'], datasets:[{data:[1]}]},"
        " options:{scales:{xAxes:[{stacked:true}]}, title:{display:true, text:['Two', 'lines']}}}"
    )
    assert v2.horizontal and v2.stacked and v2.title == "Two lines"


def test_line_fill_becomes_area_and_points_as_objects() -> None:
    spec = _spec(
        "{type:'line', data:{datasets:[{label:'s', fill:true,"
        " data:[{x:'Jan', y:1}, {x:'Feb', y:2}]}]}}"
    )
    assert spec.kind == "area"
    assert spec.categories == ("Jan", "Feb")
    assert spec.series[0].values == (1.0, 2.0)


def test_pie_keeps_per_slice_colours_and_unlabelled_series_get_names() -> None:
    spec = _spec(
        "{type:'doughnut', data:{labels:['a','b'],"
        " datasets:[{data:[3,4], backgroundColor:['red','#00f']}]}}"
    )
    assert spec.kind == "doughnut"
    assert spec.series[0].point_colors == ("red", "#00f")
    assert spec.series[0].name == "Series 1"


def test_scatter_and_bubble_points() -> None:
    scatter = _spec(
        "{type:'scatter', data:{datasets:[{label:'p', data:[{x:1,y:2},{x:3,y:null},[4,5]]}]}}"
    )
    assert scatter.kind == "scatter"
    assert scatter.series[0].points == ((1.0, 2.0), (4.0, 5.0))
    bubble = _spec("{type:'bubble', data:{datasets:[{data:[{x:1,y:2,r:5}]}]}}")
    assert bubble.series[0].points == ((1.0, 2.0, 5.0),)


def test_computed_data_and_unknown_types_fail_with_a_reason() -> None:
    cases = {
        "{type:'bar', data:{labels:['a'], datasets:[{data: rows.map(r => r.v)}]}}": "computed",
        "{type:'bar', data:{labels: keys(), datasets:[{data:[1]}]}}": "labels is computed",
        "{type:'bar', data: buildData()}": "data is computed",
        "{type:'bar', data:{labels:['a'], datasets:[]}}": "datasets is empty",
        "{type:'bar', data:{labels:['a'], datasets:[{data:['n/a']}]}}": "not a number",
        "{type:'sankey', data:{datasets:[{data:[1]}]}}": "no PowerPoint equivalent",
        "{data:{datasets:[{data:[1]}]}}": "type is missing",
    }
    for config, reason in cases.items():
        result = chart_from_config(parse_js_literal(config))
        assert isinstance(result, ChartFailure), config
        assert reason in result.reason, (config, result.reason)


def test_extract_charts_matches_canvases_by_id_variable_and_order() -> None:
    scripts = (
        """const ctx = document.getElementById('sales').getContext('2d');
        new Chart(ctx, {type: 'line', data: {labels: ['a'], datasets: [{data: [1]}]}});
        new Chart(document.querySelector('#mix'), {type: 'pie',
            data: {labels: ['x'], datasets: [{data: [2]}]}});""",
        # no identifiable canvas: takes the first one left
        "new Chart(getCanvas(), {type: 'bar', data: {labels: ['b'], datasets: [{data: [3]}]}});",
    )
    charts = extract_charts(scripts, ["mix", "other", "sales"])
    kinds = {cid: spec.kind for cid, spec in charts.by_canvas.items()}  # type: ignore[union-attr]
    assert kinds == {"sales": "line", "mix": "pie", "other": "bar"}


def test_unreadable_script_is_reported_not_raised() -> None:
    charts = extract_charts(["new Chart(c, {type: 'bar', data: {labels: ['unterminated}"], ["c"])
    failure = charts.for_canvas("c")
    assert isinstance(failure, ChartFailure)
    assert "could not be read" in failure.reason
    assert isinstance(extract_charts([], ["x"]).for_canvas("x"), ChartFailure)
