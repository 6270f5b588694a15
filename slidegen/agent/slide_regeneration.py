"""Writing one slide of a deck again: the "Retry" of a slide that failed, and "Regenerate" on any.

The slide is written by the same per-slide call as in an outline-first generation
(`slide_writer.py`), told its place in the deck (the titles of every slide) and the theme. A
failed placeholder carries what its outline entry planned (title, intent, layout, data
questions; the questions are asked of Genie again); a written slide is rewritten from its title
and its current text, with the user's instruction when there is one. The slide keeps its id and
position; anything else in the deck stays as it is.
"""

from __future__ import annotations

import html
import re

from slidegen.agent.converse import AgentFailure, Conversation
from slidegen.agent.events import Failed, SlideReady
from slidegen.agent.facts import Fact, FactFinder
from slidegen.agent.genie_memory import genie_meta
from slidegen.agent.model import chat_model
from slidegen.agent.outline import OutlineEntry
from slidegen.agent.outline_first import data_for, slide_system_prompt
from slidegen.agent.pacing import CallLimit
from slidegen.agent.requests import RegenerateRequest
from slidegen.agent.runs import Emit, RunFrame, RunSpec, Written
from slidegen.agent.slide_writer import SlideFailed, SlideJob, SlideWriter
from slidegen.deck import DeckOperationError, replace_slides
from slidegen.deck.placeholders import placeholder_info
from slidegen.deck.themes import DEFAULT_THEME_ID, builtin_theme
from slidegen.prompt_limit import prompt_problem

__all__ = ["regenerate_slide"]

_TAGS = re.compile(r"<[^>]+>")
MAX_CURRENT_TEXT = 2000


async def regenerate_slide(frame: RunFrame, request: RegenerateRequest, emit: Emit) -> None:
    """Write `request.slide_id` again; emits `SlideReady`, then `DeckWritten` or `Failed`."""
    deck = request.deck
    if request.slide_id not in deck.slide_ids:
        emit(Failed("This slide is not in the deck (any more)."))
        return
    instruction = request.instruction.strip()
    if instruction and (too_long := prompt_problem(instruction, "instruction")):
        emit(Failed(too_long))
        return
    index = deck.index_of(request.slide_id)
    slide = deck.slides[index]
    info = placeholder_info(slide)
    if info is not None:
        entry = OutlineEntry(info.title, info.intent, info.layout, info.questions)
    else:
        current = " ".join(html.unescape(_TAGS.sub(" ", slide.html)).split())[:MAX_CURRENT_TEXT]
        entry = OutlineEntry(
            slide.title,
            "Write this slide again, better, on the same subject. "
            + (f"The user asks: {instruction}. " if instruction else "")
            + f"Its current text: {current}",
        )
    theme = request.theme or deck.theme or builtin_theme(DEFAULT_THEME_ID)
    space = (request.genie_space_id or "").strip() or None
    settings = frame.settings

    async def body(conversation: Conversation) -> Written:
        finder = None
        try:
            facts: dict[str, Fact] = {}
            if space and entry.data:
                workspace = frame.workspace()
                finder = FactFinder(
                    workspace=frame.genie_client(request.user, workspace),
                    space_id=space,
                    settings=settings,
                    conversation_id=request.genie_conversation_id,
                    emit=emit,
                )
                facts = await finder.facts_for(entry.data)
            endpoint = request.endpoint or settings.serving_endpoint
            writer = SlideWriter(
                chat_model(settings, frame.workspace(), endpoint, max_retries=0),
                slide_system_prompt(theme),
                CallLimit(1),
                endpoint=endpoint,
                timeout_s=settings.llm_timeout_s,
                measure=request.fit_check,
                scale=request.fit_scale,
            )
            titles = [s.title for s in deck.slides]
            job = SlideJob(
                index,
                slide.id,
                entry.spec(index + 1, len(deck.slides), deck.title, titles),
                data_for(entry, facts, settings.genie_max_chars, bool(space)),
            )
            try:
                written = await writer.write(job)
            except SlideFailed as failure:
                raise AgentFailure(f"Slide {index + 1} could not be written: {failure}.") from None
            emit(SlideReady(index, written.slide))
            try:
                new_deck = replace_slides(deck, {slide.id: written.slide})
            except DeckOperationError as error:
                raise AgentFailure(f"The slide could not be applied: {error}.") from None
            meta = {"fit_passes": written.fit_passes, "scaled_to_fit": int(written.scaled)}
            if finder is not None and finder.sessions:
                meta.update(genie_meta(finder.sessions[0]))
            return Written(
                new_deck,
                f"Wrote slide {index + 1} again.",
                f"Regenerated slide {index + 1}",
                meta,
            )
        finally:
            if finder is not None:
                finder.close()

    spec = RunSpec(
        request.user,
        deck.id,
        "regenerate",
        instruction or f"regenerate slide {index + 1}",
        None,
        None,
        request.endpoint,
    )
    await frame.run(spec, lambda chunk: None, body, emit)
