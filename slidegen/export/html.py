"""Deck to one standalone HTML file: every slide, Chart.js inlined, nothing fetched from outside.

The document is `slidegen.deck.render.render_deck_document` with no asset base, so it opens from
disk with no network, carries the strict CSP, and prints one 1280x720 page per slide (`@page`
rule): a browser's "Save as PDF" on it gives a vector PDF. This is the app's PDF path where no
server-side Chromium exists.
"""

from __future__ import annotations

from slidegen.deck.model import Deck
from slidegen.deck.render import render_deck_document

__all__ = ["deck_to_html"]


def deck_to_html(deck: Deck) -> bytes:
    """The whole deck as a self-contained HTML document, UTF-8 encoded."""
    return render_deck_document(deck).encode("utf-8")
