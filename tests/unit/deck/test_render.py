"""Rendered documents: complete, strict CSP, Chart.js vendored, scripts escaped and scoped."""

from __future__ import annotations

import re

import pytest

from slidegen.deck import (
    Deck,
    Slide,
    chart_js_source,
    content_security_policy,
    render_deck_document,
    render_slide_document,
)

SLIDE = Slide(
    id="s_0000000001",
    html='<div class="slide"><h1>Revenue</h1><canvas id="chart"></canvas></div>',
    scripts=("const label = '</script><script>alert(1)</script>'; draw(label);",),
)
DECK = Deck(
    id="d_1",
    owner="alice",
    title="Q3 <Review>",
    styles="h1{color:navy} /* </style><script>x()</script> */",
    slides=(SLIDE, Slide(id="s_0000000002", html='<div class="slide"><h2>Two</h2></div>')),
)


def _csp(document: str) -> str:
    match = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', document)
    assert match, "no CSP meta"
    return match.group(1).replace("&#x27;", "'")


def test_vendored_chart_js_with_licence_header() -> None:
    source = chart_js_source()
    assert source.startswith("/*!\n * Chart.js v4.")
    assert "Released under the MIT License" in source[:300]
    assert len(source) > 100_000


def test_standalone_slide_document_inlines_chart_js_and_has_strict_csp() -> None:
    document = render_slide_document(DECK, SLIDE)
    assert document.startswith("<!DOCTYPE html>")
    assert "Chart.js v4." in document
    assert "<script src=" not in document
    csp = _csp(document)
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp
    assert "img-src data:;" in csp and "base-uri 'none'" in csp and "form-action 'none'" in csp
    assert "http" not in csp
    assert "<title>Revenue · Q3 &lt;Review&gt;</title>" in document
    assert SLIDE.html in document and "Two" not in document


def test_asset_base_references_vendored_file_and_allows_only_that_origin() -> None:
    document = render_slide_document(DECK, SLIDE, asset_base="https://app.example.com/")
    assert '<script src="https://app.example.com/vendor/chart.umd.min.js"></script>' in document
    assert "Chart.js v4." not in document
    csp = _csp(document)
    assert "script-src 'unsafe-inline' https://app.example.com;" in csp
    assert "img-src data: https://app.example.com;" in csp
    assert "connect-src 'none'" in csp


@pytest.mark.parametrize(
    "base", ["/assets", "javascript:alert(1)", "https://h/x'; script-src *", "ftp://h", "https://"]
)
def test_bad_asset_base_is_refused(base: str) -> None:
    with pytest.raises(ValueError, match="asset_base"):
        content_security_policy(base)


def test_script_and_style_content_cannot_close_their_element() -> None:
    document = render_slide_document(DECK, SLIDE)
    body = document.split("</head>", 1)[1]
    # The only closing script tag in the body is the wrapper's own.
    assert body.lower().count("</script>") == 1
    assert "<\\/script><script>alert(1)<\\/script>" in body
    head = document.split("</head>", 1)[0]
    assert "<\\/style><script>x()</script>" in head


def test_slide_scripts_are_scoped_to_their_page() -> None:
    document = render_slide_document(DECK, SLIDE)
    assert '<div class="sg-page" data-sg-slide="s_0000000001">' in document
    assert '__sgSlide("s_0000000001",function(document){' in document
    assert "window.__sgSlide" in document


def test_deck_document_has_every_slide_in_order_and_print_pages() -> None:
    document = render_deck_document(DECK)
    assert document.index("Revenue") < document.index("Two")
    assert document.count('class="sg-page"') == 2
    assert "@page{size:1280px 720px" in document and "break-after:page" in document
    assert document.count("Chart.js v4.") == 1
    assert "<title>Q3 &lt;Review&gt;</title>" in document


def test_deck_document_runs_each_deck_level_script_once_a_slide_document_runs_it() -> None:
    from slidegen.deck.scripts import DECK_LEVEL_MARKER

    shared = f"{DECK_LEVEL_MARKER}\ncount(window);"
    edited = f"{DECK_LEVEL_MARKER}\nwindow.other = 1;"  # another text: its own script
    slides = tuple(
        Slide(id=f"s_000000000{n}", html=f'<div class="slide"><h1>{n}</h1></div>', scripts=s)
        for n, s in enumerate([(shared, "mine(1);"), (shared, "mine(2);"), (edited, shared)])
    )
    deck = Deck(id="d_1", owner="alice", title="T", styles="", slides=slides)
    document = render_deck_document(deck)
    assert document.count("count(window)") == 1 and document.count("window.other") == 1
    assert document.index("count(window)") < document.index("mine(1)")
    assert "mine(2)" in document
    for slide in slides:
        assert render_slide_document(deck, slide).count("count(window)") == 1
