"""Writing a deck outline first, then every slide by its own model call, in parallel.

1. **Outline.** One short model call plans the deck (`outline.py`); each entry appears at once
   as a placeholder slide with its title (`SlidePlanned`).
2. **Data.** Each entry's data questions go to Genie as soon as the entry is complete, in
   parallel where independent (`facts.py`), so every slide is written from the same facts and
   Genie's seconds overlap the outline's stream.
3. **Slides.** Each slide is written by its own call (`slide_writer.py`) with at most
   `SLIDE_CONCURRENCY` at once; all share the theme, the outline and the data, so the deck reads
   as one. Each replaces its placeholder as soon as it is written (`SlideReady`). A slide that
   fails twice stays a placeholder marked failed (`SlideNotWritten`) and the deck is still
   written with the others; the chat says which.
4. A follow-up on a deck with slides plans against the current deck: entries that keep a slide
   (`{"keep": N}`) keep it as it is, so only new or changed slides are written.

With outline review the run stops after step 1 (`GenerateRequest.plan_only`: the result is
`OutlineReady`); the outline the user edited comes back as `GenerateRequest.outline` and is
written without planning again.

Stop cancels the run's task, which cancels every slide call and Genie poll; nothing is saved
(the service saves the one version when `DeckWritten` arrives).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import AIMessageChunk, BaseMessage, HumanMessage, SystemMessage

from slidegen.agent import prompts
from slidegen.agent.converse import MAX_ANSWER_CHARS, AgentFailure, Conversation
from slidegen.agent.events import (
    Failed,
    OutlineReady,
    SlideNotWritten,
    SlidePlanned,
    SlideReady,
)
from slidegen.agent.facts import Fact, FactFinder
from slidegen.agent.generation import deck_from_answer, preview_slide
from slidegen.agent.genie_memory import genie_meta
from slidegen.agent.model import chat_model
from slidegen.agent.outline import (
    Outline,
    OutlineEntry,
    OutlineError,
    OutlineReader,
    outline_request,
    outline_system_prompt,
)
from slidegen.agent.pacing import CallLimit
from slidegen.agent.prompting import DEFAULT_SLIDES
from slidegen.agent.requests import GenerateRequest
from slidegen.agent.runs import Emit, RunFrame, RunSpec, Written
from slidegen.agent.slide_writer import SlideFailed, SlideJob, SlideWriter, WrittenSlide
from slidegen.agent.stream import SlideSplitter
from slidegen.deck import (
    MAX_SLIDES_PER_DECK,
    SLIDE_HEIGHT,
    SLIDE_WIDTH,
    Deck,
    DeckOperationError,
    Slide,
    new_deck_id,
    new_slide_id,
    normalise_title,
    parse_single_slide,
    set_slides,
)
from slidegen.deck.placeholders import FAILED, placeholder_slide
from slidegen.deck.themes import DEFAULT_THEME_ID, Theme, builtin_theme, theme_prompt
from slidegen.prompt_limit import prompt_problem

__all__ = ["data_for", "generate_outline_first", "slide_system_prompt"]

log = logging.getLogger(__name__)

MAX_OUTLINE_CHARS = 200_000


async def generate_outline_first(frame: RunFrame, request: GenerateRequest, emit: Emit) -> None:
    """Write the deck `request` asks for; emits placeholders, Genie queries, slides, then
    `DeckWritten` or `Failed`."""
    prompt = request.prompt.strip()
    if not prompt:
        emit(Failed("Describe the deck you want: the prompt is empty."))
        return
    if too_long := prompt_problem(prompt, "prompt"):
        emit(Failed(too_long))
        return
    existing = request.deck
    deck_id = existing.id if existing else (request.deck_id or new_deck_id())
    theme = (
        request.theme or (existing.theme if existing else None) or builtin_theme(DEFAULT_THEME_ID)
    )
    space = (request.genie_space_id or "").strip() or None
    settings = frame.settings

    async def body(conversation: Conversation) -> Written | OutlineReady:
        finder = None
        if space and not request.plan_only:
            workspace = frame.workspace()
            finder = FactFinder(
                workspace=frame.genie_client(request.user, workspace),
                space_id=space,
                settings=settings,
                conversation_id=request.genie_conversation_id,
                emit=emit,
            )
        try:
            return await _write(conversation, finder)
        finally:
            if finder is not None:  # stops any Genie poll still running (cancel, failure)
                finder.close()

    async def _write(
        conversation: Conversation, finder: FactFinder | None
    ) -> Written | OutlineReady:
        planned: list[Slide] = []
        plan = PlanSoFar()
        endpoint = request.endpoint or settings.serving_endpoint
        writer = None
        if not request.plan_only:
            writer = SlideWriter(
                chat_model(settings, frame.workspace(), endpoint, max_retries=0),
                slide_system_prompt(theme),
                CallLimit(settings.slide_concurrency),
                endpoint=endpoint,
                timeout_s=settings.llm_timeout_s,
                measure=request.fit_check,
                scale=request.fit_scale,
            )
        tasks: dict[int, asyncio.Task[WrittenSlide | str]] = {}

        def spec_of(index: int, entry: OutlineEntry) -> dict[str, Any]:
            titles = [
                (existing.slides[e.keep - 1].title if existing and e.keep else e.title) or ""
                for e in plan.entries
            ]
            title = _title(Outline(plan.title, tuple(plan.entries)), prompt, existing)
            spec = entry.spec(index + 1, len(plan.entries), title, titles)
            if not plan.complete:
                spec["outline_complete"] = False  # more slides follow these
            return spec

        async def one(index: int, entry: OutlineEntry) -> WrittenSlide | str:
            assert writer is not None
            # Each slide waits only for its own data (asked while the outline streamed).
            facts = await finder.facts_for(entry.data) if finder is not None else {}
            job = SlideJob(
                index,
                planned[index].id,
                lambda: spec_of(index, entry),
                data_for(entry, facts, settings.genie_max_chars, bool(space)),
            )
            try:
                written = await writer.write(job)
            except SlideFailed as failure:
                failed = _placeholder(job.slide_id, entry, state=FAILED, reason=str(failure))
                planned[index] = failed
                emit(SlideNotWritten(index, failed, str(failure)))
                return str(failure)
            planned[index] = written.slide
            emit(SlideReady(index, written.slide))
            return written

        def placed(index: int, entry: OutlineEntry) -> None:
            plan.entries.append(entry)
            for question in entry.data if finder is not None else ():
                finder.ask(question)
            if writer is not None and entry.keep is None:
                # A slide's call starts as soon as its entry is complete (if a place is free),
                # not after the whole outline: the first slides arrive seconds sooner.
                tasks[index] = asyncio.create_task(one(index, entry), name="slidegen-slide")

        try:
            if request.outline is not None:
                plan.title = request.outline.title
                outline = _placed(request.outline, existing, planned, emit, placed)
            else:
                planned_or_deck = await _plan(
                    conversation, prompt, existing, bool(space), planned, emit, placed, plan
                )
                if isinstance(planned_or_deck, _DeckAnswer):
                    return _deck_answer_written(planned_or_deck)
                outline = planned_or_deck
            plan.title, plan.complete = outline.title, True
            if request.plan_only:
                return OutlineReady(outline)
            results = await asyncio.gather(*(tasks[i] for i in sorted(tasks)))
        finally:
            for task in tasks.values():
                task.cancel()
            await asyncio.gather(*tasks.values(), return_exceptions=True)
        assert writer is not None
        indexes = sorted(tasks)
        reasons = {i + 1: r for i, r in zip(indexes, results, strict=True) if isinstance(r, str)}
        if indexes and len(reasons) == len(indexes):
            raise AgentFailure(f"No slide could be written: {next(iter(reasons.values()))}.")
        deck_title = _title(outline, prompt, existing)
        deck = _assemble(deck_id, request, existing, deck_title, theme, planned)
        done = [r for r in results if isinstance(r, WrittenSlide)]
        message = f"Created a deck of {len(deck.slides)} slides: {deck.title}."
        if reasons:
            message += " " + _not_written(reasons)
        meta: dict[str, Any] = {
            "slide_calls": writer.calls,
            "fit_passes": sum(r.fit_passes for r in done),
            "scaled_to_fit": sum(1 for r in done if r.scaled),
            "throttled": writer.limit.throttled,
            "concurrency_peak": writer.limit.peak,
        }
        if reasons:
            meta["failed_slides"] = sorted(reasons)
        if finder is not None and finder.sessions and (first := genie_meta(finder.sessions[0])):
            meta.update(first)
        return Written(deck, message, f"Generated {len(deck.slides)} slides", meta)

    def _deck_answer_written(answer: _DeckAnswer) -> Written:
        owner = existing.owner if existing else request.user.user_id
        deck = deck_from_answer(deck_id, owner, prompt, answer.text, answer.placements, existing)
        if existing is None:  # a new deck wears the theme it was asked with
            deck = dataclasses.replace(deck, theme=theme)
        return Written(
            deck,
            f"Created a deck of {len(deck.slides)} slides: {deck.title}.",
            f"Generated {len(deck.slides)} slides",
            {"deck_in_outline_answer": True},
        )

    spec = RunSpec(
        request.user,
        deck_id,
        "generate",
        prompt,
        None,  # Genie is asked in the data phase, not offered as a tool
        None,
        request.endpoint,
    )
    await frame.run(spec, lambda chunk: None, body, emit)


@dataclass
class PlanSoFar:
    """The outline as far as it has streamed: what a slide call that starts early is told."""

    title: str = ""
    entries: list[OutlineEntry] = field(default_factory=list)
    complete: bool = False


@dataclass(frozen=True)
class _DeckAnswer:
    """The model answered the outline call with the whole deck: it is used as it is."""

    text: str
    placements: list[tuple[int, str]]


async def _plan(
    conversation: Conversation,
    prompt: str,
    existing: Deck | None,
    with_data: bool,
    planned: list[Slide],
    emit: Emit,
    placed: Callable[[int, OutlineEntry], None],
    plan: PlanSoFar,
) -> Outline | _DeckAnswer:
    """Stream the outline; each complete entry becomes a placeholder (or a kept slide).

    Models are messy: one that ignores the outline format and writes the deck itself gets its
    slides previewed as they stream and its deck used, instead of a failed generation."""
    follow_up = existing is not None and bool(existing.slides)
    reader = OutlineReader(len(existing.slides) if existing else 0)
    messages: list[BaseMessage] = [
        SystemMessage(
            outline_system_prompt(
                with_data=with_data, follow_up=follow_up, default_slides=DEFAULT_SLIDES
            )
        ),
        HumanMessage(outline_request(prompt, existing)),
    ]
    place = _placer(existing, planned, emit, placed)
    splitter = SlideSplitter()
    parts: list[str] = []
    placements: list[tuple[int, str]] = []
    deck_answer = False
    size = 0
    async with contextlib.aclosing(conversation.model.astream(messages)) as stream:
        async for chunk in stream:
            if not isinstance(chunk, AIMessageChunk) or not isinstance(chunk.content, str):
                continue
            text = chunk.content
            parts.append(text)
            size += len(text)
            if size > (MAX_ANSWER_CHARS if deck_answer else MAX_OUTLINE_CHARS):
                raise AgentFailure("The model's outline grew too large and was stopped.")
            if not deck_answer:
                for entry in reader.feed(text):
                    plan.title = plan.title or reader.title
                    place(entry)
            for closed in splitter.feed(text):
                if reader.entries:
                    continue  # markup inside an outline entry is not a slide
                if closed.index >= MAX_SLIDES_PER_DECK:
                    raise AgentFailure(
                        f"The model wrote more than {MAX_SLIDES_PER_DECK} slides, the most a "
                        "deck may hold, and was stopped; ask for fewer slides."
                    )
                deck_answer = True
                preview_slide(closed, placements, emit)
    if deck_answer:
        return _DeckAnswer("".join(parts), placements)
    before = len(reader.entries)
    try:
        outline = reader.close()
    except OutlineError as error:
        raise AgentFailure(f"The model's outline could not be used: {error}.") from None
    for entry in outline.entries[before:]:
        place(entry)
    if not any(e.keep is None for e in outline.entries) and not follow_up:
        raise AgentFailure("The model's outline could not be used: it plans no slide.")
    return outline


def _placer(
    existing: Deck | None,
    planned: list[Slide],
    emit: Emit,
    placed: Callable[[int, OutlineEntry], None],
) -> Callable[[OutlineEntry], None]:
    """Shows each entry as it is planned (a placeholder, or the slide a follow-up keeps) and
    sends its data questions on their way."""
    used: set[str] = set()

    def place(entry: OutlineEntry) -> None:
        if entry.keep is not None and existing is not None:
            kept = existing.slides[entry.keep - 1]
            # The same slide kept twice: the second is a copy with its own id.
            slide = kept if kept.id not in used else dataclasses.replace(kept, id=new_slide_id())
            used.add(slide.id)
        else:
            slide = _placeholder(new_slide_id(), entry)
        planned.append(slide)
        emit(SlidePlanned(len(planned) - 1, slide))
        placed(len(planned) - 1, entry)

    return place


def _placed(
    outline: Outline,
    existing: Deck | None,
    planned: list[Slide],
    emit: Emit,
    placed: Callable[[int, OutlineEntry], None],
) -> Outline:
    """A reviewed outline, checked (a kept slide must exist) and shown as placeholders."""
    count = len(existing.slides) if existing else 0
    entries = tuple(e for e in outline.entries if e.keep is None or 1 <= e.keep <= count)
    if not any(e.keep is None for e in entries) and not count:
        raise AgentFailure("The outline has no slide to write.")
    if len(entries) > MAX_SLIDES_PER_DECK:
        raise AgentFailure(f"The outline has more than {MAX_SLIDES_PER_DECK} slides.")
    place = _placer(existing, planned, emit, placed)
    for entry in entries:
        place(entry)
    return Outline(outline.title, entries)


def _not_written(reasons: dict[int, str]) -> str:
    numbers = sorted(reasons)
    if len(numbers) == 1:
        (n,) = numbers
        return (
            f"Slide {n} could not be written ({reasons[n]}); it stays a placeholder: "
            "use Retry on it."
        )
    listed = ", ".join(str(n) for n in numbers[:-1]) + f" and {numbers[-1]}"
    return (
        f"Slides {listed} could not be written ({reasons[numbers[0]]}); they stay placeholders: "
        "use Retry on each."
    )


def _placeholder(slide_id: str, entry: OutlineEntry, **kwargs: str) -> Slide:
    raw = placeholder_slide(
        slide_id,
        entry.title,
        entry.intent,
        layout=entry.layout,
        questions=entry.data,
        **kwargs,
    )
    return parse_single_slide(raw.html, keep_id=slide_id)


def slide_system_prompt(theme: Theme) -> str:
    return prompts.render(
        "slide", width=SLIDE_WIDTH, height=SLIDE_HEIGHT, theme_section=theme_prompt(theme)
    )


def data_for(entry: OutlineEntry, facts: dict[str, Fact], max_chars: int, with_data: bool) -> str:
    if not entry.data:
        return "(none: this slide needs no figures)"
    if not with_data:
        return "(no data space is connected: do not show figures that were not given)"
    share = max(500, max_chars // len(entry.data))
    return "\n\n".join(
        facts[q].for_model(share) if q in facts else f"Question: {q}\n(not answered)"
        for q in entry.data
    )


def _title(outline: Outline, prompt: str, existing: Deck | None) -> str:
    first = next((e.title for e in outline.entries if e.title), "")
    title = outline.title or (existing.title if existing else "") or first or prompt
    try:
        return normalise_title(title[:200])
    except ValueError:
        return existing.title if existing else "Untitled deck"


def _assemble(
    deck_id: str,
    request: GenerateRequest,
    existing: Deck | None,
    title: str,
    theme: Theme,
    slides: list[Slide],
) -> Deck:
    base = (
        dataclasses.replace(existing, title=title, theme=theme)
        if existing
        else Deck(id=deck_id, owner=request.user.user_id, title=title, theme=theme)
    )
    try:
        return set_slides(base, slides)
    except DeckOperationError as error:
        raise AgentFailure(f"The model's deck breaks a limit: {error}.") from None
