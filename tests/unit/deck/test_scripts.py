"""Script code goes to the slides it draws on: global chart scripts split, helpers follow their
callers, deck-level code runs for every slide, orphans and navigation are dropped with a reason,
calls into libraries that are not loaded are removed and what they ran afterwards is kept."""

from __future__ import annotations

from slidegen.deck import parse_deck_html, parse_single_slide, slide_source
from slidegen.deck.scripts import DECK_LEVEL_MARKER, ScriptBlock, assign_scripts

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
    deck_level = f"{DECK_LEVEL_MARKER}\nChart.defaults.color = '#333';"
    assert first.scripts == (deck_level, "var mine = 1;")
    assert second.scripts == (deck_level,)


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


DECK_LEVEL_AND_CHARTS = """<script>
const ink = '#c00';
Chart.defaults.color = ink;
document.body.classList.toggle('dark');
new Chart(document.getElementById('rev'), {type: 'bar', options: {color: ink}});
new Chart(document.getElementById('cost'), {type: 'line'});
</script>"""


def test_deck_level_code_is_a_marked_script_of_its_own_with_the_same_text_on_every_slide() -> None:
    slides = parse_deck_html(SLIDES + DECK_LEVEL_AND_CHARTS).slides
    deck_level = (
        f"{DECK_LEVEL_MARKER}\nconst ink = '#c00';\nChart.defaults.color = ink;\n"
        "document.body.classList.toggle('dark');"
    )
    for slide in slides:
        assert slide.scripts[0] == deck_level  # first: defaults are set before the charts
    rev, cost, team = (slide.scripts[1:] for slide in slides)
    # The slide's own code keeps the declaration it needs, and none of the deck's statements.
    assert rev == ("const ink = '#c00';\nnew Chart(document.getElementById('rev'), "
                   "{type: 'bar', options: {color: ink}});",)  # fmt: skip
    assert cost == ("new Chart(document.getElementById('cost'), {type: 'line'});",)
    assert team == ()


def test_deck_level_code_after_the_charts_keeps_its_place() -> None:
    code = "<script>new Chart(document.getElementById('rev'), {});\nwindow.done = true;</script>"
    rev, cost, _ = (s.scripts for s in parse_deck_html(SLIDES + code).slides)
    assert rev == (
        "new Chart(document.getElementById('rev'), {});",
        f"{DECK_LEVEL_MARKER}\nwindow.done = true;",
    )
    assert cost == (f"{DECK_LEVEL_MARKER}\nwindow.done = true;",)


def test_code_between_slides_or_inside_one_is_not_deck_level() -> None:
    text = (
        '<div class="slide"><h1>A</h1><script>window.a = 1;</script></div>'
        "<script>window.b = 2;</script>"
        '<div class="slide"><h1>B</h1></div>'
    )
    first, second = parse_deck_html(text).slides
    assert first.scripts == ("window.a = 1;", "window.b = 2;") and second.scripts == ()


def test_an_edit_of_the_slide_source_keeps_the_marked_script_as_it_was() -> None:
    slide = parse_deck_html(SLIDES + DECK_LEVEL_AND_CHARTS).slides[1]
    source = slide_source(slide)
    assert DECK_LEVEL_MARKER in source
    edited = parse_single_slide(source.replace("<h1>Costs</h1>", "<h1>Spend</h1>"), slide.id)
    assert edited.scripts == slide.scripts and "Spend" in edited.html
    # The whole deck handed back (the agent's "edit these slides"): each slide keeps its copy.
    deck = parse_deck_html(SLIDES + DECK_LEVEL_AND_CHARTS).slides
    again = parse_deck_html("\n".join(slide_source(s) for s in deck)).slides
    assert [s.scripts for s in again] == [s.scripts for s in deck]


def test_code_reaching_slides_by_computed_names_runs_on_every_slide_unmarked() -> None:
    code = (
        '<div class="slide"><canvas id="chart1"></canvas></div>'
        '<div class="slide"><canvas id="chart2"></canvas></div>'
        "<script>for (let i = 1; i <= 2; i++) {\n"
        "  const c = document.getElementById('chart' + i);\n"
        "  if (c) new Chart(c, {});\n}</script>"
    )
    scripts = [s.scripts for s in parse_deck_html(code).slides]
    # Each slide's copy finds its own canvas (the document is scoped to the slide): one copy
    # for the whole deck document would draw on the first slide only.
    assert len(set(scripts)) == 1 and len(scripts[0]) == 1
    assert not scripts[0][0].startswith(DECK_LEVEL_MARKER) and "for (let i" in scripts[0][0]


def test_a_load_handler_drawing_on_several_slides_gives_its_deck_statements_to_the_deck() -> None:
    code = """<script>
window.addEventListener('load', function () {
  'use strict';
  if (!window.Chart) return;
  Chart.register({id: 'watermark'});
  let drawn = 0;
  drawn++;
  new Chart(document.getElementById('rev'), {});
  new Chart(document.getElementById('cost'), {});
});
</script>"""
    rev, cost, team = (s.scripts for s in parse_deck_html(SLIDES + code).slides)
    deck_copy = rev[0]
    assert deck_copy.startswith(DECK_LEVEL_MARKER) and cost[0] == deck_copy == team[0]
    assert "Chart.register" in deck_copy and "drawn++" in deck_copy and "new Chart" not in deck_copy
    assert len(team) == 1  # the deck's copy: the theme or plugin applies on this slide too
    for own, canvas in [(rev[1], "rev"), (cost[1], "cost")]:
        # Control flow and directives stay in every copy; the deck's statements do not.
        assert "'use strict'" in own and "if (!window.Chart) return;" in own
        assert "Chart.register" not in own and "drawn++" not in own and f"'{canvas}'" in own
    assert "if (!window.Chart) return;" in deck_copy
