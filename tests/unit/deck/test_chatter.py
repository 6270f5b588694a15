"""Code fences: chatter when they wrap the answer; content in an element, script or attribute."""

from __future__ import annotations

from slidegen.deck import parse_deck_html
from slidegen.deck.chatter import strip_chatter

MARKDOWN_SLIDE = """Sure! Here is the deck:
```html
<div class="slide"><h1>Fences</h1>
<pre><code>```python
print("hi")
```</code></pre></div>
<div class="slide" title="uses ``` in an attribute"><h2>Two</h2></div>
```
Anything else?"""


def test_a_slide_showing_markdown_keeps_its_fences_and_the_chatter_goes() -> None:
    parsed = parse_deck_html(MARKDOWN_SLIDE)
    assert [s.title for s in parsed.slides] == ["Fences", "Two"]
    assert '```python\nprint("hi")\n```' in parsed.slides[0].html
    assert "```" in parsed.slides[1].html  # the attribute value is intact
    assert all("Anything else" not in s.html and "Here is" not in s.html for s in parsed.slides)


def test_fence_inside_a_script_string_keeps_the_first_slide() -> None:
    text = (
        '<div class="slide"><h1>One</h1></div>\n<script>\nconst md = `\n```js\nx()\n```\n`;\n'
        '</script>\n<div class="slide"><h1>Two</h1></div>'
    )
    parsed = parse_deck_html(text)
    assert [s.title for s in parsed.slides] == ["One", "Two"]
    assert any("```js" in code for s in parsed.slides for code in s.scripts)


def test_markdown_template_sections_are_content() -> None:
    text = (
        "<html><body><div class='reveal'><div class='slides'>"
        "<section><h1>Intro</h1></section>"
        "<section data-markdown><script type='text/template'>\n## Code\n```html\n<b>x</b>\n```\n"
        "</script></section><section><h2>End</h2></section></div></div></body></html>"
    )
    assert len(parse_deck_html(text).slides) == 3


def test_fenced_answer_with_an_unclosed_div_stops_at_the_closing_fence() -> None:
    text = '```html\n<div class="slide"><h1>A</h1><div>open\n```\nHope this helps!'
    kept = strip_chatter(text)
    assert "Hope this helps" not in kept and kept.startswith('<div class="slide">')


def test_unclosed_fence_of_a_cut_stream_runs_to_the_end() -> None:
    assert strip_chatter('Here:\n```html\n<div class="slide">A') == '<div class="slide">A'


def test_no_fence_leaves_the_text_and_cuts_after_html_end() -> None:
    assert strip_chatter("<html><body>x</body></html>\nThanks") == "<html><body>x</body></html>"
