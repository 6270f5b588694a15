"""Scripted behaviour of the emulated model-serving endpoint and Genie spaces.

Tests, benchmarks and demos decide what the "model" answers and what "Genie" finds here, on the
same `Emulator` object the routes read (`api_serving`, `api_genie`):

    model = model_script(emu)                      # the serving endpoint's script
    model.replies.append(ModelReply(tool_calls=(ToolCall("query_genie_space", {...}),)))
    model.replies.append(lambda request: ModelReply(text=deck_using(request.tool_results())))
    model.tokens_per_s = 400                       # stream pacing (0 = as fast as possible)

    space = genie_space(emu, "space-1")
    space.answers.append(GenieAnswer(sql="SELECT ...", columns=[("region", "STRING")], rows=[...]))

A reply is either a `ModelReply` or a callable that builds one from the `ChatRequest` (the body the
client sent), so a scripted model can use the tool results it was given. When the queue is empty
the `default` responder answers; the built-in `demo_reply` (`demo_model`) calls the Genie tool
when the request offers it and writes a styled deck from the rows, which makes the emulator a
demo workspace (`slidegen.demo_workspace`) and usable by hand (`python -m slidegen.emulator`).
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from slidegen.emulator.core import Emulator

__all__ = [
    "ChatRequest",
    "GenieAnswer",
    "GenieSpace",
    "ModelReply",
    "ModelScript",
    "StreamRecord",
    "ToolCall",
    "demo_genie_answer",
    "demo_reply",
    "genie_space",
    "model_script",
]

GENIE_TOOL = "query_genie_space"


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
class ChatRequest:
    """The chat-completions body as the scripted model sees it."""

    endpoint: str
    messages: list[dict[str, Any]]
    tools: list[dict[str, Any]]
    stream: bool

    @staticmethod
    def _text(content: Any) -> str:
        if isinstance(content, str):
            return content
        if isinstance(content, list):  # OpenAI content parts
            return "".join(p.get("text", "") for p in content if isinstance(p, dict))
        return ""

    @property
    def system_text(self) -> str:
        return "\n".join(
            self._text(m.get("content")) for m in self.messages if m.get("role") == "system"
        )

    @property
    def last_user_text(self) -> str:
        for message in reversed(self.messages):
            if message.get("role") == "user":
                return self._text(message.get("content"))
        return ""

    def tool_results(self) -> list[str]:
        """Contents of the tool messages after the last user message, oldest first."""
        results: list[str] = []
        for message in reversed(self.messages):
            if message.get("role") == "user":
                break
            if message.get("role") == "tool":
                results.append(self._text(message.get("content")))
        return results[::-1]

    def offers_tool(self, name: str) -> bool:
        return any(t.get("function", {}).get("name") == name for t in self.tools)


Responder = ModelReply | Callable[[ChatRequest], ModelReply]


@dataclass
class StreamRecord:
    """One streamed answer: the chunks sent and when (perf_counter), for benchmarks (B3)."""

    endpoint: str
    chunks: list[str] = field(default_factory=list)
    sent_at: list[float] = field(default_factory=list)
    completed: bool = False

    @property
    def text(self) -> str:
        return "".join(self.chunks)


@dataclass
class ModelScript:
    """The serving endpoint's behaviour. `endpoints` None accepts any endpoint name."""

    replies: deque[Responder] = field(default_factory=deque)
    default: Callable[[ChatRequest], ModelReply] | None = None
    tokens_per_s: float = 0.0
    chars_per_token: int = 4
    endpoints: set[str] | None = None
    # Streams pause after `hold_after_chunks` delta chunks until `release` is set (tests use it
    # to look at the client while the model is provably still writing).
    hold_after_chunks: int | None = None
    release: threading.Event = field(default_factory=threading.Event)
    requests: list[ChatRequest] = field(default_factory=list)
    streams: list[StreamRecord] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_reply(self, request: ChatRequest) -> ModelReply:
        with self.lock:
            self.requests.append(request)
            responder: Responder | None = self.replies.popleft() if self.replies else None
        if responder is None:
            responder = self.default or demo_reply
        return responder(request) if callable(responder) else responder

    def tokens(self, text: str) -> list[str]:
        size = max(1, self.chars_per_token)
        return [text[i : i + size] for i in range(0, len(text), size)]


def model_script(emu: Emulator) -> ModelScript:
    return emu.state("serving.script", ModelScript)


# --- Genie -----------------------------------------------------------------------------------


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


GenieResponder = GenieAnswer | Callable[[str], GenieAnswer]


@dataclass
class GenieSpace:
    space_id: str
    title: str = "Emulated Genie space"
    answers: deque[GenieResponder] = field(default_factory=deque)
    default: Callable[[str], GenieAnswer] | None = None
    questions: list[str] = field(default_factory=list)

    def answer(self, question: str) -> GenieAnswer:
        self.questions.append(question)
        responder: GenieResponder = (
            self.answers.popleft() if self.answers else self.default or demo_genie_answer
        )
        return responder(question) if callable(responder) else responder


def genie_spaces(emu: Emulator) -> dict[str, GenieSpace]:
    return emu.state("genie.spaces", dict)


def genie_space(emu: Emulator, space_id: str, **kwargs: Any) -> GenieSpace:
    """The scripted space `space_id`, created on first use."""
    spaces = genie_spaces(emu)
    with emu.lock:
        if space_id not in spaces:
            spaces[space_id] = GenieSpace(space_id, **kwargs)
        return spaces[space_id]


def demo_genie_answer(question: str) -> GenieAnswer:
    """The demo space's answer (`demo_data`): revenue by region, or the monthly trend."""
    from slidegen.emulator.demo_data import demo_genie_answer as answer

    return answer(question)


# --- the demo model ----------------------------------------------------------------------------


def demo_reply(request: ChatRequest) -> ModelReply:
    """The demo model (`demo_model`): a styled deck from the prompt, charts from Genie's rows."""
    from slidegen.emulator.demo_model import demo_reply as reply

    return reply(request)


def now() -> float:
    return time.perf_counter()


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))
