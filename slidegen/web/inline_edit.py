"""Text edited on the slide stage, applied back to the slide's stored HTML.

The stage's frame (sandboxed, untrusted: the slide's own scripts run there too) makes the
*editable blocks* of the slide editable: the outermost headings, paragraphs, list items and
table cells inside the slide container, numbered in document order of the source as parsed
before any slide script ran (`EDITABLE_TAGS`; the same rule is in `stage.py`'s frame script).
When an edit ends it posts, per changed block, its number, its text before the edit and its new
inner HTML. Here those edits are applied to the *stored* HTML, never to the live DOM, so
canvases drawn by Chart.js and anything a script injected at run time stay out of the saved
slide; the scripts are kept and run again on the next render.

Everything from the frame is checked: the shape and size of the message, each number must name
an editable block whose current text is the `before` text sent (otherwise the slide changed
under the edit, or the frame lies, and nothing is applied), and the new content is reduced to
text and inline formatting (`INLINE_TAGS`, with `class`/`style` only; anything else is
unwrapped to its text). The result then goes through the same parser and sanitiser as any edit.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

from slidegen.deck.attribute_limit import AttributeLimitError, check_attributes

__all__ = [
    "EDITABLE_TAGS",
    "INLINE_TAGS",
    "InlineEditError",
    "TextEdit",
    "apply_text_edits",
    "editable_blocks",
    "parse_text_edits",
]

EDITABLE_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "td", "th")
INLINE_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "s", "sub", "sup", "small", "mark", "code", "span", "br"}
)
_KEPT_ATTRS = frozenset({"class", "style"})
MAX_EDITS = 500
MAX_EDIT_CHARS = 200_000


class InlineEditError(ValueError):
    """The edit cannot be applied; the message says why, for the user."""


@dataclass(frozen=True)
class TextEdit:
    index: int
    before: str
    html: str


def _normalised(text: str) -> str:
    return " ".join(text.split())


def parse_text_edits(payload: Any) -> list[TextEdit]:
    """The edits of a message from the frame, or InlineEditError if it is malformed."""
    if not isinstance(payload, list) or not payload or len(payload) > MAX_EDITS:
        raise InlineEditError("The text edit could not be read; nothing was changed.")
    edits: list[TextEdit] = []
    total = 0
    for item in payload:
        if not isinstance(item, dict):
            raise InlineEditError("The text edit could not be read; nothing was changed.")
        index, before, html = item.get("i"), item.get("before"), item.get("html")
        if (
            not isinstance(index, int)
            or isinstance(index, bool)
            or index < 0
            or not isinstance(before, str)
            or not isinstance(html, str)
        ):
            raise InlineEditError("The text edit could not be read; nothing was changed.")
        total += len(before) + len(html)
        edits.append(TextEdit(index, before, html))
    if total > MAX_EDIT_CHARS:
        raise InlineEditError("The text edit is too large; nothing was changed.")
    try:  # before libxml2 reads the typed HTML (its attribute check is quadratic)
        for edit in edits:
            check_attributes(edit.html)
    except AttributeLimitError as error:
        message = f"The text edit cannot be read ({error}); nothing was changed."
        raise InlineEditError(message) from None
    if len({e.index for e in edits}) != len(edits):
        raise InlineEditError("The text edit could not be read; nothing was changed.")
    return edits


def editable_blocks(root: HtmlElement) -> Iterator[HtmlElement]:
    """The outermost editable elements under `root` (the slide container), in document order."""
    for element in root.iter(*EDITABLE_TAGS):
        if element is root:
            continue
        parent = element.getparent()
        outermost = True
        while parent is not None and parent is not root:
            if parent.tag in EDITABLE_TAGS:
                outermost = False
                break
            parent = parent.getparent()
        if outermost:
            yield element


def _inline_only(element: HtmlElement) -> None:
    """Reduce `element`'s content to text and `INLINE_TAGS` (others unwrapped, comments gone)."""
    for child in list(element.iter()):
        if child is element:
            continue
        if not isinstance(child.tag, str):  # comments, processing instructions
            child.drop_tree()
        elif child.tag not in INLINE_TAGS:
            if child.tag in {"script", "style", "template"}:
                child.drop_tree()
            else:
                child.drop_tag()
        else:
            for name in list(child.attrib):
                if name not in _KEPT_ATTRS:
                    del child.attrib[name]


def _replace_content(element: HtmlElement, inner_html: str) -> None:
    holder = lxml.html.fragment_fromstring(f"<div>{inner_html}</div>")
    _inline_only(holder)
    for child in list(element):
        element.remove(child)
    element.text = holder.text
    for child in list(holder):
        element.append(child)


def apply_text_edits(slide_html: str, edits: Sequence[TextEdit]) -> str:
    """`slide_html` (one slide container, as stored) with `edits` applied to its text blocks."""
    try:
        root = lxml.html.fragment_fromstring(slide_html)
    except (etree.ParserError, ValueError) as error:
        raise InlineEditError(f"The slide's HTML cannot be edited here ({error}).") from None
    blocks = list(editable_blocks(root))
    for edit in edits:
        if edit.index >= len(blocks):
            raise InlineEditError("The slide changed while you edited it; nothing was changed.")
        block = blocks[edit.index]
        if _normalised(block.text_content()) != _normalised(edit.before):
            raise InlineEditError("The slide changed while you edited it; nothing was changed.")
        try:
            _replace_content(block, edit.html)
        except (etree.ParserError, ValueError):
            raise InlineEditError(
                "The edited text could not be read; nothing was changed."
            ) from None
    return lxml.html.tostring(root, encoding="unicode", with_tail=False)
