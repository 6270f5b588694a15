"""Parsing model output into slides: containers, styles, scripts, noise, ids, limits."""

from __future__ import annotations

import pytest

from slidegen.deck import (
    MAX_SLIDE_BYTES,
    MAX_SLIDES_PER_DECK,
    DeckParseError,
    Slide,
    parse_deck_html,
    parse_single_slide,
    slide_source,
)
from slidegen.deck.model import is_slide_id
from slidegen.deck.scripts import DECK_LEVEL_MARKER

CHATTY = """Here is your deck:
```html
<!DOCTYPE html>
<html><head><title>Quarterly  Review</title>
<style>.slide { background: #fff; } h1 { color: navy; }</style>
<script>Chart.defaults.color = '#333';</script>
</head><body>
<div class="slide"><h1>Revenue</h1><canvas id="c1"></canvas></div>
<script>new Chart(document.getElementById('c1'), {type: 'bar'});</script>
<div class="slide"><h2>Costs</h2><script>var inside = 1;</script><p>flat</p></div>
<script>var after = 2;</script>
</body></html>
```
Let me know if you want changes!"""


def test_document_with_chatter_fences_styles_and_scripts() -> None:
    parsed = parse_deck_html(CHATTY)
    assert parsed.title == "Quarterly Review"
    assert ".slide { background: #fff; }" in parsed.styles
    assert [s.title for s in parsed.slides] == ["Revenue", "Costs"]
    first, second = parsed.slides
    # The head script touches no slide: it is the deck's, so every slide's document runs it
    # (marked, so that the deck document runs it once).
    deck_level = f"{DECK_LEVEL_MARKER}\nChart.defaults.color = '#333';"
    assert first.scripts == (
        deck_level,
        "new Chart(document.getElementById('c1'), {type: 'bar'});",
    )
    assert second.scripts == (deck_level, "var inside = 1;", "var after = 2;")
    for slide in parsed.slides:
        assert "<script" not in slide.html and "<style" not in slide.html
        assert slide.html.startswith('<div class="slide">')
        assert "Let me know" not in slide.html and "```" not in slide.html
        assert is_slide_id(slide.id)


def test_bare_fragments_without_html_element() -> None:
    parsed = parse_deck_html('<div class="slide"><h1>A</h1></div><div class="slide">B</div>')
    assert parsed.title is None
    assert parsed.styles == ""
    assert [s.title for s in parsed.slides] == ["A", ""]


def test_sections_when_no_slide_class_and_class_added() -> None:
    parsed = parse_deck_html("<section><h1>One</h1></section><section><h3>Two</h3></section>")
    assert [s.title for s in parsed.slides] == ["One", "Two"]
    assert all(s.html.startswith('<section class="slide">') for s in parsed.slides)


def test_slide_class_wins_over_sections_inside_it() -> None:
    parsed = parse_deck_html('<div class="slide"><section><h1>x</h1></section></div>')
    assert len(parsed.slides) == 1
    assert "<section>" in parsed.slides[0].html


def test_unclosed_slides_are_split_not_nested() -> None:
    parsed = parse_deck_html(
        '<div class="slide"><h1>A</h1><p>open paragraph'
        '<div class="slide"><h1>B</h1><ul><li>one<li>two'
        '<div class="slide"><h1>C</h1>'
    )
    assert [s.title for s in parsed.slides] == ["A", "B", "C"]
    assert "<h1>B</h1>" not in parsed.slides[0].html
    assert parsed.slides[1].html.count("<li>") == 2


def test_pure_wrapper_sections_are_dropped() -> None:
    parsed = parse_deck_html(
        "<section><section><h1>V1</h1></section><section><h1>V2</h1></section></section>"
    )
    assert [s.title for s in parsed.slides] == ["V1", "V2"]


def test_slide_with_only_a_canvas_is_not_empty() -> None:
    parsed = parse_deck_html('<div class="slide"><div class="slide"><canvas></canvas></div></div>')
    assert len(parsed.slides) == 1


def test_duplicate_element_ids_and_slide_ids_are_made_unique() -> None:
    parsed = parse_deck_html(
        '<div class="slide" id="s" data-slide-id="s_0123456789"><h1>A</h1></div>'
        '<div class="slide" id="s" data-slide-id="s_0123456789"><h1>B</h1></div>'
        '<div class="slide" data-slide-id="bogus"><h1>C</h1></div>'
    )
    ids = [s.id for s in parsed.slides]
    assert ids[0] == "s_0123456789"  # the agent's id round trip
    assert len(set(ids)) == 3 and all(is_slide_id(i) for i in ids)
    assert all("data-slide-id" not in s.html for s in parsed.slides)


@pytest.mark.parametrize(
    "text",
    ["", "   ", "Sorry, I cannot do that.", "<p>no slides</p><div class='other'>x</div>"],
)
def test_no_slide_is_an_error_naming_the_problem(text: str) -> None:
    with pytest.raises(DeckParseError, match="no slide"):
        parse_deck_html(text)


def test_non_text_input_is_an_error() -> None:
    with pytest.raises(DeckParseError, match="expected HTML text"):
        parse_deck_html(b"<div class='slide'></div>")  # type: ignore[arg-type]


def test_too_many_slides() -> None:
    text = '<div class="slide">x</div>' * (MAX_SLIDES_PER_DECK + 1)
    with pytest.raises(DeckParseError, match=f"at most {MAX_SLIDES_PER_DECK}"):
        parse_deck_html(text)
    assert len(parse_deck_html('<div class="slide">x</div>' * MAX_SLIDES_PER_DECK).slides) == 500


def test_oversized_slide_names_the_slide() -> None:
    big = "x" * (MAX_SLIDE_BYTES + 10)
    with pytest.raises(DeckParseError, match=r"slide 2 is .* the limit is 200 KB"):
        parse_deck_html(f'<div class="slide">a</div><div class="slide">{big}</div>')


def test_external_and_non_js_scripts_are_dropped() -> None:
    parsed = parse_deck_html(
        '<script src="https://cdn.jsdelivr.net/npm/chart.js"></script>'
        '<div class="slide"><script type="application/json">{"a":1}</script>'
        '<script type="module">import x from "http://e/x.js"</script><script>  </script>'
        "<script>ok()</script></div>"
    )
    assert parsed.slides[0].scripts == ("ok()",)


def test_single_slide_round_trip_keeps_id_and_scripts() -> None:
    slide = Slide(
        id="s_abcdefabcd",
        html='<div class="slide"><h2>T</h2><canvas id="c"></canvas></div>',
        scripts=("new Chart(document.getElementById('c'), {});",),
    )
    again = parse_single_slide(slide_source(slide), keep_id=slide.id)
    assert again == slide
    # Without keep_id the data-slide-id in the source is honoured.
    assert parse_single_slide(slide_source(slide)).id == slide.id
    assert "data-slide-id" not in slide_source(slide, with_id=False)


def test_single_slide_requires_exactly_one() -> None:
    with pytest.raises(DeckParseError, match="no slide container"):
        parse_single_slide("<h1>just a heading</h1>")
    with pytest.raises(DeckParseError, match="found 2 slides"):
        parse_single_slide('<div class="slide">a</div><div class="slide">b</div>')


def test_single_slide_moves_outside_styles_inside() -> None:
    slide = parse_single_slide('<style>h1{color:red}</style><div class="slide"><h1>x</h1></div>')
    assert slide.html.startswith('<div class="slide"><style>h1{color:red}</style>')


def test_title_uses_first_h1_to_h3_and_collapses_whitespace() -> None:
    slide = parse_single_slide('<div class="slide"><h4>no</h4><h3>  Big \n <i>Idea</i></h3></div>')
    assert slide.title == "Big Idea"


def test_reveal_style_notes_become_speaker_notes() -> None:
    parsed = parse_deck_html(
        '<section><h1>A</h1><aside class="notes">Say  hello\n first</aside></section>'
        "<section><h1>B</h1><aside>not notes</aside></section>"
    )
    first, second = parsed.slides
    assert first.notes == "Say hello first" and "aside" not in first.html
    assert second.notes == "" and "<aside>not notes</aside>" in second.html
