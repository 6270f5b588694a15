"""The tolerant JavaScript literal reader: what LLM-written Chart.js configs look like."""

from __future__ import annotations

import math

import pytest

from slidegen.export.jsliteral import (
    JSExpression,
    JSLiteralError,
    Script,
    contains_expression,
    parse_js_literal,
)


def test_unquoted_keys_single_quotes_trailing_commas_and_comments() -> None:
    text = """{
        type: 'bar', // the kind
        /* block comment */ "data": {labels: ['Q1', "Q2", `Q3`,],
                                     datasets: [{data: [1, 2, 3,],},],},
    }"""
    assert parse_js_literal(text) == {
        "type": "bar",
        "data": {"labels": ["Q1", "Q2", "Q3"], "datasets": [{"data": [1, 2, 3]}]},
    }


def test_numbers_keywords_and_escapes() -> None:
    value = parse_js_literal(
        r"[-1, +2, .5, 1e3, 0x1F, 1_000, null, undefined, true, false, -Infinity, 'it\'s',"
        r" 'tab\there', '\u00e9\x41']"
    )
    assert value[:10] == [-1, 2, 0.5, 1000.0, 31, 1000, None, None, True, False]
    assert value[10] == -math.inf
    assert value[11:] == ["it's", "tab\there", "éA"]


def test_elisions_and_numeric_keys() -> None:
    assert parse_js_literal("[1,,3]") == [1, None, 3]
    assert parse_js_literal("{1: 'a', 2.5: 'b'}") == {"1": "a", "2.5": "b"}


def test_code_inside_a_literal_becomes_an_expression() -> None:
    value = parse_js_literal(
        """{
          label: (ctx) => ctx.raw + '%',
          cb: function (v) { return v / 1000; },
          onClick(e) { console.log(e); },
          data: rows.map(r => r.value),
          sum: 1 + 2,
          tpl: `${x} items`,
        }"""
    )
    assert value["label"] == JSExpression("(ctx) => ctx.raw + '%'")
    assert value["cb"] == JSExpression("function (v) { return v / 1000; }")
    assert isinstance(value["onClick"], JSExpression)
    assert value["data"] == JSExpression("rows.map(r => r.value)")
    assert value["sum"] == JSExpression("1 + 2")
    assert isinstance(value["tpl"], JSExpression)
    assert contains_expression(value)
    assert not contains_expression({"a": [1, {"b": "c"}]})


def test_regex_literals_do_not_derail_the_tokenizer() -> None:
    script = Script("const re = /it's [a-z\\/]+/g; const x = {a: 'ok'};")
    span = script.binding("x")
    assert span is not None
    assert script.value(*span) == {"a": "ok"}


@pytest.mark.parametrize(
    "text", ["{a: 'unterminated}", "{a: 1", "[1, 2", "", "{a: 1}]", "{a: `open", "{a b}"]
)
def test_malformed_input_is_a_clear_error(text: str) -> None:
    with pytest.raises(JSLiteralError):
        parse_js_literal(text)


def test_a_literal_followed_by_more_code_is_an_expression() -> None:
    assert parse_js_literal("{a: 1}.a") == JSExpression("{a: 1}.a")


def test_bindings_resolve_literals_and_shorthand() -> None:
    script = Script(
        """const labels = ['a', 'b'], values = [1, 2];
        let options = {responsive: true};
        const config = {type: 'line', data: {labels, datasets: [{data: values}]}, options};
        new Chart(document.getElementById('c'), config);"""
    )
    (args,) = list(script.calls("Chart", new=True))
    assert script.value(*args[1]) == {
        "type": "line",
        "data": {"labels": ["a", "b"], "datasets": [{"data": [1, 2]}]},
        "options": {"responsive": True},
    }


@pytest.mark.parametrize(
    "mutation",
    ["values.push(3);", "values = [9];", "values[0] = 7;", "values += 1;", "values.sort();"],
)
def test_mutated_bindings_count_as_computed(mutation: str) -> None:
    script = Script(f"const values = [1, 2]; {mutation} const cfg = {{data: values}};")
    span = script.binding("cfg")
    assert span is not None
    assert script.value(*span) == {"data": JSExpression("values")}


def test_comparison_is_not_a_mutation() -> None:
    script = Script("const values = [1]; if (values == null) {} const cfg = {data: values};")
    span = script.binding("cfg")
    assert span is not None
    assert script.value(*span) == {"data": [1]}


def test_self_reference_does_not_loop() -> None:
    script = Script("var a = b; var b = a; const cfg = {x: a};")
    span = script.binding("cfg")
    assert span is not None
    assert script.value(*span) == {"x": JSExpression("a")}


def test_calls_finds_every_new_chart_and_ignores_other_callees() -> None:
    script = Script(
        """new Chart(a, {type: 'pie'});
        foo.Chart(b, {});
        Chart(c, {});
        new Chart(d, {type: "bar", data: f(1, (2), [3])});"""
    )
    calls = list(script.calls("Chart", new=True))
    assert [[script.text(*arg) for arg in args] for args in calls] == [
        ["a", "{type: 'pie'}"],
        ["d", '{type: "bar", data: f(1, (2), [3])}'],
    ]
