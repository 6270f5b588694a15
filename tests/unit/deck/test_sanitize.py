"""What the sanitiser removes from untrusted slide HTML, and what it must keep for charts."""

from __future__ import annotations

from slidegen.deck import parse_deck_html, parse_single_slide
from slidegen.deck.sanitize import sanitize_css


def _html(body: str) -> str:
    return parse_single_slide(f'<div class="slide">{body}</div>').html


def test_dangerous_elements_are_removed() -> None:
    html = _html(
        '<iframe src="https://evil.example"></iframe><object data="x.swf"></object>'
        '<embed src="x"><meta http-equiv="refresh" content="0;url=https://evil.example">'
        '<link rel="stylesheet" href="https://evil.example/x.css"><base href="https://e/">'
        "<frameset></frameset><p>kept</p>"
    )
    for tag in ("<iframe", "<object", "<embed", "<meta", "<link", "<base", "<frameset"):
        assert tag not in html
    assert "<p>kept</p>" in html
    assert "evil.example" not in html


def test_external_urls_removed_data_and_fragments_kept() -> None:
    html = _html(
        '<img src="https://tracker.example/p.gif" alt="a">'
        '<img src="data:image/png;base64,iVBORw0KGgo=">'
        '<img src="/vendor/logo.png"><img src="//evil.example/x.png">'
        '<a href="javascript:alert(1)">j</a><a href="https://e.example">e</a><a href="#s2">f</a>'
        '<form action="https://e.example"><button formaction="https://e.example">b</button></form>'
        '<svg><use href="https://e.example/s.svg#i"></use><use href="#local"></use></svg>'
        '<img srcset="https://e.example/a.png 2x"><video poster="https://e.example/p.png"></video>'
    )
    assert "tracker.example" not in html and "e.example" not in html
    assert "javascript:" not in html
    assert 'src="data:image/png;base64,iVBORw0KGgo="' in html
    assert 'src="/vendor/logo.png"' in html
    assert 'href="#s2"' in html and 'href="#local"' in html
    assert "//evil.example" not in html


def test_data_uri_only_for_images_not_links() -> None:
    html = _html('<a href="data:text/html,<script>x()</script>">x</a>')
    assert "data:text/html" not in html


def test_inline_scripts_and_handlers_stay_for_the_sandbox() -> None:
    parsed = parse_deck_html(
        '<div class="slide"><button onclick="toggle()">t</button><canvas id="c"></canvas></div>'
        "<script>new Chart(document.getElementById('c'), {type: 'line'});</script>"
    )
    slide = parsed.slides[0]
    assert 'onclick="toggle()"' in slide.html
    assert slide.scripts == ("new Chart(document.getElementById('c'), {type: 'line'});",)


def test_css_imports_and_external_urls_are_neutralised() -> None:
    css = sanitize_css(
        "@import url('https://fonts.example/css');"
        ".a{background:url( 'https://e.example/x.png' ) no-repeat}"
        ".b{background-image:url(data:image/png;base64,AAAA)}"
        ".c{filter:url(#blur)}"
    )
    assert "@import" not in css and "e.example" not in css and "fonts.example" not in css
    assert "url(data:image/png;base64,AAAA)" in css and "url(#blur)" in css
    assert ".a{background:none no-repeat}" in css


def test_style_attributes_and_shared_styles_are_sanitised() -> None:
    parsed = parse_deck_html(
        "<style>@import 'https://e.example/a.css'; body{font-family:x}</style>"
        '<div class="slide" style="background:url(https://e.example/b.png)">'
        "<style>.x{background:url(http://e.example/c.png)}</style></div>"
    )
    assert "e.example" not in parsed.styles and "font-family:x" in parsed.styles
    assert "e.example" not in parsed.slides[0].html
