"""Pure operations on a `Deck`: each returns a new deck and leaves its argument untouched.

Bad input (an unknown slide id, an index out of range, a limit exceeded, HTML that is not exactly
one slide) raises `DeckOperationError` with a message that can be shown to the user as is.
Slide ids are unique within a deck: a slide inserted with an id the deck already has gets a fresh
id (read the returned deck for the ids actually used).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

from slidegen.deck.model import (
    MAX_NOTES_CHARS,
    MAX_SLIDE_BYTES,
    MAX_SLIDES_PER_DECK,
    Deck,
    DeckLimitError,
    Slide,
    new_slide_id,
    normalise_title,
)
from slidegen.deck.parse import DeckParseError, parse_single_slide
from slidegen.deck.sanitize import sanitize_css
from slidegen.deck.themes import Theme

__all__ = [
    "DeckOperationError",
    "delete_slides",
    "duplicate_slide",
    "edit_slide_html",
    "insert_slides",
    "move_slide",
    "rename_deck",
    "replace_slides",
    "set_notes",
    "set_slides",
    "set_styles",
    "set_theme",
]

MAX_STYLES_BYTES = 200_000


class DeckOperationError(ValueError):
    """An operation cannot be applied to this deck; the message says why."""


def _index(deck: Deck, slide_id: str) -> int:
    try:
        return deck.index_of(slide_id)
    except KeyError:
        raise DeckOperationError(f"slide {slide_id!r} is not in this deck") from None


def _checked(slide: Slide) -> Slide:
    if not isinstance(slide, Slide):
        raise DeckOperationError(f"expected a Slide, got {type(slide).__name__}")
    if slide.size_bytes > MAX_SLIDE_BYTES:
        raise DeckOperationError(
            f"slide {slide.id} is {slide.size_bytes // 1000} KB; the limit is "
            f"{MAX_SLIDE_BYTES // 1000} KB"
        )
    return slide


def set_slides(deck: Deck, slides: Iterable[Slide]) -> Deck:
    """The deck with exactly these slides (validated: limits, unique ids)."""
    result = tuple(_checked(s) for s in slides)
    if len(result) > MAX_SLIDES_PER_DECK:
        raise DeckOperationError(
            f"a deck holds at most {MAX_SLIDES_PER_DECK} slides (this change would make "
            f"{len(result)})"
        )
    ids = [s.id for s in result]
    if len(set(ids)) != len(ids):
        raise DeckOperationError("slide ids must be unique within a deck")
    return dataclasses.replace(deck, slides=result)


def insert_slides(deck: Deck, index: int, slides: Iterable[Slide]) -> Deck:
    """Insert slides before position `index` (0 = first, len(deck.slides) = append)."""
    if not 0 <= index <= len(deck.slides):
        raise DeckOperationError(f"insert position {index} is outside 0..{len(deck.slides)}")
    taken = set(deck.slide_ids)
    fresh = []
    for slide in slides:
        slide = _checked(slide)
        if slide.id in taken:
            slide = dataclasses.replace(slide, id=new_slide_id())
        taken.add(slide.id)
        fresh.append(slide)
    return set_slides(deck, (*deck.slides[:index], *fresh, *deck.slides[index:]))


def replace_slides(deck: Deck, replacements: Mapping[str, Slide]) -> Deck:
    """Replace slides by id, keeping their positions and ids (a replacement's own id is ignored).

    Speaker notes are kept when the replacement has none.
    """
    for slide_id in replacements:
        _index(deck, slide_id)
    slides = []
    for slide in deck.slides:
        new = replacements.get(slide.id)
        if new is None:
            slides.append(slide)
            continue
        _checked(new)
        slides.append(dataclasses.replace(new, id=slide.id, notes=new.notes or slide.notes))
    return set_slides(deck, slides)


def move_slide(deck: Deck, slide_id: str, to_index: int) -> Deck:
    """Move one slide so that it ends up at position `to_index` of the result."""
    source = _index(deck, slide_id)
    if not 0 <= to_index < len(deck.slides):
        raise DeckOperationError(f"target position {to_index} is outside 0..{len(deck.slides) - 1}")
    slides = list(deck.slides)
    slides.insert(to_index, slides.pop(source))
    return dataclasses.replace(deck, slides=tuple(slides))


def duplicate_slide(deck: Deck, slide_id: str) -> Deck:
    """Insert a copy (new id, same HTML, scripts and notes) right after the slide."""
    index = _index(deck, slide_id)
    copy = dataclasses.replace(deck.slides[index], id=new_slide_id())
    return insert_slides(deck, index + 1, [copy])


def delete_slides(deck: Deck, slide_ids: Iterable[str]) -> Deck:
    doomed = set(slide_ids)
    if not doomed:
        raise DeckOperationError("no slide to delete")
    for slide_id in doomed:
        _index(deck, slide_id)
    return dataclasses.replace(deck, slides=tuple(s for s in deck.slides if s.id not in doomed))


def edit_slide_html(deck: Deck, slide_id: str, html: str) -> Deck:
    """Replace one slide by HTML that must parse to exactly one slide (scripts included)."""
    index = _index(deck, slide_id)
    try:
        parsed = parse_single_slide(html, keep_id=slide_id)
    except DeckParseError as error:
        raise DeckOperationError(f"slide {index + 1}: {error}") from None
    return replace_slides(deck, {slide_id: parsed})  # keeps the notes unless the HTML has some


def rename_deck(deck: Deck, title: str) -> Deck:
    try:
        return dataclasses.replace(deck, title=normalise_title(title))
    except DeckLimitError as error:
        raise DeckOperationError(str(error)) from None


def set_notes(deck: Deck, slide_id: str, notes: str) -> Deck:
    index = _index(deck, slide_id)
    if len(notes) > MAX_NOTES_CHARS:
        raise DeckOperationError(
            f"speaker notes are {len(notes)} characters; the limit is {MAX_NOTES_CHARS}"
        )
    slides = list(deck.slides)
    slides[index] = dataclasses.replace(slides[index], notes=notes)
    return dataclasses.replace(deck, slides=tuple(slides))


def set_styles(deck: Deck, styles: str) -> Deck:
    """Replace the deck's shared CSS (sanitised like parsed CSS: no imports, no external urls)."""
    if len(styles.encode()) > MAX_STYLES_BYTES:
        raise DeckOperationError(f"deck styles are larger than {MAX_STYLES_BYTES // 1000} KB")
    return dataclasses.replace(deck, styles=sanitize_css(styles).strip())


def set_theme(deck: Deck, theme: Theme | None) -> Deck:
    """The deck with `theme` (None: no theme). Slides keep their HTML: every view re-renders
    them with the new theme's CSS, so a switch needs no model call."""
    if theme is not None and not isinstance(theme, Theme):
        raise DeckOperationError(f"expected a Theme, got {type(theme).__name__}")
    return dataclasses.replace(deck, theme=theme)
