"""A deck's outline: what the model plans before any slide is written, and how it is read.

The outline answer is JSON Lines (`prompts/outline.md`): a first line with the deck's title,
then one line per slide (title, one-line intent, layout, the data questions it needs), or for a
follow-up on an existing deck `{"keep": N}` to keep slide N as it is. `OutlineReader` reads it
as it streams, so each slide's placeholder appears the moment its line is complete. Models are
messy: code fences, chatter, trailing commas and unknown layouts are tolerated; a line that is
not an object is skipped; an answer with no slide at all is an error.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from slidegen.agent import prompts
from slidegen.deck import MAX_SLIDES_PER_DECK, Deck

__all__ = [
    "LAYOUTS",
    "Outline",
    "OutlineEntry",
    "OutlineError",
    "OutlineReader",
    "outline_request",
    "outline_system_prompt",
]

LAYOUTS = ("title", "two-column", "kpi", "chart", "table", "quote", "text")
MAX_QUESTIONS_PER_SLIDE = 3
_TRAILING_COMMA = re.compile(r",\s*([}\]])")


class OutlineError(ValueError):
    """The outline answer holds no usable slide."""


@dataclass(frozen=True)
class OutlineEntry:
    """One planned slide; `keep` is the 1-based number of an existing slide kept as it is."""

    title: str = ""
    intent: str = ""
    layout: str = "text"
    data: tuple[str, ...] = ()
    keep: int | None = None

    def spec(self, number: int, total: int, deck_title: str, titles: list[str]) -> dict[str, Any]:
        """What the slide call is told about this slide (`prompts/slide_request.md`)."""
        return {
            "slide": number,
            "of": total,
            "deck_title": deck_title,
            "title": self.title,
            "intent": self.intent,
            "layout": self.layout,
            "outline": titles,
        }


@dataclass(frozen=True)
class Outline:
    title: str
    entries: tuple[OutlineEntry, ...] = field(default_factory=tuple)

    @property
    def questions(self) -> list[str]:
        """Every distinct data question, in the order the slides ask them."""
        return list(dict.fromkeys(q for e in self.entries for q in e.data))


class OutlineReader:
    """Reads the outline's lines as they stream; `feed` returns the entries completed."""

    def __init__(self, existing_slides: int = 0) -> None:
        self.title = ""
        self.entries: list[OutlineEntry] = []
        self._existing = existing_slides
        self._buffer = ""

    def feed(self, text: str) -> list[OutlineEntry]:
        self._buffer += text
        *lines, self._buffer = self._buffer.split("\n")
        return [e for e in (self._line(line) for line in lines) if e is not None]

    def close(self) -> Outline:
        """The whole outline; `OutlineError` when it plans no slide."""
        rest, self._buffer = self._buffer, ""
        self._line(rest)
        if not self.entries:
            raise OutlineError("the outline lists no slides")
        return Outline(self.title, tuple(self.entries))

    def _line(self, line: str) -> OutlineEntry | None:
        text = line.strip().rstrip(",")
        if not text.startswith("{"):
            return None  # a code fence, a list bracket or chatter
        try:
            value = json.loads(_TRAILING_COMMA.sub(r"\1", text))
        except ValueError:
            return None
        if not isinstance(value, dict):
            return None
        if len(self.entries) >= MAX_SLIDES_PER_DECK:
            return None
        entry = self._entry(value)
        if entry is None:
            if not self.title and isinstance(value.get("title"), str):
                self.title = " ".join(value["title"].split())[:200]
            return None
        self.entries.append(entry)
        return entry

    def _entry(self, value: dict[str, Any]) -> OutlineEntry | None:
        keep = value.get("keep")
        if isinstance(keep, int) and not isinstance(keep, bool):
            if 1 <= keep <= self._existing:
                return OutlineEntry(keep=keep)
            return None
        if not any(k in value for k in ("intent", "layout", "data")):
            return None  # the title line
        title = " ".join(str(value.get("title") or "").split())[:200]
        layout = str(value.get("layout") or "text").strip().lower()
        questions = value.get("data") or []
        if isinstance(questions, str):
            questions = [questions]
        data = tuple(
            " ".join(str(q).split())[:500]
            for q in questions[:MAX_QUESTIONS_PER_SLIDE]
            if isinstance(q, str | int | float) and str(q).strip()
        )
        return OutlineEntry(
            title=title,
            intent=" ".join(str(value.get("intent") or "").split())[:500],
            layout=layout if layout in LAYOUTS else "text",
            data=data,
        )


def outline_system_prompt(*, with_data: bool, follow_up: bool, default_slides: int) -> str:
    keep_rule = (
        "3. This is a change to an existing deck, listed in the request. For a slide that stays "
        'exactly as it is, write `{"keep": N}` (N: its number in the current deck) instead of '
        "an entry; write an entry only for slides that are new or must change.\n"
        if follow_up
        else ""
    )
    data_note = (
        "- A data space answers the `data` questions with SQL over the user's tables."
        if with_data
        else "- No data space is connected: leave every `data` list empty and use only figures "
        "the user gave."
    )
    return prompts.render(
        "outline",
        keep_rule=keep_rule,
        data_note=data_note,
        default_slides=default_slides,
        max_slides=min(MAX_SLIDES_PER_DECK, 60),
    )


def outline_request(prompt: str, deck: Deck | None) -> str:
    """The user's request, with the current deck's slides when it is a follow-up."""
    if deck is None or not deck.slides:
        return prompt
    listing = "\n".join(
        f"{n}. {slide.title or '(untitled)'}" for n, slide in enumerate(deck.slides, 1)
    )
    return f"{prompt}\n\nCurrent deck: {deck.title}\n{listing}"
