"""The CSS the PPTX export reads: colours, declarations, the small rule set, font sizes.

Each case is a value an LLM-written slide (or a Chart.js config) really uses, or input a
tokenizer must not trip over; the expected triples are what a browser paints on white.
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from slidegen.export.colors import first_color, parse_css_color
from slidegen.export.css import StyleSheet, font_size_px, parse_declarations


@pytest.mark.parametrize(
    ("value", "rgb"),
    [
        ("red", (255, 0, 0)),
        ("RED", (255, 0, 0)),
        ("steelblue", (70, 130, 180)),
        ("rebeccapurple", (102, 51, 153)),  # every CSS name, not a hand-picked list
        ("papayawhip", (255, 239, 213)),
        ("#abc", (170, 187, 204)),
        ("  #ABC  ", (170, 187, 204)),
        ("#0b5cad", (11, 92, 173)),
        ("#000f", (0, 0, 0)),
        ("#0008", (119, 119, 119)),  # 4 digits: alpha 0x88 over white
        ("#0b5cadff", (11, 92, 173)),
        ("#00000080", (127, 127, 127)),  # 8 digits: alpha 0x80 over white
        ("rgb(107, 114, 128)", (107, 114, 128)),
        ("rgb(107 114 128)", (107, 114, 128)),
        ("rgb(100%, 0%, 50%)", (255, 0, 128)),
        ("rgba(54,162,235,0.2)", (215, 236, 251)),  # a Chart.js fill, blended over white
        ("rgb(10 20 30 / 50%)", (132, 138, 142)),
        ("rgb(300, -5, 20)", (255, 0, 20)),  # clipped like a browser
        ("hsl(120, 50%, 50%)", (64, 191, 64)),
        ("hsl(120deg 50% 50%)", (64, 191, 64)),
        ("hsla(0, 100%, 50%, .5)", (255, 128, 128)),
        ("hwb(0 0% 0%)", (255, 0, 0)),
        ("/* brand */ #0b5cad", (11, 92, 173)),
        ("rgb(1, 2, 3", (1, 2, 3)),  # the end of input closes the function, as in a browser
    ],
)
def test_colours_as_a_browser_paints_them_on_white(value: str, rgb: tuple[int, int, int]) -> None:
    assert parse_css_color(value) == rgb


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "transparent",  # nothing painted: no colour is set
        "currentColor",
        "inherit",
        "notacolour",
        "#12",
        "#12345",
        "#ggg",
        "rgb(1, 2)",
        "red blue",
        "oklch(0.6 0.1 200)",  # not converted to sRGB here: left unset rather than guessed
    ],
)
def test_what_is_not_one_srgb_colour_sets_none(value: str | None) -> None:
    assert parse_css_color(value) is None


@pytest.mark.parametrize(
    ("value", "rgb"),
    [
        ("#0b1f3a", (11, 31, 58)),
        ("linear-gradient(135deg, #0b1f3a 0%, #1e3a8a 100%)", (11, 31, 58)),
        ("linear-gradient(to right, transparent, rgba(0,0,0,.5))", (128, 128, 128)),
        ("url(bg.png) no-repeat center / cover #fff", (255, 255, 255)),  # shorthand
        ('url("red.png") navy', (0, 0, 128)),  # a word inside a string is no colour
        ("radial-gradient(circle at 10% 20%, hsl(0 100% 50%), white)", (255, 0, 0)),
    ],
)
def test_first_colour_of_a_compound_value(value: str, rgb: tuple[int, int, int]) -> None:
    assert first_color(value) == rgb


@pytest.mark.parametrize("value", [None, "", "none", "url(a.png)", "linear-gradient(", "0 0 4px"])
def test_a_compound_value_without_a_colour_gives_none(value: str | None) -> None:
    assert first_color(value) is None


def test_declarations_handle_important_comments_strings_urls_and_case() -> None:
    text = (
        "COLOR: Red !important; /* a note; with a semicolon */ "
        "background: url(data:image/png;base64,AA==) no-repeat; "
        'font-family: "A; B", sans-serif; margin: 0 auto'
    )
    assert parse_declarations(text) == {
        "color": "Red",
        "background": "url(data:image/png;base64,AA==) no-repeat",
        "font-family": '"A; B", sans-serif',
        "margin": "0 auto",
    }


def test_malformed_declarations_are_skipped_and_the_rest_kept() -> None:
    text = "color red; : 12px; width:; font-size: 20px;; {bad} ; text-align: center"
    assert parse_declarations(text) == {"font-size": "20px", "text-align": "center"}
    assert parse_declarations(None) == {}
    assert parse_declarations("}}}{{{") == {}


def test_a_later_declaration_wins() -> None:
    assert parse_declarations("color: red; color: blue") == {"color": "blue"}


SHEET = """
/* deck styles */
.slide h1, p.lead { color: #0b5cad; font-size: 44px }
h2 { color: red }
.muted { color: gray }
.a.b { font-weight: bold }
div > .card { padding: 4px }
@media print { h2 { color: black } }
@font-face { font-family: X; src: url(x.woff) }
#main { color: green }
* { margin: 0 }
a:hover, h3::before, h4[title] { color: pink }
div > { color: orange }
"""


def test_rules_by_tag_class_and_tag_with_class_ignoring_what_is_not_simple() -> None:
    sheet = StyleSheet.parse(SHEET)
    assert sheet.tags == {"h1": {"color": "#0b5cad", "font-size": "44px"}, "h2": {"color": "red"}}
    assert sheet.classes == {
        "muted": {"color": "gray"},
        "a": {"font-weight": "bold"},
        "b": {"font-weight": "bold"},
        "card": {"padding": "4px"},
    }
    assert sheet.tag_classes == {("p", "lead"): {"color": "#0b5cad", "font-size": "44px"}}


def test_an_unclosed_rule_or_garbage_does_not_break_the_sheet() -> None:
    sheet = StyleSheet.parse("h1 { color: red } }} h2 { color: blue", "@@@ ;; .x { color: #fff }")
    assert sheet.tags["h1"] == {"color": "red"}
    assert sheet.tags["h2"] == {"color": "blue"}  # an unclosed block ends at the end of input
    assert sheet.classes["x"] == {"color": "#fff"}


def test_own_style_layers_tag_then_class_then_inline_and_a_slide_sheet_on_the_deck() -> None:
    deck = StyleSheet.parse("p { color: red; font-size: 10px } .lead { color: blue }")
    slide = deck.extended("p.lead { font-weight: bold } .lead { font-size: 30px }")
    p = BeautifulSoup('<p class="lead" style="COLOR: green !important">x</p>', "html.parser").p
    assert deck.own_style(p) == {"color": "green", "font-size": "10px"}
    assert slide.own_style(p) == {"color": "green", "font-size": "30px", "font-weight": "bold"}
    assert deck.tag_classes == {}  # extended() leaves the deck's sheet as it was


@pytest.mark.parametrize(
    ("value", "px"),
    [
        ("20px", 20.0),
        ("20PX", 20.0),
        ("12pt", 16.0),
        ("1.5em", 30.0),
        ("2rem", 32.0),
        ("150%", 30.0),
        ("16", 16.0),
        ("large", 18.0),
        ("X-LARGE", 24.0),
        ("smaller", 20 / 1.2),
        ("larger", 24.0),
    ],
)
def test_font_sizes_in_pixels(value: str, px: float) -> None:
    assert font_size_px(value, 20.0) == pytest.approx(px)


@pytest.mark.parametrize(
    "value", [None, "", "0", "-3px", "20vh", "calc(1em + 2px)", "20px 30px", "big"]
)
def test_font_sizes_not_understood_or_not_positive_give_none(value: str | None) -> None:
    assert font_size_px(value, 20.0) is None
