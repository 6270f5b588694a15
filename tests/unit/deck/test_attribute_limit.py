"""The attribute cap checked before libxml2 parses HTML (`slidegen.deck.attribute_limit`): every
way of packing too many attributes into one element is refused, also when a fake tag in a
script or comment tries to hide the real one inside a quoted value; real decks pass."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from slidegen.deck import DeckParseError, parse_deck_html
from slidegen.deck.attribute_limit import MAX_ATTRIBUTES, AttributeLimitError, check_attributes
from slidegen.deck.importing import DeckImportError, read_pasted_deck

CORPUS = Path(__file__).resolve().parents[4] / "shared" / "corpus"
TOO_MANY = MAX_ATTRIBUTES + 1


def _names(n: int, value: str = "") -> str:
    return " ".join(f"a{i}{value}" for i in range(n))


@pytest.mark.parametrize(
    "html",
    [
        f'<div class="slide"><p {_names(TOO_MANY)}>x</p></div>',
        f"<p {_names(TOO_MANY, '=x')}>",
        "<p " + _names(TOO_MANY, '=">"') + ">",  # a quoted '>' does not end the tag
        "<p " + _names(TOO_MANY, '="<"') + ">",
        "<p " + "".join(f'a{i}="x"' for i in range(TOO_MANY)) + ">",  # no spaces between
        "<p/" + "/".join(f"a{i}" for i in range(TOO_MANY)) + ">",
        f"</p {_names(TOO_MANY)}>",
        # A fake tag whose quoted value runs over the real tag's start, in a script or comment.
        "<script>var s='<p a=\"';</script><p " + _names(TOO_MANY, "='>'") + ">",
        '<!-- <p a=" --><p ' + _names(TOO_MANY, "='>'") + ">",
    ],
)
def test_every_way_of_packing_attributes_into_one_element_is_refused(html: str) -> None:
    root = lxml.html.document_fromstring(html) if not html.startswith("</") else None
    if root is not None:  # libxml2 does see them all on one element
        assert max(len(e.attrib) for e in root.iter() if isinstance(e.tag, str)) == TOO_MANY
    with pytest.raises(AttributeLimitError, match=f"more than {MAX_ATTRIBUTES} attributes"):
        check_attributes(html)


def test_the_cap_itself_and_real_markup_pass() -> None:
    check_attributes(f"<p {_names(MAX_ATTRIBUTES)}>x</p>")
    path = " ".join("M 1 2 L 3 4" for _ in range(5_000))  # spaces inside a value are no names
    check_attributes(
        f'<div class="slide"><h1 title="a<b">T</h1><svg><path d="{path}"/></svg>'
        "<script>el.innerHTML = '<td style=\"' + s + '\">';</script>"
        '<img src="data:image/png;base64,' + "A" * 100_000 + '" alt="a > b"></div>'
    )
    for deck in sorted(CORPUS.glob("*.html")):
        check_attributes(deck.read_text(errors="replace"))


def test_parsing_and_importing_refuse_it_with_a_clear_message() -> None:
    bomb = '<div class="slide"><p ' + _names(400_000, "=x")[:4_900_000] + ">x</p></div>"
    with pytest.raises(DeckImportError, match="more than 256 attributes"):
        read_pasted_deck(bomb)  # hours of libxml2 before the cap
    with pytest.raises(DeckParseError, match="more than 256 attributes"):
        parse_deck_html(f'<div class="slide"><p {_names(TOO_MANY)}>x</p></div>')


def test_an_inline_text_edit_packing_attributes_is_refused_before_it_is_parsed() -> None:
    from slidegen.web.inline_edit import InlineEditError, parse_text_edits

    html = f"<b {_names(TOO_MANY)}>x</b>"  # 200,000 characters of these: 14 s in libxml2
    with pytest.raises(InlineEditError, match="more than 256 attributes"):
        parse_text_edits([{"i": 0, "before": "a", "html": html}])
    assert parse_text_edits([{"i": 0, "before": "a", "html": "<b>bold</b> text"}])
