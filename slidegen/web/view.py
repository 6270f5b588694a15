"""Pure helpers that turn domain values into what the Reflex states hold (no Reflex imports).

The slide panel needs, per slide, a complete HTML document for a sandboxed iframe's `srcdoc`.
Rendering is cached per (deck styles, theme, slide) because a reorder, a selection or a rename
must not re-render 40 documents: slides are frozen values, so equal slides render to equal
documents.

Each slide's `SlideEntry` (title, document, notes) is kept in one of a fixed number of shard vars
(`place_entries`): Reflex resends a changed var whole, so a change resends only the shards that
hold a changed slide, and a new slide goes to the smallest shard, so with up to `SHARDS` slides
a content change resends that one slide and a generation streams each slide about once.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypedDict

from slidegen.deck.fitting import is_scaled_to_fit
from slidegen.deck.placeholders import is_failed_placeholder

__all__ = [
    "SHARDS",
    "DeckView",
    "SlideEntry",
    "deck_view",
    "format_time",
    "place_entries",
    "prose_of",
    "slide_document",
    "slide_entry",
]

# Number of shard vars the slide entries are spread over (see `place_entries`).
SHARDS = 64


@functools.lru_cache(maxsize=4096)
def _render(
    styles: str, deck_id: str, owner: str, slide: Any, asset_base: str, theme: Any = None
) -> str:
    from slidegen.deck import Deck, render_slide_document

    # The deck title only reaches the document's <title>; leaving it out of the key means a
    # rename does not re-render (and resend) every slide.
    deck = Deck(
        id=deck_id, owner=owner, title="slidegen", styles=styles, slides=(slide,), theme=theme
    )
    return render_slide_document(deck, slide, asset_base=asset_base)


def slide_document(deck: Any, slide: Any, asset_base: str = "") -> str:
    """The standalone document of one slide of `deck` (cached).

    `asset_base` is the app's origin as the browser sees it: the document then loads the vendored
    Chart.js from the app (cached once by the browser) instead of inlining 210 KB per slide.
    """
    theme = getattr(deck, "theme", None)
    return _render(deck.styles, deck.id, deck.owner, slide, asset_base, theme)


class SlideEntry(TypedDict):
    """What the panel shows of one slide. `title` is "" for an untitled slide ("Slide N");
    `scaled` when the slide was scaled down to fit its box (`slidegen.deck.fitting`); `failed`
    when it is the placeholder of a slide that could not be written
    (`slidegen.deck.placeholders`)."""

    title: str
    doc: str
    notes: str
    scaled: bool
    failed: bool


@dataclass(frozen=True)
class DeckView:
    """What the editor shows of one deck version."""

    order: list[str]
    entries: dict[str, SlideEntry]


def slide_entry(deck: Any, slide: Any, asset_base: str = "") -> SlideEntry:
    # No positional fallback title here: it would change on every reorder (and resend).
    return {
        "title": slide.title or "",
        "doc": slide_document(deck, slide, asset_base),
        "notes": slide.notes or "",
        "scaled": is_scaled_to_fit(slide),
        "failed": is_failed_placeholder(slide),
    }


def deck_view(deck: Any, asset_base: str = "") -> DeckView:
    return DeckView(
        order=[s.id for s in deck.slides],
        entries={s.id: slide_entry(deck, s, asset_base) for s in deck.slides},
    )


def place_entries(
    shards: Sequence[Mapping[str, Any]], entries: Mapping[str, Any], live: Collection[str]
) -> dict[int, dict[str, Any]]:
    """The shards to rewrite so that the client holds every entry of `entries`.

    `shards` are what the client holds now; `live` the slide ids still shown (besides
    `entries`). An entry already held unchanged costs nothing; a changed one rewrites its shard;
    a new one goes to the smallest shard. Entries of slides no longer shown stay where they are
    (a delete or a stop resends nothing, an undo can reuse them) until their shard is rewritten
    for another reason, when they are dropped. Returns {shard index: its new content}.
    """
    keep = set(live) | set(entries)
    where = {sid: i for i, shard in enumerate(shards) for sid in shard}
    sizes = [len(shard) for shard in shards]
    rewritten: dict[int, dict[str, Any]] = {}
    for sid, entry in entries.items():
        i = where.get(sid)
        if i is not None and shards[i].get(sid) == entry:
            continue  # the client has it (a rewritten copy of its shard keeps it too)
        if i is None:
            i = min(range(len(shards)), key=lambda j: (sizes[j], j))
            where[sid] = i
        if i not in rewritten:
            rewritten[i] = {k: v for k, v in shards[i].items() if k in keep}
        rewritten[i][sid] = entry
        sizes[i] = len(rewritten[i])
    return rewritten


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
