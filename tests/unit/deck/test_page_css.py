"""Page-level deck CSS: layout on html/body/:root is neutralised, what slides inherit is kept."""

from __future__ import annotations

from slidegen.deck.page_css import isolate_page_rules


def test_layout_on_the_page_goes_and_inherited_text_styles_stay() -> None:
    result = isolate_page_rules(
        "html, body { height: 100%; overflow: hidden; font-family: Inter; }\n"
        "body { display: flex; align-items: center; min-height: 100vh; color: #eee !important }"
    )
    assert "height" not in result.css and "overflow" not in result.css
    assert "display" not in result.css and "min-height" not in result.css
    assert "font-family: Inter" in result.css and "color: #eee !important" in result.css
    assert "html, body { height }" in result.dropped and "body { display }" in result.dropped


def test_the_page_background_moves_to_each_slide_page() -> None:
    css = isolate_page_rules("body { background: linear-gradient(#000, #111); margin: 0 }").css
    assert ".sg-page{background: linear-gradient(#000, #111)}" in css.replace("\n", "")
    assert "margin" not in css


def test_mixed_selector_lists_keep_the_rule_for_the_other_selectors() -> None:
    css = isolate_page_rules("body, .card { padding: 20px }").css
    assert ".card { padding: 20px }" in css
    assert "body" not in css


def test_rules_for_slides_under_body_and_custom_properties_are_untouched() -> None:
    source = "body.dark .slide { display: none } :root { --accent: red; width: 10px }"
    css = isolate_page_rules(source).css
    assert "body.dark .slide { display: none }" in css
    assert "--accent: red" in css and "width" not in css


def test_nested_media_rules_and_page_rules() -> None:
    result = isolate_page_rules(
        "@media print { body { height: 100% } .slide { color: blue } } @page { size: A4 }"
    )
    assert ".slide { color: blue }" in result.css
    assert "height" not in result.css and "@page" not in result.css
    assert "@page" in result.dropped


def test_css_without_page_rules_is_returned_as_is() -> None:
    source = ".slide { display: grid } /* html */"
    assert isolate_page_rules(".slide { display: grid }").css == ".slide { display: grid }"
    assert isolate_page_rules(source).css == source


def test_themes_set_by_a_class_on_the_page_body_still_apply() -> None:
    from slidegen.deck import parse_deck_html

    parsed = parse_deck_html(
        '<html><body class="theme-dark"><style>.theme-dark .slide { color: white }'
        " .theme-dark .card, .card { padding: 4px } .card.theme-dark { margin: 0 }</style>"
        '<div class="slide"><div class="card">A</div></div></body></html>'
    )
    page = ":where(html,body):not(.sg-none)"
    assert f"{page} .slide {{ color: white }}" in parsed.styles
    assert f"{page} .card, .card {{ padding: 4px }}" in parsed.styles
    # A class that elements of the slides use as well is left alone.
    kept = parse_deck_html(
        '<body class="card"><style>.card { margin: 0 }</style>'
        '<div class="slide"><div class="card">A</div></div></body>'
    )
    assert kept.styles == ".card { margin: 0 }"
