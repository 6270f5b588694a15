"""Scripted behaviour of the emulated model-serving endpoint and Genie spaces.

Tests, benchmarks and demos decide what the "model" answers and what "Genie" finds here, on the
same `Emulator` object the routes read (`api_serving`, `api_genie`):

    model = model_script(emu)                      # the serving endpoint's script
    model.replies.append(ModelReply(tool_calls=(ToolCall("query_genie_space", {...}),)))
    model.replies.append(lambda request: ModelReply(text=deck_using(request.tool_results())))
    model.tokens_per_s = 400                       # stream pacing (0 = as fast as possible)

    space = genie_space(emu, "space-1")
    space.answers.append(GenieAnswer(sql="SELECT ...", columns=[("region", "STRING")], rows=[...]))

A reply is a `ModelReply`, a `ModelFailure`, a text, or a callable that builds one from the
`ChatRequest` (the body the client sent), so a scripted model can use the data it was given.

The agent's outline and per-slide calls (`replies` documents the protocol) are scripted by kind,
and each endpoint is paced and capped like a real one (`endpoints`):

    model.script("outline", outline_text("Q3 review", [{"title": "Revenue", ...}, ...]))
    model.script("slide", "<section class=\"slide\">...</section>", slide=3)
    model.script("slide", ModelFailure(500), slide=4, times=2)   # slide 4 fails twice
    model.script("fit", shorter_html, slide=2)                   # slide 2's fit retry
    model.pace(tokens_per_s=60, ttft_s=0.8)                      # every endpoint
    model.pace("ep", max_concurrent=2, retry_after_s=1)          # 429 beyond two calls
    model.stats("ep").peak_concurrent, .rejected, .calls         # what the endpoint served
    sample_deck(10, 900, overflowing={3}).script(model)          # a deck of known size (B9, B10)

A call takes the first reply queued for its kind and slide, then for its kind, then from
`replies`; when all are empty the `default` responder answers, else the demo model (`demo_model`
for chat turns, `demo_slides` for outline, slide and fit calls), which makes the emulator a demo
workspace (`slidegen.demo_workspace`) and usable by hand (`python -m slidegen.emulator`).
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from slidegen.emulator import demo_data, demo_model, demo_slides
from slidegen.emulator.core import Emulator
from slidegen.emulator.endpoints import CallRecord, EndpointSettings, EndpointStats
from slidegen.emulator.replies import (
    GENIE_TOOL,
    CallKind,
    ChatRequest,
    GenieAnswer,
    ModelFailure,
    ModelReply,
    ToolCall,
)

__all__ = [
    "GENIE_TOOL",
    "CallRecord",
    "ChatRequest",
    "EndpointSettings",
    "EndpointStats",
    "GenieAnswer",
    "GenieSpace",
    "ModelFailure",
    "ModelReply",
    "ModelScript",
    "StreamRecord",
    "ToolCall",
    "demo_genie_answer",
    "demo_reply",
    "genie_space",
    "model_script",
    "outline_text",
]

Answer = ModelReply | ModelFailure | str
Responder = Answer | Callable[[ChatRequest], Answer]

_UNSET: Any = object()


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
    """The serving endpoint's behaviour. `endpoints` None accepts any endpoint name.

    `tokens_per_s`, `ttft_s`, `max_concurrent` and `retry_after_s` apply to every endpoint
    unless `pace(endpoint, ...)` set that endpoint's own (`settings_for` resolves them).
    """

    replies: deque[Responder] = field(default_factory=deque)
    default: Callable[[ChatRequest], Answer] | None = None
    tokens_per_s: float = 0.0
    ttft_s: float = 0.0
    max_concurrent: int | None = None
    retry_after_s: int | None = None
    chars_per_token: int = 4
    endpoints: set[str] | None = None
    # Streams pause after `hold_after_chunks` delta chunks until `release` is set (tests use it
    # to look at the client while the model is provably still writing).
    hold_after_chunks: int | None = None
    release: threading.Event = field(default_factory=threading.Event)
    requests: list[ChatRequest] = field(default_factory=list)
    streams: list[StreamRecord] = field(default_factory=list)
    by_kind: dict[tuple[str, int | None], deque[Responder]] = field(default_factory=dict)
    endpoint_settings: dict[str, EndpointSettings] = field(default_factory=dict)
    endpoint_stats: dict[str, EndpointStats] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    # --- what the model answers ---------------------------------------------------------------

    def script(
        self, kind: CallKind, reply: Responder, *, slide: int | None = None, times: int = 1
    ) -> None:
        """Queue `reply` for the next `times` calls of `kind` ("outline", "slide", "fit" or
        "chat"), for slide number `slide` only when given."""
        if kind not in ("outline", "slide", "fit", "chat"):
            raise ValueError(f"unknown call kind {kind!r}")
        if times < 1:
            raise ValueError("times must be at least 1")
        with self.lock:
            self.by_kind.setdefault((kind, slide), deque()).extend([reply] * times)

    def pending(self, kind: CallKind, slide: int | None = None) -> int:
        """How many scripted replies for `kind` (and `slide`) are still unused."""
        with self.lock:
            return len(self.by_kind.get((kind, slide), ()))

    def next_reply(self, request: ChatRequest) -> ModelReply | ModelFailure:
        kind, slide = request.kind, request.slide_number
        with self.lock:
            self.requests.append(request)
            responder: Responder | None = None
            for key in ((kind, slide), (kind, None)) if slide is not None else ((kind, None),):
                queue = self.by_kind.get(key)
                if queue:
                    responder = queue.popleft()
                    break
            if responder is None and self.replies:
                responder = self.replies.popleft()
        if responder is None:
            responder = self.default or demo_reply
        answer = responder(request) if callable(responder) else responder
        return ModelReply(text=answer) if isinstance(answer, str) else answer

    def tokens(self, text: str) -> list[str]:
        size = max(1, self.chars_per_token)
        return [text[i : i + size] for i in range(0, len(text), size)]

    # --- how each endpoint serves -------------------------------------------------------------

    def pace(
        self,
        endpoint: str | None = None,
        *,
        tokens_per_s: float | None = _UNSET,
        ttft_s: float | None = _UNSET,
        max_concurrent: int | None = _UNSET,
        retry_after_s: int | None = _UNSET,
    ) -> None:
        """Set the pace, time to first token, concurrency cap (None: no cap) and the 429's
        Retry-After of `endpoint`, or of every endpoint without one. Only the knobs passed
        change; on an endpoint, None falls back to the script-wide value again."""
        knobs = {
            "tokens_per_s": tokens_per_s,
            "ttft_s": ttft_s,
            "max_concurrent": max_concurrent,
            "retry_after_s": retry_after_s,
        }
        given = {k: v for k, v in knobs.items() if v is not _UNSET}
        for name in ("tokens_per_s", "ttft_s"):
            if given.get(name) is not None and given[name] < 0:
                raise ValueError(f"{name} must not be negative")
        if given.get("max_concurrent") is not None and given["max_concurrent"] < 1:
            raise ValueError("max_concurrent must be at least 1 (None for no cap)")
        with self.lock:
            if endpoint is None:
                for name, value in given.items():
                    if value is None and name in ("tokens_per_s", "ttft_s"):
                        value = 0.0
                    setattr(self, name, value)
                return
            own = self.endpoint_settings.setdefault(endpoint, EndpointSettings())
            for name, value in given.items():
                setattr(own, name, value)

    def settings_for(self, endpoint: str) -> EndpointSettings:
        """The knobs `endpoint` serves with, every field resolved."""
        with self.lock:
            own = self.endpoint_settings.get(endpoint, EndpointSettings())
            return EndpointSettings(
                tokens_per_s=self.tokens_per_s if own.tokens_per_s is None else own.tokens_per_s,
                ttft_s=self.ttft_s if own.ttft_s is None else own.ttft_s,
                max_concurrent=(
                    self.max_concurrent if own.max_concurrent is None else own.max_concurrent
                ),
                retry_after_s=(
                    self.retry_after_s if own.retry_after_s is None else own.retry_after_s
                ),
            )

    def stats(self, endpoint: str) -> EndpointStats:
        """What `endpoint` served so far (created empty on first use)."""
        with self.lock:
            if endpoint not in self.endpoint_stats:
                self.endpoint_stats[endpoint] = EndpointStats(endpoint)
            return self.endpoint_stats[endpoint]

    def reset_stats(self) -> None:
        """Forget what every endpoint served (a benchmark's next run starts from zero)."""
        with self.lock:
            self.endpoint_stats.clear()


def outline_text(
    title: str, slides: Iterable[Mapping[str, Any] | int], *, pretty: bool = False
) -> str:
    """An OUTLINE reply as JSON Lines: the deck title, then one line per slide (an int keeps
    that existing slide: `{"keep": 3}`)."""
    lines = [{"title": title}]
    for slide in slides:
        lines.append({"keep": slide} if isinstance(slide, int) else dict(slide))
    separators = (", ", ": ") if pretty else (",", ":")
    return "\n".join(json.dumps(line, separators=separators) for line in lines) + "\n"


def model_script(emu: Emulator) -> ModelScript:
    return emu.state("serving.script", ModelScript)


# --- Genie -----------------------------------------------------------------------------------


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
    return demo_data.demo_genie_answer(question)


# --- the demo model ----------------------------------------------------------------------------


def demo_reply(request: ChatRequest) -> ModelReply:
    """The demo model: a styled deck from the prompt with charts from Genie's rows for a chat
    turn (`demo_model`); an outline, one slide or a shorter slide for the agent's outline, slide
    and fit calls (`demo_slides`)."""
    kind = request.kind
    if kind == "outline":
        return demo_slides.outline_reply(request)
    if kind == "slide":
        return demo_slides.slide_reply(request)
    if kind == "fit":
        return demo_slides.fit_reply(request)
    return demo_model.demo_reply(request)


def now() -> float:
    return time.perf_counter()


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))
