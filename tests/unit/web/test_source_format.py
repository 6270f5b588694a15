"""The source editor's indentation: block children on their own lines, rendering unchanged."""

from __future__ import annotations

from slidegen.web.source_format import indent_html, indented_source


def test_block_children_are_indented_and_inline_content_is_kept() -> None:
    html = (
        '<div class="slide"><h1>Hello <b>you</b></h1><ul><li>One</li><li>Two</li></ul>'
        "<p><span>a</span><span>b</span></p><pre><b>x</b>\n  y</pre></div>"
    )
    assert indent_html(html) == (
        '<div class="slide">\n'
        "  <h1>Hello <b>you</b></h1>\n"
        "  <ul>\n"
        "    <li>One</li>\n"
        "    <li>Two</li>\n"
        "  </ul>\n"
        "  <p><span>a</span><span>b</span></p>\n"
        "  <pre><b>x</b>\n  y</pre>\n"
        "</div>"
    )


def test_mixed_content_is_not_touched() -> None:
    html = '<div class="slide">Text <h2>T</h2><span>a</span><div><img><canvas></canvas></div></div>'
    assert indent_html(html) == html


def test_indenting_twice_gives_the_same_text() -> None:
    html = '<div class="slide"><table><tr><td>1</td><td>2</td></tr></table></div>'
    once = indent_html(html)
    assert indent_html(once) == once


def test_the_source_keeps_the_scripts_and_parses_to_the_same_slide() -> None:
    from slidegen.deck import parse_single_slide

    slide = parse_single_slide(
        '<div class="slide"><h2>Chart</h2><canvas id="c"></canvas>'
        "<script>new Chart(document.getElementById('c'), {});</script></div>"
    )
    source = indented_source(slide)
    assert source.startswith('<div class="slide">\n  <h2>Chart</h2>')
    assert "<script>\nnew Chart(" in source
    again = parse_single_slide(source, keep_id=slide.id)
    assert again.scripts == slide.scripts and again.title == slide.title
