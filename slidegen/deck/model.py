"""The slide-deck domain: immutable `Slide` and `Deck` values, their limits and id helpers.

A `Slide` holds the outer HTML of its container (`<div class="slide">…</div>` or a `<section
class="slide">`), with its `<script>` blocks taken out into `scripts` (inline chart set-up, run
after the slide's HTML when rendered). A `Deck` adds the shared CSS of every slide. Both are
frozen: every change goes through `slidegen.deck.ops`, which returns a new deck, so a deck held
by the UI or the store can never change under anyone's feet.

No Reflex here: this package is imported by the agent, the store, the exports and the web layer.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from slidegen.deck.themes import Theme

__all__ = [
    "GENIE_DEFAULT",
    "GENIE_NONE",
    "MAX_DECK_INPUT_BYTES",
    "MAX_NOTES_CHARS",
    "MAX_SLIDES_PER_DECK",
    "MAX_SLIDE_BYTES",
    "MAX_TITLE_CHARS",
    "SLIDE_HEIGHT",
    "SLIDE_WIDTH",
    "Deck",
    "DeckLimitError",
    "Slide",
    "new_deck_id",
    "new_slide_id",
    "normalise_title",
]

SLIDE_WIDTH, SLIDE_HEIGHT = 1280, 720

# Limits. A slide of 200 KB is already far beyond what a model writes for one 1280x720 page; the
# cap keeps one bad edit from bloating every later version. 500 slides covers any real deck.
MAX_SLIDE_BYTES = 200_000  # html + scripts of one slide, UTF-8
MAX_SLIDES_PER_DECK = 500
MAX_TITLE_CHARS = 200
MAX_NOTES_CHARS = 20_000
MAX_DECK_INPUT_BYTES = 25_000_000  # one whole model answer handed to the parser

# A deck's `genie_space`: the app's configured GENIE_SPACE_ID (what every deck saved before the
# field existed reads as), no data at all, or a Genie space id.
GENIE_DEFAULT = "default"
GENIE_NONE = "none"

_SLIDE_ID_RE = re.compile(r"^s_[0-9a-f]{10}$")
_HEADING_RE = re.compile(r"<h[1-3][\s>]", re.IGNORECASE)


class DeckLimitError(ValueError):
    """A deck or slide exceeds one of the limits above; the message names the limit."""


def new_slide_id() -> str:
    return "s_" + secrets.token_hex(5)


def new_deck_id() -> str:
    return "d_" + secrets.token_hex(8)


def is_slide_id(value: str) -> bool:
    return bool(_SLIDE_ID_RE.match(value))


def normalise_title(title: str) -> str:
    """Collapse whitespace; raise `DeckLimitError` for an empty or over-long title."""
    cleaned = " ".join(str(title).split())
    if not cleaned:
        raise DeckLimitError("deck title is empty")
    if len(cleaned) > MAX_TITLE_CHARS:
        raise DeckLimitError(
            f"deck title is {len(cleaned)} characters long; the limit is {MAX_TITLE_CHARS}"
        )
    return cleaned


@dataclass(frozen=True)
class Slide:
    """One 1280x720 slide. `id` is stable across edits and reorders."""

    id: str
    html: str
    scripts: tuple[str, ...] = ()
    notes: str = ""

    @cached_property
    def title(self) -> str:
        """Text of the slide's first h1..h3 heading, else ""."""
        # Cheap pre-check: most list views ask for 200 titles at once.
        if not _HEADING_RE.search(self.html):
            return ""
        import lxml.html

        root = lxml.html.fragment_fromstring(self.html, create_parent="div")
        heading = next(root.iter("h1", "h2", "h3"), None)
        return " ".join(heading.text_content().split()) if heading is not None else ""

    @property
    def size_bytes(self) -> int:
        return len(self.html.encode()) + sum(len(s.encode()) for s in self.scripts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "html": self.html,
            "scripts": list(self.scripts),
            "notes": self.notes,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Slide:
        return cls(
            id=str(data["id"]),
            html=str(data["html"]),
            scripts=tuple(str(s) for s in data.get("scripts", ())),
            notes=str(data.get("notes", "")),
        )


@dataclass(frozen=True)
class Deck:
    """An ordered list of slides with shared CSS, owned by one user.

    `genie_space` is where the deck's data comes from: `GENIE_DEFAULT`, `GENIE_NONE` or a space
    id (changed only through `slidegen.deck.data_source.set_genie_space`).
    """

    id: str
    owner: str
    title: str
    styles: str = ""
    slides: tuple[Slide, ...] = field(default_factory=tuple)
    genie_space: str = GENIE_DEFAULT
    # The deck's look (`slidegen.deck.themes`); None: only the deck's own CSS, as before themes.
    theme: Theme | None = None

    def index_of(self, slide_id: str) -> int:
        """Position of a slide; `KeyError` naming the id if it is not in this deck."""
        for index, slide in enumerate(self.slides):
            if slide.id == slide_id:
                return index
        raise KeyError(slide_id)

    def slide(self, slide_id: str) -> Slide:
        return self.slides[self.index_of(slide_id)]

    @property
    def slide_ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.slides)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form (the store's snapshot format; `owner` and `id` included)."""
        return {
            "id": self.id,
            "owner": self.owner,
            "title": self.title,
            "styles": self.styles,
            "slides": [s.to_dict() for s in self.slides],
            "genie_space": self.genie_space,
            "theme": self.theme.to_dict() if self.theme is not None else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Deck:
        return cls(
            id=str(data["id"]),
            owner=str(data["owner"]),
            title=str(data["title"]),
            styles=str(data.get("styles", "")),
            slides=tuple(Slide.from_dict(s) for s in data.get("slides", ())),
            genie_space=str(data.get("genie_space") or GENIE_DEFAULT),
            theme=Theme.from_dict(data["theme"]) if data.get("theme") else None,
        )
