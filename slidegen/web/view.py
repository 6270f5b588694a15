"""Pure helpers that turn domain values into what the Reflex states hold (no Reflex imports).

The slide panel needs, per slide, a complete HTML document for a sandboxed iframe's `srcdoc`.
Rendering is cached per (deck styles, slide) because a reorder, a selection or a rename must not
re-render 40 documents: slides are frozen values, so equal slides render to equal documents.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

__all__ = ["DeckView", "deck_view", "format_time", "slide_document"]


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
