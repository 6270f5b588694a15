"""What an agent run reports while it works: the events `run_generation` / `run_edit` yield.

Every run ends with exactly one `Finished` or `Failed` (unless the consumer cancels it, in which
case nothing more is yielded and nothing is saved). Slides in `SlideReady` are provisional
previews; the saved deck in `Finished.record` is the truth (its slide ids match the previews').
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from slidegen.deck.model import Slide

__all__ = [
    "AgentEvent",
    "Failed",
    "Finished",
    "Retrying",
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
class Retrying:
    """An edit's answer was unusable; the model is asked once more. `reason` says why."""

    reason: str


@dataclass(frozen=True)
class Finished:
    """The run saved one new deck version. `record` is the store's `DeckRecord`."""

    record: Any
    message: str
    trace_id: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Failed:
    """The run stopped; the deck is as it was. `message` is written for the user."""

    message: str
    trace_id: str | None = None


AgentEvent = TextDelta | ToolCallStarted | ToolResult | SlideReady | Retrying | Finished | Failed
