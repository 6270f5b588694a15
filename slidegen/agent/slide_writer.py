"""One slide written by its own model call: the unit an outline-first generation runs in parallel.

`SlideWriter.write(job)` asks the model for exactly one slide (`prompts/slide.md`, with the
slide's outline entry, the whole outline's titles, the theme and the slide's data), parses the
answer into a `Slide` with the id its placeholder already has, and:
- on 429 backs off (Retry-After, else exponential with jitter) and lowers the run's
  concurrency for the rest of the run (`pacing.CallLimit`); these waits are not failures;
- retries any other failure (transport error, an answer that is not one slide) once, then
  raises `SlideFailed` with a sentence for the user;
- when a measurer is given, measures the slide; one that does not fit goes back to the model
  once with the measurement, and if it still does not fit is scaled into the box and marked
  (measured again after scaling, and scaled once more if it still spills).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    HumanMessage,
    SystemMessage,
)

from slidegen.agent import prompts
from slidegen.agent.failures import AgentFailure, describe_failure
from slidegen.agent.pacing import CallLimit, backoff_s, is_rate_limited
from slidegen.deck import SLIDE_HEIGHT, SLIDE_WIDTH, DeckParseError, Slide, parse_single_slide

__all__ = ["FitCheck", "SlideFailed", "SlideJob", "SlideWriter", "WrittenSlide"]

log = logging.getLogger(__name__)

MAX_SLIDE_CHARS = 400_000
MAX_THROTTLES = 8  # 429s one slide may wait out before it counts as failed
# Scaling is measured again; a slide still spilling by a few pixels is scaled once more.
SCALE_PASSES = 2


class SlideFailed(Exception):
    """A slide could not be written after its retry; `str()` says why, for the user."""


class FitReportLike(Protocol):
    fits: bool
    problems: tuple[str, ...]


# Measures a written slide in a browser; None when nothing can measure it here.
FitCheck = Callable[[Slide], Awaitable[FitReportLike | None]]
# Scales a slide that still does not fit into the box, with a marker; None when scaling cannot
# make it fit (the slide is kept as written).
FitScaler = Callable[[Slide, Any], Slide | None]


@dataclass(frozen=True)
class SlideJob:
    index: int
    slide_id: str
    # What the call is told about the slide (`OutlineEntry.spec`), or how to make it when the
    # call starts (the outline may still be streaming when the job is queued).
    spec: dict[str, Any] | Callable[[], dict[str, Any]]
    data: str  # the slide's facts as the model sees them, or "(none)"


@dataclass(frozen=True)
class WrittenSlide:
    slide: Slide
    fit_passes: int = 0  # model rewrites asked for because the slide did not fit
    scaled: bool = False
    fits: bool | None = None  # None: not measured


class SlideWriter:
    """Writes slides with `model` under `limit`; shared by every slide of one run."""

    def __init__(
        self,
        model: BaseChatModel,
        system: str,
        limit: CallLimit,
        *,
        endpoint: str,
        timeout_s: float,
        measure: FitCheck | None = None,
        scale: FitScaler | None = None,
    ) -> None:
        self.model = model
        self.system = system
        self.limit = limit
        self.endpoint = endpoint
        self.timeout_s = timeout_s
        self.measure = measure
        self.scale = scale
        self.calls = 0

    async def write(self, job: SlideJob) -> WrittenSlide:
        # The request is made when the call gets its turn (`_attempt`): a slide queued behind
        # the concurrency bound then sees the outline as complete as it is by then.
        messages: list[BaseMessage] = []
        slide, text = await self._attempt(job, messages)
        if self.measure is None:
            return WrittenSlide(slide)
        report = await self._measured(slide)
        if report is None or report.fits:
            return WrittenSlide(slide, fits=None if report is None else True)
        messages += [
            AIMessage(text),
            HumanMessage(
                prompts.render(
                    "slide_fit",
                    problems="; ".join(report.problems) or "content falls outside the slide",
                    width=SLIDE_WIDTH,
                    height=SLIDE_HEIGHT,
                )
            ),
        ]
        try:
            refit, _ = await self._attempt(job, messages)
        except SlideFailed:
            refit = slide  # the first version stands; it is scaled below
        again = await self._measured(refit)
        if again is None or again.fits:
            return WrittenSlide(refit, fit_passes=1, fits=None if again is None else True)
        current, report, scaled = refit, again, False
        for _ in range(SCALE_PASSES):
            smaller = self.scale(current, report) if self.scale is not None else None
            if smaller is None:
                break
            current, scaled = smaller, True
            report = await self._measured(current)
            if report is None or report.fits:
                return WrittenSlide(current, 1, scaled=True, fits=None if report is None else True)
        return WrittenSlide(current, fit_passes=1, scaled=scaled, fits=False)

    async def _measured(self, slide: Slide) -> FitReportLike | None:
        assert self.measure is not None
        try:
            return await self.measure(slide)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # an unmeasured slide is kept as written
            log.warning("could not measure slide %s: %s", slide.id, error)
            return None

    async def _attempt(self, job: SlideJob, messages: list[BaseMessage]) -> tuple[Slide, str]:
        """One slide from the model: 429s waited out, any other failure retried once."""
        failures = 0
        throttles = 0
        while True:
            try:
                async with self.limit:
                    if not messages:
                        spec = job.spec() if callable(job.spec) else job.spec
                        request = prompts.render(
                            "slide_request",
                            spec=json.dumps(spec, ensure_ascii=False, indent=1),
                            data=job.data,
                        )
                        messages += [SystemMessage(self.system), HumanMessage(request)]
                    self.calls += 1
                    text = await self._stream(messages)
                    self.limit.succeeded()
                return parse_single_slide(text, keep_id=job.slide_id), text
            except asyncio.CancelledError:
                raise
            except Exception as error:
                if is_rate_limited(error) and throttles < MAX_THROTTLES:
                    throttles += 1
                    self.limit.lower()
                    await asyncio.sleep(backoff_s(error, throttles))
                    continue
                failures += 1
                reason = self._reason(error)
                if failures >= 2:
                    raise SlideFailed(reason) from None
                log.info("slide %d failed once (%s); retrying", job.index + 1, reason)

    def _reason(self, error: BaseException) -> str:
        if isinstance(error, DeckParseError):
            return f"the answer was not one slide ({error})"
        if isinstance(error, AgentFailure):
            return str(error)
        return describe_failure(error, endpoint=self.endpoint, timeout_s=self.timeout_s)

    async def _stream(self, messages: list[BaseMessage]) -> str:
        parts: list[str] = []
        size = 0
        async with contextlib.aclosing(self.model.astream(messages)) as stream:
            async for chunk in stream:
                if not isinstance(chunk, AIMessageChunk):
                    continue
                text = chunk.content if isinstance(chunk.content, str) else _text_of(chunk.content)
                if text:
                    parts.append(text)
                    size += len(text)
                    if size > MAX_SLIDE_CHARS:
                        raise AgentFailure("the slide's answer grew too large")
        if not parts:
            raise AgentFailure("the model returned an empty answer")
        return "".join(parts)


def _text_of(content: Any) -> str:
    if isinstance(content, list):
        return "".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in content)
    return ""
