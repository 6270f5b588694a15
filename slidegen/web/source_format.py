"""Indenting a slide's HTML for the source editor, without changing how the slide renders.

Stored slide HTML is lxml's serialization: one long line. The editor shows it indented, one
block element per line. Only whitespace that HTML ignores is added: inside a block element
that holds no text of its own, between children that are block-level (by tag) or a lone
inline element between them (where white space at a line's edges collapses). Inline content
(text, `<b>`, `<span>`s side by side, a `<canvas>` beside text) is never touched,
nor is anything inside `<pre>`, `<textarea>`, `<script>`, `<style>` or `<svg>`, so
`indent_html(x)` renders like `x`. Applied again, it gives the same text.
"""

from __future__ import annotations

import itertools

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

__all__ = ["BLOCK_TAGS", "indent_html", "indented_source"]

BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "dd", "details", "dialog", "div", "dl",
        "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
        "h5", "h6", "header", "hgroup", "hr", "li", "main", "nav", "ol", "p", "section",
        "summary", "table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr",
        "td", "th", "ul", "style", "pre",
    }
)  # fmt: skip
# Elements whose whitespace matters or that hold another language.
_VERBATIM = frozenset({"pre", "textarea", "script", "style", "svg", "math", "template"})
_INDENT = "  "


def _blank(text: str | None) -> bool:
    return not text or not text.strip()


def _indent(element: HtmlElement, level: int) -> None:
    if not isinstance(element.tag, str) or element.tag in _VERBATIM:
        return
    children = list(element)
    inline = [not isinstance(c.tag, str) or c.tag not in BLOCK_TAGS for c in children]
    separable = (
        children
        and (element.tag in BLOCK_TAGS or element.getparent() is None)
        and _blank(element.text)
        and all(isinstance(c.tag, str) and _blank(c.tail) for c in children)
        # One inline element between blocks (a canvas under a heading) sits alone on its line,
        # where leading and trailing white space collapse; two side by side would gain a space.
        and not any(a and b for a, b in itertools.pairwise(inline))
    )
    if separable:
        inner = "\n" + _INDENT * (level + 1)
        element.text = inner
        for child in children:
            child.tail = inner
        children[-1].tail = "\n" + _INDENT * level
    for child in children:
        _indent(child, level + 1)


def indent_html(html: str) -> str:
    """`html` (one element, as stored) with block-level children on indented lines."""
    try:
        root = lxml.html.fragment_fromstring(html)
    except (etree.ParserError, ValueError):
        return html  # not a single element: shown as it is
    _indent(root, 0)
    return lxml.html.tostring(root, encoding="unicode", with_tail=False)


def indented_source(slide: object) -> str:
    """The slide's editable source (container and scripts), its container indented."""
    from slidegen.deck import Slide, slide_source

    assert isinstance(slide, Slide)
    text = slide_source(slide, with_id=False)
    html = slide.html
    return indent_html(html) + text[len(html) :] if text.startswith(html) else text
