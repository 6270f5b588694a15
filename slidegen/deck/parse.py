"""Turning model output (or a user's edit) into clean `Slide` values.

`parse_deck_html` accepts a whole HTML document or bare fragments, with the usual noise around
them (code fences, "Here is your deck:", unclosed tags, a missing `<html>`; a fence is chatter
only outside the HTML, see `slidegen.deck.chatter`). Rules:

- Slides are the elements whose class list contains `slide`; if there is none, `<section>`
  elements. When a model forgets to close one slide, the next one ends up nested inside it; such
  nested containers are taken out and become slides of their own, in document order, and a
  container left with nothing but whitespace after that (a pure wrapper) is dropped.
- `<style>` outside every slide becomes the deck's shared `styles`; `<style>` inside a slide stays
  in the slide's HTML.
- Inline `<script>` blocks are taken out of the HTML into `Slide.scripts`, their code going to
  the slides it draws on (`slidegen.deck.scripts`); code that names no slide stays with the
  slide it sits in or follows (the last slide that *started* before it), and code before or
  after all slides runs for every slide (a script of its own, which the deck document runs
  once). External scripts (`src=`) and non-JavaScript script types are dropped; reveal.js
  templates are rendered first (`slidegen.deck.templates`).
  `parse_single_slide` (one slide) keeps every script of its HTML as written.
- `ParsedDeck.report` lists what was removed and why (`slidegen.deck.report`).
- Slide ids: a valid `data-slide-id="s_…"` on the container is kept (the agent hands slides to
  the model with their ids so that edits map back), unless an earlier slide already has it;
  otherwise a fresh id. The attribute itself is not kept in the stored HTML.
- Speaker notes written as `<aside class="notes">` inside a slide become `Slide.notes`.
- Everything is sanitised (`slidegen.deck.sanitize`). Limits are enforced with errors that name
  the slide and the limit.

Why lxml and not BeautifulSoup: both parse with libxml2 here (BeautifulSoup would use lxml as
its parser), but BeautifulSoup rebuilds the tree in Python: on a 200-slide deck (640 KB) it took
0.75 s to parse, sanitise and serialise, against 0.05 s with lxml's own tree, and the B7 target
for parse + store is 1 s. lxml is a locked dependency (python-pptx needs it as well).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

from slidegen.deck.attribute_limit import AttributeLimitError, check_attributes
from slidegen.deck.chatter import strip_chatter
from slidegen.deck.model import (
    MAX_DECK_INPUT_BYTES,
    MAX_NOTES_CHARS,
    MAX_SLIDE_BYTES,
    MAX_SLIDES_PER_DECK,
    MAX_TITLE_CHARS,
    Slide,
    is_slide_id,
    new_slide_id,
)
from slidegen.deck.page_css import isolate_page_rules, scope_page_classes
from slidegen.deck.report import ParseReport, Removal
from slidegen.deck.sanitize import describe_removed_element, sanitize_css, sanitize_tree
from slidegen.deck.scripts import Assignment, ScriptBlock, assign_scripts
from slidegen.deck.templates import render_templates

__all__ = ["DeckParseError", "ParsedDeck", "parse_deck_html", "parse_single_slide", "slide_source"]

_JS_TYPES = frozenset({"", "text/javascript", "application/javascript", "javascript"})
_MEDIA = ("img", "svg", "canvas", "table", "video", "picture", "math", "input", "hr")
_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>")
_FIRST_TAG_RE = re.compile(r"^(\s*<[A-Za-z][\w-]*)")


class DeckParseError(ValueError):
    """The HTML cannot be turned into slides; the message names the problem."""


@dataclass(frozen=True)
class ParsedDeck:
    title: str | None
    styles: str
    slides: tuple[Slide, ...]
    # What was taken out and why (external resources, script code that drew on no slide…).
    report: ParseReport = field(default_factory=ParseReport)


@dataclass
class _Found:
    element: HtmlElement
    had_nested: bool
    scripts: list[str]


def parse_deck_html(text: str) -> ParsedDeck:
    """Parse a whole model answer into slides; `DeckParseError` if there is no slide at all."""
    root = _parse(text)
    render_templates(root)
    found = _containers(root)
    if not found:
        raise DeckParseError(
            'no slide found: expected elements with class "slide" (e.g. <div class="slide">) '
            "or <section> elements"
        )
    title = _title(root)
    removed: list[Removal] = []
    _note_page_elements(root, found, removed)
    styles = scope_page_classes(
        _take_shared_styles(root, found, removed), _page_classes(root, found)
    )
    blocks = _assign_scripts(root, found, removed)
    kept = _detach(found)
    if len(kept) > MAX_SLIDES_PER_DECK:
        raise DeckParseError(
            f"{len(kept)} slides found; a deck holds at most {MAX_SLIDES_PER_DECK}"
        )
    assignment = _assign(blocks, found, kept)
    seen: set[str] = set()
    slides = []
    raw = [(found[i].element, list(assignment.scripts[n])) for n, i in enumerate(kept)]
    for number, (element, scripts) in enumerate(raw, start=1):
        wanted = element.get("data-slide-id")
        slide_id = wanted if wanted and is_slide_id(wanted) else None
        if slide_id is None or slide_id in seen:
            slide_id = new_slide_id()
        seen.add(slide_id)
        slides.append(_make_slide(element, scripts, slide_id, f"slide {number}", removed, number))
    removed.extend(
        Removal(
            kind="script code",
            what=d.excerpt,
            reason=d.reason,
            slide=(d.slide or 0) + 1,
            cause=d.cause,
        )
        for d in assignment.dropped
    )
    removed.extend(Removal(kind="page CSS", what=r) for r in isolate_page_rules(styles).dropped)
    report = ParseReport(
        removed=tuple(removed),
        slides_with_moved_scripts=tuple(i + 1 for i in assignment.changed_slides),
    )
    return ParsedDeck(title=title, styles=styles, slides=tuple(slides), report=report)


def parse_single_slide(html: str, keep_id: str | None = None) -> Slide:
    """Parse HTML that must hold exactly one slide (a manual edit, one regenerated slide).

    Styles outside the container are moved inside it: an edit of one slide must not change the
    deck's shared CSS. `keep_id` (the slide being edited) wins over any `data-slide-id`.
    """
    root = _parse(html)
    render_templates(root)
    found = _containers(root)
    if not found:
        raise DeckParseError(
            'no slide container: wrap the slide in <div class="slide">...</div> (or <section>)'
        )
    if len(found) > 1:
        raise DeckParseError(f"found {len(found)} slides; expected exactly one")
    element = found[0].element
    outside = [s for s in root.iter("style") if not _inside(s, element)]
    for position, style in enumerate(outside):
        style.tail = None
        element.insert(position, style)
    _assign_scripts(root, found)
    (kept,) = _detach(found)
    element, scripts = found[kept].element, found[kept].scripts
    wanted = element.get("data-slide-id")
    slide_id = keep_id or (wanted if wanted and is_slide_id(wanted) else None)
    return _make_slide(element, scripts, slide_id or new_slide_id(), "the slide")


def slide_source(slide: Slide, *, with_id: bool = True) -> str:
    """The slide as one editable HTML text: its container (with `data-slide-id`) and scripts.

    `parse_single_slide(slide_source(s), keep_id=s.id)` gives back an equal slide, which is what
    an HTML editor and the agent's "edit these slides" prompt need.
    """
    text = slide.html
    if with_id:
        text = _FIRST_TAG_RE.sub(rf'\1 data-slide-id="{slide.id}"', text, count=1)
    blocks = "".join(f"\n<script>\n{script}\n</script>" for script in slide.scripts)
    return text + blocks


# --- internals ------------------------------------------------------------------------------


def _parse(text: str) -> HtmlElement:
    if not isinstance(text, str):
        raise DeckParseError(f"expected HTML text, got {type(text).__name__}")
    if len(text.encode()) > MAX_DECK_INPUT_BYTES:
        raise DeckParseError(f"HTML is larger than {MAX_DECK_INPUT_BYTES // 1_000_000} MB")
    cleaned = _XML_DECL_RE.sub("", strip_chatter(text))
    if not cleaned.strip():
        raise DeckParseError("no slide found: the HTML is empty")
    try:
        check_attributes(cleaned)  # before libxml2, whose attribute check is quadratic
    except AttributeLimitError as error:
        raise DeckParseError(f"the HTML cannot be read: {error}") from None
    try:
        return lxml.html.document_fromstring(cleaned)
    except (etree.ParserError, ValueError) as error:
        raise DeckParseError(f"no slide found: the HTML cannot be parsed ({error})") from None


def _containers(root: HtmlElement) -> list[_Found]:
    elements = root.find_class("slide") or list(root.iter("section"))
    found = {id(e): _Found(element=e, had_nested=False, scripts=[]) for e in elements}
    for element in elements:
        for parent in element.iterancestors():
            if id(parent) in found:
                found[id(parent)].had_nested = True
    return list(found.values())


def _inside(node: HtmlElement, container: HtmlElement) -> bool:
    return any(parent is container for parent in node.iterancestors())


def _note_page_elements(root: HtmlElement, found: list[_Found], removed: list[Removal]) -> None:
    """Report the resources the page around the slides loaded (its <link>s, iframes…)."""
    containers = {id(f.element) for f in found}
    for element in root.iter("link", "iframe", "frame", "object", "embed", "applet", "portal"):
        if not any(id(p) in containers for p in element.iterancestors()):
            note = describe_removed_element(element, str(element.tag), None)
            if note is not None:
                removed.append(note)


def _page_classes(root: HtmlElement, found: list[_Found]) -> frozenset[str]:
    """Classes of the page's <html> and <body> that no element of a slide uses."""
    page = {c for e in (root, root.find("body")) if e is not None for c in e.classes}
    if not page:
        return frozenset()
    used = {c for f in found for e in f.element.iter() if isinstance(e.tag, str) for c in e.classes}
    return frozenset(page - used)


def _take_shared_styles(
    root: HtmlElement, found: list[_Found], removed: list[Removal] | None = None
) -> str:
    containers = {id(f.element) for f in found}
    shared = []
    for style in list(root.iter("style")):
        if not any(id(p) in containers for p in style.iterancestors()):
            shared.append(sanitize_css(style.text or "", removed).strip())
            style.drop_tree()
    return "\n\n".join(s for s in shared if s)


def _assign_scripts(
    root: HtmlElement, found: list[_Found], removed: list[Removal] | None = None
) -> list[ScriptBlock]:
    """Move every inline JS script out of the tree into the slide it belongs to by position
    (`_Found.scripts`), and return them with where they sat, for `assign_scripts`."""
    starts = {id(f.element): f for f in found}
    index_of = {id(f.element): n for n, f in enumerate(found)}
    current: _Found | None = None
    orphans: list[str] = []
    blocks: list[ScriptBlock] = []
    for node in list(root.iter(etree.Element)):
        if id(node) in starts:
            current = starts[id(node)]
        elif node.tag == "script":
            home = next((index_of[id(a)] for a in node.iterancestors() if id(a) in index_of), None)
            kind = (node.get("type") or "").strip().lower()
            code = node.text or ""
            external = "src" in node.attrib
            if external and removed is not None:
                removed.append(Removal(kind="external script", what=node.get("src") or ""))
            node.drop_tree()
            if external or kind not in _JS_TYPES or not code.strip():
                continue
            (current.scripts if current else orphans).append(code.strip("\n"))
            after = index_of[id(current.element)] if current else None
            blocks.append(ScriptBlock(code=code.strip("\n"), home=home, after=after))
    if orphans:
        found[0].scripts[:0] = orphans
    return blocks


def _assign(blocks: list[ScriptBlock], found: list[_Found], kept: list[int]) -> Assignment:
    """Scripts per kept slide: each piece of code goes to the slides it draws on."""
    position = {index: n for n, index in enumerate(kept)}

    def slide_of(index: int | None) -> int | None:
        if index is None:
            return None
        # A dropped wrapper's scripts count as following the last kept slide before it.
        earlier = [position[i] for i in kept if i <= index]
        return earlier[-1] if earlier else 0

    moved = [
        ScriptBlock(code=b.code, home=slide_of(b.home), after=slide_of(b.after)) for b in blocks
    ]
    return assign_scripts(moved, [found[i].element for i in kept])


def _detach(found: list[_Found]) -> list[int]:
    """Take each container out of the tree (last-started first, so that an outer slide loses its
    nested ones) and return the indexes of those that are slides, in document order."""
    result: list[int] = []
    for index in reversed(range(len(found))):
        item = found[index]
        if item.element.getparent() is not None:
            item.element.drop_tree()  # keeps the text after it in the parent
        if item.had_nested and _is_empty(item.element) and not item.scripts:
            continue
        result.append(index)
    result.reverse()
    return result


def _is_empty(element: HtmlElement) -> bool:
    return not element.text_content().strip() and next(element.iter(*_MEDIA), None) is None


def _take_notes(element: HtmlElement) -> str:
    """Speaker notes written the reveal.js way (`<aside class="notes">`) leave the slide HTML."""
    notes = []
    for aside in list(element.iter("aside")):
        if "notes" in (aside.get("class") or "").split() and aside is not element:
            notes.append(" ".join(aside.text_content().split()))
            aside.drop_tree()
    return "\n".join(n for n in notes if n)[:MAX_NOTES_CHARS]


def _make_slide(
    element: HtmlElement,
    scripts: list[str],
    slide_id: str,
    label: str,
    removed: list[Removal] | None = None,
    number: int | None = None,
) -> Slide:
    notes = _take_notes(element)
    sanitize_tree(element, removed, number)
    element.attrib.pop("data-slide-id", None)
    classes = (element.get("class") or "").split()
    if "slide" not in classes:
        element.set("class", " ".join(["slide", *classes]))
    element.tail = None
    html = lxml.html.tostring(element, encoding="unicode", with_tail=False)
    slide = Slide(id=slide_id, html=html, scripts=tuple(scripts), notes=notes)
    if slide.size_bytes > MAX_SLIDE_BYTES:
        raise DeckParseError(
            f"{label} is {slide.size_bytes // 1000} KB of HTML and scripts; "
            f"the limit is {MAX_SLIDE_BYTES // 1000} KB"
        )
    return slide


def _title(root: HtmlElement) -> str | None:
    tag = next(root.iter("title"), None)
    if tag is None:
        return None
    text = " ".join(tag.text_content().split())
    return text[:MAX_TITLE_CHARS] or None
