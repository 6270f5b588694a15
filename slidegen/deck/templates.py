"""Slide content that a deck's own library would have rendered from a template.

reveal.js decks keep some content in `<script type="text/template">` (or `<textarea
data-template>`), which reveal.js turns into HTML in the browser; without reveal.js the slide
would be blank. Two forms are rendered here, once, when the deck is parsed:

- `<section data-markdown>` holding a template: the Markdown becomes HTML (markdown-it-py, the
  CommonMark parser already installed with Rich; tables on). Its HTML then goes through the
  same sanitiser as every slide;
- a template inside `<code>` or `<pre>` (code shown verbatim, kept out of the HTML parser):
  its text becomes the code element's text.

External Markdown (`data-markdown="slides.md"`) cannot be fetched and stays empty.
"""

from __future__ import annotations

import functools
import textwrap

import lxml.html
from lxml.html import HtmlElement

__all__ = ["render_templates"]

_TEMPLATE_TYPES = frozenset({"text/template", "text/markdown"})


@functools.cache
def _markdown() -> object:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).enable("table")


def _is_template(element: HtmlElement) -> bool:
    if element.tag == "script":
        return (element.get("type") or "").strip().lower() in _TEMPLATE_TYPES
    return element.tag == "textarea" and element.get("data-template") is not None


def _text(element: HtmlElement) -> str:
    lines = (element.text or "").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    return textwrap.dedent("\n".join(lines).expandtabs(4)).strip("\n")


def render_templates(root: HtmlElement) -> None:
    """Replace the templates under `root` by what reveal.js would have rendered (in place)."""
    for template in [e for e in root.iter("script", "textarea") if _is_template(e)]:
        parent = template.getparent()
        if parent is None:
            continue
        text = _text(template)
        if parent.tag in {"code", "pre"}:
            _replace_with_text(template, text)
        elif parent.get("data-markdown") is not None and not parent.get("data-markdown"):
            _replace_with_html(template, _markdown().render(text))  # type: ignore[attr-defined]


def _replace_with_text(element: HtmlElement, text: str) -> None:
    parent = element.getparent()
    previous = element.getprevious()
    addition = text + (element.tail or "")
    if previous is not None:
        previous.tail = (previous.tail or "") + addition
    else:
        parent.text = (parent.text or "") + addition
    parent.remove(element)


def _replace_with_html(element: HtmlElement, html: str) -> None:
    fragments = lxml.html.fragments_fromstring(html) if html.strip() else []
    parent = element.getparent()
    position = parent.index(element)
    tail = element.tail
    parent.remove(element)
    for offset, fragment in enumerate(fragments):
        if isinstance(fragment, str):
            continue  # leading text of a fragment list: Markdown output always starts with a tag
        parent.insert(position + offset, fragment)
    if tail:
        last = parent[position + len(fragments) - 1] if fragments else None
        if last is not None:
            last.tail = (last.tail or "") + tail
