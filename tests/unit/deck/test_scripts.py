"""Script code goes to the slides it draws on: global chart scripts split, helpers follow their
callers, deck-level code runs for every slide, orphans and navigation are dropped with a reason,
calls into libraries that are not loaded are removed and what they ran afterwards is kept."""

from __future__ import annotations

from slidegen.deck import parse_deck_html
from slidegen.deck.scripts import ScriptBlock, assign_scripts

SLIDES = (
    '<div class="slide"><h1>Revenue</h1><canvas id="rev"></canvas></div>'
    '<div class="slide"><h1>Costs</h1><canvas id="cost"></canvas></div>'
    '<div class="slide"><h1>Team</h1><p>No chart</p></div>'
)

GLOBAL_SCRIPT = """<script>
const palette = ['#111', '#222'];
const revCanvas = document.getElementById('rev');
new Chart(revCanvas, {type: 'bar', data: {datasets: [{data: [1], backgroundColor: palette}]}});
// the cost chart
new Chart(document.getElementById('cost').getContext('2d'), {type: 'line'});
</script>"""


def _scripts(text: str) -> list[str]:
    return ["\n".join(s.scripts) for s in parse_deck_html(text).slides]


def test_one_script_after_the_last_slide_is_split_per_slide_with_its_declarations() -> None:
    rev, cost, team = _scripts(SLIDES + GLOBAL_SCRIPT)
    assert "palette" in rev and "revCanvas" in rev and "'cost'" not in rev
    assert "'cost'" in cost and "// the cost chart" in cost
    assert "revCanvas" not in cost and "palette" not in cost  # nothing it does not need
    assert team == ""


def test_iife_and_dom_content_loaded_handlers_are_split_keeping_their_wrapper() -> None:
    code = """<script>
(function () {
  const shared = 3;
  new Chart(document.getElementById('rev'), {data: shared});
  new Chart(document.getElementById('cost'), {data: shared});
})();
document.addEventListener('DOMContentLoaded', () => {
  document.querySelector('#rev').dataset.ready = '1';
  document.querySelector('#cost').dataset.ready = '1';
});
window.onload = function () { document.getElementById('cost').title = 'c'; };
</script>"""
    rev, cost, _ = _scripts(SLIDES + code)
    assert rev.startswith("(function () {") and "'rev'" in rev and "'cost'" not in rev
    assert "const shared = 3;" in rev and "const shared = 3;" in cost
    assert "document.addEventListener('DOMContentLoaded'" in cost and "'#rev'" not in cost
    # Every slide's copy must run in a deck document, so onload is not assigned but listened to.
    assert 'window.addEventListener("load", function () {' in cost
    assert "window.onload" not in cost


def test_a_helper_declared_in_another_script_travels_with_each_caller() -> None:
    text = (
        "<script>function bar(id, n) { return new Chart(document.getElementById(id), "
        "{data: n}); }</script>"
        + SLIDES
        + "<script>bar('rev', 1);</script><script>bar('cost', 2);</script>"
    )
    rev, cost, team = _scripts(text)
    assert "function bar" in rev and "bar('rev', 1);" in rev and "bar('cost'" not in rev
    assert "function bar" in cost and "bar('cost', 2);" in cost
    assert "function bar" not in team
    # Joined into one script: the helper must be in the caller's function scope.
    assert len(parse_deck_html(text).slides[1].scripts) == 1


def test_code_touching_no_slide_is_deck_level_and_inside_a_slide_stays_there() -> None:
    text = (
        "<script>Chart.defaults.color = '#333';</script>"
        '<div class="slide"><h1>A</h1><script>var mine = 1;</script></div>'
        '<div class="slide"><h1>B</h1></div>'
    )
    first, second = parse_deck_html(text).slides
    assert first.scripts == ("Chart.defaults.color = '#333';", "var mine = 1;")
    assert second.scripts == ("Chart.defaults.color = '#333';",)


def test_orphan_chart_and_navigation_are_dropped_with_reasons() -> None:
    code = """<script>
const gone = document.getElementById('territoryChart');
if (gone) { new Chart(gone, {}); }
new Chart(document.getElementById('rev'), {});
const slides = document.querySelectorAll('.slide');
function show(n) { slides.forEach((s, i) => s.classList.toggle('active', i === n)); }
document.addEventListener('keydown', () => show(1));
document.getElementById('prevBtn').onclick = () => show(0);
</script>"""
    result = assign_scripts(
        [ScriptBlock(code=code.removeprefix("<script>").removesuffix("</script>"), after=2)],
        _elements(SLIDES),
    )
    rev, cost, team = ("\n".join(s) for s in result.scripts)
    assert "'rev'" in rev and "territoryChart" not in rev + cost + team
    assert "slides" not in rev + cost + team and "keydown" not in rev + cost + team
    causes = {d.cause for d in result.dropped}
    assert causes == {"missing", "navigation", "dependent"}
    reasons = " | ".join(d.reason for d in result.dropped)
    assert "#territoryChart, which is on no slide" in reasons
    assert "selects the slides themselves" in reasons
    assert "#prevBtn" in reasons


def test_reveal_initialize_is_removed_and_its_continuation_kept() -> None:
    code = """<script>
function draw() { new Chart(document.getElementById('rev'), {}); }
Reveal.initialize({hash: true}).then(() => { draw(); });
hljs.highlightAll();
</script>"""
    parsed = parse_deck_html(SLIDES + code)
    rev = "\n".join(parsed.slides[0].scripts)
    assert "Reveal" not in rev and "hljs" not in rev
    assert "function draw()" in rev and "draw();" in rev
    result = assign_scripts([ScriptBlock(code=code[8:-9], after=2)], _elements(SLIDES))
    libraries = [d.reason for d in result.dropped if d.cause == "library"]
    assert any("reveal.js" in r and "kept" in r for r in libraries)
    assert any("highlight.js" in r for r in libraries)


def test_a_deck_defining_a_library_name_itself_keeps_calling_it() -> None:
    code = (
        "<script>function $(id) { return document.getElementById(id); }"
        " new Chart($('rev'));</script>"
    )
    rev = _scripts(SLIDES + code)[0]
    assert "new Chart($('rev'));" in rev


def test_a_script_that_does_not_parse_stays_whole_where_it_was() -> None:
    code = "<script>new Chart(document.getElementById('rev'), {</script>"
    rev, cost, team = _scripts(SLIDES + code)
    assert team == "new Chart(document.getElementById('rev'), {" and rev == cost == ""


def test_duplicate_ids_resolve_to_the_scripts_own_slide() -> None:
    chart = (
        '<div class="slide"><canvas id="chart"></canvas><script>'
        'new Chart(document.getElementById("chart"), {data: {n}});</script></div>'
    )
    text = chart.replace("{n}", "1") + chart.replace("{n}", "2")
    one, two = _scripts(text)
    assert "data: 1" in one and "data: 2" not in one and "data: 2" in two


def _elements(text: str) -> list:
    import lxml.html

    root = lxml.html.fragment_fromstring(text, create_parent="div")
    return root.find_class("slide")


def test_slides_declaring_the_same_name_keep_their_own_and_a_middle_script_stays_put() -> None:
    chart = (
        '<div class="slide"><canvas id="c{n}"></canvas></div>'
        "<script>const ctx = document.getElementById('c{n}'); new Chart(ctx, {{n: {n}}});</script>"
    )
    text = chart.format(n=1) + '<div class="slide"><h1>B</h1></div><script>log(2);</script>'
    text += chart.format(n=3)
    one, two, three = _scripts(text)
    assert "'c1'" in one and "'c3'" not in one and "log(2)" not in one
    assert two == "log(2);"
    assert "'c3'" in three and "'c1'" not in three


def test_a_script_inside_a_slide_may_select_its_own_slide_and_elements_it_makes() -> None:
    text = (
        '<div class="slide"><h1>A</h1><script>'
        "document.querySelector('.slide').style.background = 'red';"
        "document.getElementById('made-later').remove();"
        "</script></div>" + SLIDES
    )
    own = parse_deck_html(text).slides[0]
    assert "style.background" in own.scripts[0] and "made-later" in own.scripts[0]
    assert parse_deck_html(text).report.removed == ()
