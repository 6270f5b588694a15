"""Slides and decks: the domain values, parsing model output, rendering, pure operations.

Pure Python plus lxml; nothing here imports Reflex, the store or the network.
"""

from slidegen.deck.model import (
    MAX_NOTES_CHARS,
    MAX_SLIDE_BYTES,
    MAX_SLIDES_PER_DECK,
    MAX_TITLE_CHARS,
    SLIDE_HEIGHT,
    SLIDE_WIDTH,
    Deck,
    DeckLimitError,
    Slide,
    new_deck_id,
    new_slide_id,
    normalise_title,
)
from slidegen.deck.ops import (
    DeckOperationError,
    delete_slides,
    duplicate_slide,
    edit_slide_html,
    insert_slides,
    move_slide,
    rename_deck,
    replace_slides,
    set_notes,
    set_slides,
    set_styles,
    set_theme,
)
from slidegen.deck.parse import (
    DeckParseError,
    ParsedDeck,
    parse_deck_html,
    parse_single_slide,
    slide_source,
)
from slidegen.deck.render import (
    CHART_JS_URL_PATH,
    chart_js_source,
    content_security_policy,
    render_deck_document,
    render_slide_document,
)

__all__ = [
    "CHART_JS_URL_PATH",
    "MAX_NOTES_CHARS",
    "MAX_SLIDES_PER_DECK",
    "MAX_SLIDE_BYTES",
    "MAX_TITLE_CHARS",
    "SLIDE_HEIGHT",
    "SLIDE_WIDTH",
    "Deck",
    "DeckLimitError",
    "DeckOperationError",
    "DeckParseError",
    "ParsedDeck",
    "Slide",
    "chart_js_source",
    "content_security_policy",
    "delete_slides",
    "duplicate_slide",
    "edit_slide_html",
    "insert_slides",
    "move_slide",
    "new_deck_id",
    "new_slide_id",
    "normalise_title",
    "parse_deck_html",
    "parse_single_slide",
    "rename_deck",
    "render_deck_document",
    "render_slide_document",
    "replace_slides",
    "set_notes",
    "set_slides",
    "set_styles",
    "set_theme",
    "slide_source",
]
