"""What the scripted model and Genie see and answer: plain value types, importing no other module
of the emulator (so the demo model, the demo data and the scripts can all use them).

- `ChatRequest` is the chat-completions body the client sent, with what a script needs to tell
  the agent's calls apart (`kind`: an outline, one slide, a fit retry of a slide, or any other
  chat turn) and read them (`slide_spec`, `data_texts`, `current_deck`, `request_text`).
- `ModelReply` is one turn of the model (text and tool calls); `ModelFailure` makes that call
  fail the way a serving endpoint does (an HTTP error before any token, or a stream cut after
  some chunks).
- `GenieAnswer` is Genie's answer to one question.

The call protocol (what the agent sends, see `slidegen.agent`):
- OUTLINE: the system message says `Plan the deck as an outline.`; the last user message holds
  the request and, for a follow-up, a `Current deck:` section listing `N. title` lines. The
  reply is JSON Lines: `{"title": ...}` then one `{"title", "intent", "layout", "data"}` (or
  `{"keep": N}`) per slide.
- SLIDE: the system message says `Write exactly one slide.`; a user message holds a fenced
  ```json block (`slide`, `of`, `deck_title`, `title`, `intent`, `layout`, `outline`) and a
  `Data:` section with zero or more Genie tool results. A later user message starting
  `The slide does not fit:` is a FIT retry of that slide.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

__all__ = [
    "FIT_MARKER",
    "GENIE_TOOL",
    "OUTLINE_MARKER",
    "SLIDE_MARKER",
    "CallKind",
    "ChatRequest",
    "GenieAnswer",
    "ModelFailure",
    "ModelReply",
    "ToolCall",
]

GENIE_TOOL = "query_genie_space"
OUTLINE_MARKER = "Plan the deck as an outline."
SLIDE_MARKER = "Write exactly one slide."
FIT_MARKER = "The slide does not fit:"
CURRENT_DECK = "Current deck:"

CallKind = Literal["outline", "slide", "fit", "chat"]

_SPEC_BLOCK = re.compile(r"```json\s*\n(.*?)\n\s*```", re.S)
_DECK_LINE = re.compile(r"^\s*(\d+)\.\s+(.+?)\s*$")
_GENIE_BLOCK = re.compile(r"<<<GENIE_DATA (\w+)>>>.*?<<<END GENIE_DATA \1>>>", re.S)


@dataclass(frozen=True)
class ToolCall:
    name: str
    arguments: dict[str, Any]
    id: str = ""


@dataclass(frozen=True)
class ModelReply:
    """What the model says in one turn: text, tool calls, or both."""

    text: str = ""
    tool_calls: tuple[ToolCall, ...] = ()


@dataclass(frozen=True)
class ModelFailure:
    """A call that fails. With `after_chunks` None the endpoint answers `status` with a
    Databricks error body before any token (`ModelFailure.rate_limited()` is the 429 of an
    endpoint over its limit); otherwise it streams `after_chunks` chunks of
    `reply` and cuts the connection (a non-streaming call gets the error answer)."""

    status: int = 500
    error_code: str = "INTERNAL_ERROR"
    message: str = "The model failed to answer; please try again."
    after_chunks: int | None = None
    retry_after_s: int | None = None  # sent as Retry-After (a scripted 429, a 503)
    reply: ModelReply = ModelReply(text='<section class="slide"><h2>Cut short')

    @classmethod
    def rate_limited(cls, retry_after_s: int | None = None) -> ModelFailure:
        return cls(429, "REQUEST_LIMIT_EXCEEDED", RATE_LIMITED, retry_after_s=retry_after_s)


RATE_LIMITED = (
    "REQUEST_LIMIT_EXCEEDED: Exceeded workspace rate limit for this endpoint. Please reduce your "
    "request rate or ask your workspace admin to raise the limit."
)


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # OpenAI content parts
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""


@dataclass(frozen=True)
class ChatRequest:
    """The chat-completions body as the scripted model sees it."""

    endpoint: str
    messages: list[dict[str, Any]]
    tools: list[dict[str, Any]]
    stream: bool

    @staticmethod
    def _text(content: Any) -> str:
        return _text(content)

    @property
    def system_text(self) -> str:
        return "\n".join(
            _text(m.get("content")) for m in self.messages if m.get("role") == "system"
        )

    def user_texts(self) -> list[str]:
        return [_text(m.get("content")) for m in self.messages if m.get("role") == "user"]

    @property
    def last_user_text(self) -> str:
        users = self.user_texts()
        return users[-1] if users else ""

    def tool_results(self) -> list[str]:
        """Contents of the tool messages after the last user message, oldest first."""
        results: list[str] = []
        for message in reversed(self.messages):
            if message.get("role") == "user":
                break
            if message.get("role") == "tool":
                results.append(_text(message.get("content")))
        return results[::-1]

    def offers_tool(self, name: str) -> bool:
        return any(t.get("function", {}).get("name") == name for t in self.tools)

    # --- the agent's call kinds -------------------------------------------------------------

    @property
    def kind(self) -> CallKind:
        system = self.system_text
        if OUTLINE_MARKER in system:
            return "outline"
        if SLIDE_MARKER in system:
            return "fit" if self.last_user_text.lstrip().startswith(FIT_MARKER) else "slide"
        return "chat"

    def _spec_message(self) -> str:
        return next((t for t in self.user_texts() if _SPEC_BLOCK.search(t)), "")

    @property
    def slide_spec(self) -> dict[str, Any]:
        """The fenced JSON block of a SLIDE call ({} when there is none or it is not JSON)."""
        found = _SPEC_BLOCK.search(self._spec_message())
        if not found:
            return {}
        try:
            spec = json.loads(found.group(1))
        except ValueError:
            return {}
        return spec if isinstance(spec, dict) else {}

    @property
    def slide_number(self) -> int | None:
        number = self.slide_spec.get("slide")
        return number if isinstance(number, int) and not isinstance(number, bool) else None

    def data_texts(self) -> list[str]:
        """The Genie answers in the `Data:` section of a SLIDE call, one text each.

        Delimited GENIE_DATA results are cut out one by one; anything else in the section (a
        tool error as the agent words it) is one text.
        """
        message = self._spec_message()
        _, found, section = message.partition("\nData:")
        if not found:
            return []
        blocks = [m.group(0) for m in _GENIE_BLOCK.finditer(section)]
        if blocks:
            return blocks
        rest = section.strip()
        return [rest] if rest and rest.lower() not in {"none", "(none)", "-"} else []

    @property
    def fit_measurement(self) -> str:
        """What the FIT retry says does not fit (empty for other calls)."""
        text = self.last_user_text.strip()
        return text[len(FIT_MARKER) :].strip() if text.startswith(FIT_MARKER) else ""

    @property
    def request_text(self) -> str:
        """The user's request of an OUTLINE call, without the `Current deck:` section."""
        return self.last_user_text.split(CURRENT_DECK, 1)[0].strip()

    @property
    def current_deck_title(self) -> str:
        """The deck title an OUTLINE follow-up may give on the `Current deck:` line itself."""
        _, found, section = self.last_user_text.partition(CURRENT_DECK)
        line = section.split("\n", 1)[0].strip() if found else ""
        return "" if _DECK_LINE.match(line) else line

    @property
    def current_deck(self) -> list[tuple[int, str]]:
        """The `N. title` lines of an OUTLINE follow-up's `Current deck:` section."""
        _, found, section = self.last_user_text.partition(CURRENT_DECK)
        if not found:
            return []
        slides: list[tuple[int, str]] = []
        for line in section.splitlines():
            match = _DECK_LINE.match(line)
            if match:
                slides.append((int(match.group(1)), match.group(2)))
            elif slides and line.strip():
                break  # the list has ended
        return slides


@dataclass(frozen=True)
class GenieAnswer:
    """Genie's answer to one question.

    `statuses` are reported one per poll of the message (the last one sticks), so a test can
    make Genie slow (`("SUBMITTED",) * 50 + ("COMPLETED",)`), never finish, or end in FAILED,
    CANCELLED or QUERY_RESULT_EXPIRED.
    """

    text: str = ""
    sql: str | None = None
    description: str = ""
    columns: Sequence[tuple[str, str]] = ()
    rows: Sequence[Sequence[Any]] = ()
    statuses: tuple[str, ...] = ("SUBMITTED", "EXECUTING_QUERY", "COMPLETED")
    error: str = "Genie could not answer this question"
