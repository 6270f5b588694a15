"""Revising chosen slides of a deck: the per-slide edit.

The model sees exactly the chosen slides (their source and the deck's styles) and answers with
the same number of slides carrying the same `data-slide-id`s; each replaces its original in
place, so ids and positions stay. An unusable answer (a slide missing, extra slides, HTML that
does not parse) is retried once with a sharper instruction; a second one ends the run as failed.
"""

from __future__ import annotations

import contextlib

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from slidegen.agent.converse import AgentFailure, Conversation
from slidegen.agent.events import Failed, Retrying, SlideReady
from slidegen.agent.prompting import edit_prompt, edit_retry_prompt, system_prompt
from slidegen.agent.requests import EditRequest
from slidegen.agent.runs import Emit, RunFrame, RunSpec, Written
from slidegen.agent.stream import SlideChunk, SlideSplitter
from slidegen.deck import (
    DeckOperationError,
    DeckParseError,
    Slide,
    parse_deck_html,
    parse_single_slide,
    replace_slides,
)
from slidegen.prompt_limit import prompt_problem

__all__ = [
    "EditOutputError",
    "edit_input_problem",
    "edit_request_problem",
    "edit_slides",
    "replacements_in",
]


class EditOutputError(ValueError):
    """The model's edit answer does not hold exactly the wanted slides."""


def edit_input_problem(instruction: str, slide_ids: tuple[str, ...]) -> str | None:
    """Why an edit cannot run whatever the deck holds (said before it is read), or None."""
    if not instruction.strip():
        return "Say how the selected slides should change: the instruction is empty."
    if too_long := prompt_problem(instruction.strip(), "instruction"):
        return too_long
    if not slide_ids:
        return "Select at least one slide to edit."
    return None


def edit_request_problem(request: EditRequest) -> str | None:
    """Why the request cannot run (said before any model call), or None."""
    ids = tuple(dict.fromkeys(request.slide_ids))
    if problem := edit_input_problem(request.instruction, ids):
        return problem
    unknown = [i for i in ids if i not in request.deck.slide_ids]
    if unknown:
        return f"These slides are not in the deck (any more): {', '.join(unknown)}."
    return None


async def edit_slides(frame: RunFrame, request: EditRequest, emit: Emit) -> None:
    """Revise the request's slides; emits previews, then `DeckWritten` or `Failed`."""
    if problem := edit_request_problem(request):
        emit(Failed(problem))
        return
    deck = request.deck
    instruction = request.instruction.strip()
    ids = tuple(dict.fromkeys(request.slide_ids))
    positions = {slide_id: deck.index_of(slide_id) for slide_id in ids}

    def on_slide(chunk: SlideChunk) -> None:
        with contextlib.suppress(DeckParseError):
            slide = parse_single_slide(chunk.html)
            if slide.id in positions:
                emit(SlideReady(positions[slide.id], slide))

    async def body(conversation: Conversation) -> Written:
        messages: list[BaseMessage] = [
            SystemMessage(system_prompt(conversation.tool is not None)),
            HumanMessage(edit_prompt(deck, ids, instruction)),
        ]
        replacements: dict[str, Slide] = {}
        for attempt in (1, 2):
            text = await conversation.turn(messages)
            try:
                replacements = replacements_in(text, ids)
                break
            except EditOutputError as problem:
                if attempt == 2:
                    raise AgentFailure(
                        f"The model's revised slides could not be used ({problem})."
                    ) from None
                emit(Retrying(str(problem)))
                messages.append(HumanMessage(edit_retry_prompt(problem, ids)))
                conversation.splitter = SlideSplitter()
        try:
            new_deck = replace_slides(deck, replacements)
        except DeckOperationError as error:
            raise AgentFailure(f"The revised slides could not be applied: {error}.") from None
        plural = "s" if len(ids) > 1 else ""
        numbers = ", ".join(str(positions[i] + 1) for i in ids)
        return Written(
            new_deck, f"Revised slide{plural} {numbers}.", f"Edited slide{plural} {numbers}"
        )

    spec = RunSpec(
        request.user,
        deck.id,
        "edit",
        instruction,
        request.genie_space_id,
        request.genie_conversation_id,
        request.endpoint,
    )
    await frame.run(spec, on_slide, body, emit)


def replacements_in(text: str, ids: tuple[str, ...]) -> dict[str, Slide]:
    """The slides of the model's answer by id; `EditOutputError` unless exactly `ids`."""
    try:
        parsed = parse_deck_html(text)
    except DeckParseError as error:
        raise EditOutputError(str(error)) from None
    got = [s.id for s in parsed.slides]
    missing = [i for i in ids if i not in got]
    if len(got) != len(ids) or missing:
        detail = f"; missing data-slide-id {', '.join(missing)}" if missing else ""
        raise EditOutputError(
            f"expected {len(ids)} slides with the given ids, got {len(got)}{detail}"
        )
    return {s.id: s for s in parsed.slides}
