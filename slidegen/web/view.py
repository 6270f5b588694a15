"""Pure helpers that turn domain values into what the Reflex states hold (no Reflex imports).

The slide panel needs, per slide, a complete HTML document for a sandboxed iframe's `srcdoc`.
Rendering is cached per (deck styles, slide) because a reorder, a selection or a rename must not
re-render 40 documents: slides are frozen values, so equal slides render to equal documents.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

__all__ = ["DeckView", "deck_view", "format_time", "prose_of", "slide_document"]


@functools.lru_cache(maxsize=4096)
def _render(styles: str, deck_id: str, owner: str, slide: Any, asset_base: str) -> str:
    from slidegen.deck import Deck, render_slide_document

    # The deck title only reaches the document's <title>; leaving it out of the key means a
    # rename does not re-render (and resend) every slide.
    deck = Deck(id=deck_id, owner=owner, title="slidegen", styles=styles, slides=(slide,))
    return render_slide_document(deck, slide, asset_base=asset_base)


def slide_document(deck: Any, slide: Any, asset_base: str = "") -> str:
    """The standalone document of one slide of `deck` (cached).

    `asset_base` is the app's origin as the browser sees it: the document then loads the vendored
    Chart.js from the app (cached once by the browser) instead of inlining 210 KB per slide.
    """
    return _render(deck.styles, deck.id, deck.owner, slide, asset_base)


@dataclass(frozen=True)
class DeckView:
    """What the editor shows of one deck version."""

    order: list[str]
    titles: dict[str, str]
    docs: dict[str, str]
    notes: dict[str, str]


def deck_view(deck: Any, asset_base: str = "") -> DeckView:
    order = [s.id for s in deck.slides]
    return DeckView(
        order=order,
        titles={s.id: s.title or f"Slide {i + 1}" for i, s in enumerate(deck.slides)},
        docs={s.id: slide_document(deck, s, asset_base) for s in deck.slides},
        notes={s.id: s.notes for s in deck.slides},
    )


def format_time(value: Any) -> str:
    """A short local-ish timestamp for lists ("2025-01-31 14:05")."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value or "")


# What of the model's out-of-slide text is prose for the chat. The agent's `TextDelta.in_slide`
# is exact for slide bodies, but document parts outside slides (<title>, <style>, scripts), code
# fences and the edges of a slide's tags (`<div class="slide"` before it is known to open one,
# `v>` after `</di`) arrive as "outside" text: markup is dropped here, prose kept.
_BLOCKS = re.compile(r"<(style|script|title|head)\b.*?(</\1\s*>|$)", re.I | re.S)
_TAG = re.compile(r"<[^<>]*>|<[^<>]*$")
_TAG_TAIL = re.compile(r"(^|(?<=\s))[\w/]+>")
_FENCE = re.compile(r"^[ \t]*```[\w-]*[ \t]*$", re.M)
_BLANKS = re.compile(r"[ \t]*\n\s*\n\s*")


def prose_of(text: str) -> str:
    """The prose of a model's answer, without HTML markup, fences or tag fragments."""
    text = _BLOCKS.sub(" ", text)
    text = _TAG.sub(" ", text)
    text = _TAG_TAIL.sub(" ", text)
    text = _FENCE.sub("", text)
    text = re.sub(r"[ \t]+", " ", text)
    return _BLANKS.sub("\n\n", text).strip()
