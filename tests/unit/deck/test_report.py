"""The parse report: what was removed from a deck and why, as structured entries and as lines."""

from __future__ import annotations

from slidegen.deck import parse_deck_html

PAGE = """<!DOCTYPE html><html><head>
<link rel="stylesheet" href="https://cdn.example.com/theme.css">
<link rel="stylesheet" href="https://fonts.example.com/css2?family=Inter">
<link rel="icon" href="/favicon.ico">
<script src="https://cdn.example.com/reveal.js"></script>
<style>
@import url("https://cdn.example.com/extra.css");
@font-face { font-family: X; src: url(https://fonts.example.com/x.woff2); }
html, body { height: 100%; overflow: hidden; }
</style></head><body>
<div class="slide"><h1>One</h1><img src="https://img.example.com/a.png" alt="a">
<a href="https://example.com/more">more</a><iframe src="https://example.com/embed"></iframe>
<canvas id="c"></canvas></div>
<script>Reveal.initialize().then(() => new Chart(document.getElementById('c'), {}));</script>
</body></html>"""


def test_every_removal_is_reported_with_its_kind_and_slide() -> None:
    parsed = parse_deck_html(PAGE)
    found = {(r.kind, r.what, r.slide) for r in parsed.report.removed}
    assert ("stylesheet", "https://cdn.example.com/theme.css", None) in found
    assert ("font", "https://fonts.example.com/css2?family=Inter", None) in found
    assert ("external script", "https://cdn.example.com/reveal.js", None) in found
    assert ("stylesheet", "https://cdn.example.com/extra.css", None) in found
    assert ("font", "https://fonts.example.com/x.woff2", None) in found
    assert ("image", "https://img.example.com/a.png", 1) in found
    assert ("link", "https://example.com/more", 1) in found
    assert ("iframe", "https://example.com/embed", 1) in found
    assert not any("favicon" in r.what for r in parsed.report.removed)
    code = [r for r in parsed.report.removed if r.kind == "script code"]
    assert [(r.cause, r.slide) for r in code] == [("library", 1)]
    assert "reveal.js" in code[0].why
    # The chart the reveal.js promise drew still draws.
    assert "new Chart(document.getElementById('c'), {})" in parsed.slides[0].scripts[0]


def test_summary_has_one_line_per_kind() -> None:
    lines = parse_deck_html(PAGE).report.summary()
    text = "\n".join(lines)
    assert "2 stylesheets (cdn.example.com/theme.css, cdn.example.com/extra.css)" in text
    assert "1 external script (cdn.example.com/reveal.js): scripts are not loaded" in text
    assert "2 fonts" in text and "1 image" in text and "1 iframe" in text
    assert "page layout rule" in text and "reveal.js, which is not loaded here" in text
    assert len(lines) == len({line.split(" (")[0] for line in lines})


def test_a_clean_deck_reports_nothing() -> None:
    parsed = parse_deck_html('<div class="slide"><h1>Fine</h1></div>')
    assert parsed.report.removed == () and parsed.report.summary() == []
