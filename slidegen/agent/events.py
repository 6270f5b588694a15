"""What an agent run reports while it works: the events `Agent.generate` / `Agent.edit` yield.

Every run ends with exactly one `DeckWritten` or `Failed` (unless the consumer cancels it, in
which case nothing more is yielded). Slides in `SlideReady` are provisional previews; the deck in
`DeckWritten` is the run's result (its slide ids match the previews'), which the service saves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from slidegen.deck.model import Deck, Slide

if TYPE_CHECKING:
    from slidegen.agent.outline import Outline

__all__ = [
    "AgentEvent",
    "DeckWritten",
    "Failed",
    "OutlineReady",
    "Retrying",
    "SlideNotWritten",
    "SlidePlanned",
    "SlideReady",
    "TextDelta",
    "ToolCallStarted",
    "ToolResult",
]


@dataclass(frozen=True)
class TextDelta:
    """A piece of the model's answer as it streams. `in_slide` is True while a slide container
    is open (the text is slide HTML); False for chatter between slides."""

    text: str
    in_slide: bool


@dataclass(frozen=True)
class ToolCallStarted:
    """The model asked Genie a question."""

    call_id: str
    question: str


@dataclass(frozen=True)
class ToolResult:
    """Genie's answer (or `error`), as shown to the user; the model saw a capped copy."""

    call_id: str
    question: str
    sql: str | None = None
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[str | None, ...], ...] = ()
    total_rows: int = 0
    text: str = ""
    error: str | None = None


@dataclass(frozen=True)
class SlideReady:
    """A slide container closed in the stream. Generation: `index` is its position in the new
    deck. Edit: `index` is the position of the slide it replaces (`slide.id` is that id)."""

    index: int
    slide: Slide


@dataclass(frozen=True)
class SlidePlanned:
    """An outline entry is complete: `slide` (a placeholder with its title, or a slide kept
    from the deck being revised) stands at `index` until `SlideReady` with the same id
    replaces it."""

    index: int
    slide: Slide


@dataclass(frozen=True)
class SlideNotWritten:
    """The slide at `index` failed twice; `slide` is its placeholder marked failed (saved
    with the deck so it can be regenerated) and `reason` says why."""

    index: int
    slide: Slide
    reason: str


@dataclass(frozen=True)
class OutlineReady:
    """A planning run's result (outline review): the outline to show the user, who may edit it
    before the slides are written from it. Nothing is written yet."""

    outline: Outline
    trace_id: str | None = None


@dataclass(frozen=True)
class Retrying:
    """An edit's answer was unusable; the model is asked once more. `reason` says why."""

    reason: str


@dataclass(frozen=True)
class DeckWritten:
    """The run's result: the whole new deck (nothing is saved yet). `message` closes the chat
    turn, `summary` names the version; `meta` records the Genie conversation used."""

    deck: Deck
    message: str
    summary: str
    trace_id: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Failed:
    """The run stopped; the deck is as it was. `message` is written for the user."""

    message: str
    trace_id: str | None = None


AgentEvent = TextDelta | ToolCallStarted | ToolResult | SlideReady | Retrying | DeckWritten | Failed
