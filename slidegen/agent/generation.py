"""Writing a whole deck from a prompt: one model answer streamed into slides.

Each slide container that closes in the stream is previewed at once (`SlideReady`) with the id
it will keep: the final parse stamps the same ids onto the containers, so the saved deck's
slides match what the user already watches. A revision that leaves out the shared `<style>`
block keeps the deck's own styles: the slides it keeps were written for them.
"""

from __future__ import annotations

import dataclasses
import logging
import re

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from slidegen.agent.converse import AgentFailure, Conversation
from slidegen.agent.events import Failed, SlideReady
from slidegen.agent.prompting import generation_prompt, system_prompt
from slidegen.agent.requests import GenerateRequest
from slidegen.agent.runs import Emit, RunFrame, RunSpec, Written
from slidegen.agent.stream import SlideChunk
from slidegen.deck import (
    Deck,
    DeckOperationError,
    DeckParseError,
    new_deck_id,
    normalise_title,
    parse_deck_html,
    parse_single_slide,
    set_slides,
)
from slidegen.prompt_limit import prompt_problem

__all__ = ["deck_from_answer", "generate_deck", "preview_slide"]

log = logging.getLogger(__name__)

_TAG = re.compile(r"""<([A-Za-z][\w:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>""")
_SLIDE_ID_ATTR = re.compile(r"""\s+data-slide-id\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)""", re.I)


async def generate_deck(frame: RunFrame, request: GenerateRequest, emit: Emit) -> None:
    """Write the deck `request` asks for; emits previews, then `DeckWritten` or `Failed`."""
    prompt = request.prompt.strip()
    if not prompt:
        emit(Failed("Describe the deck you want: the prompt is empty."))
        return
    if too_long := prompt_problem(prompt, "prompt"):
        emit(Failed(too_long))
        return
    existing = request.deck
    deck_id = existing.id if existing else (request.deck_id or new_deck_id())
    owner = existing.owner if existing else request.user.user_id
    placements: list[tuple[int, str]] = []

    def on_slide(chunk: SlideChunk) -> None:
        preview_slide(chunk, placements, emit)

    async def body(conversation: Conversation) -> Written:
        messages: list[BaseMessage] = [
            SystemMessage(system_prompt(conversation.tool is not None)),
            HumanMessage(generation_prompt(prompt, existing)),
        ]
        text = await conversation.turn(messages)
        deck = deck_from_answer(deck_id, owner, prompt, text, placements, existing)
        return Written(
            deck,
            f"Created a deck of {len(deck.slides)} slides: {deck.title}.",
            f"Generated {len(deck.slides)} slides",
        )

    spec = RunSpec(
        request.user,
        deck_id,
        "generate",
        prompt,
        request.genie_space_id,
        request.genie_conversation_id,
        request.endpoint,
    )
    await frame.run(spec, on_slide, body, emit)


def preview_slide(chunk: SlideChunk, placements: list[tuple[int, str]], emit: Emit) -> None:
    """Show a slide that closed in the stream; `placements` records the id it was shown with."""
    try:
        slide = parse_single_slide(chunk.html)
    except DeckParseError as error:  # the final parse reports it if it matters
        log.info("streamed slide %d not previewable: %s", chunk.index + 1, error)
        return
    placements.append((chunk.start, slide.id))
    emit(SlideReady(len(placements) - 1, slide))


def deck_from_answer(
    deck_id: str,
    owner: str,
    prompt: str,
    text: str,
    placements: list[tuple[int, str]],
    existing: Deck | None,
) -> Deck:
    """The deck in a model's whole-deck answer, with the ids its previews were shown with."""
    try:
        parsed = parse_deck_html(_with_slide_ids(text, placements))
    except DeckParseError as error:
        raise AgentFailure(f"The model's answer could not be used as a deck: {error}.") from None
    title = parsed.title or next((s.title for s in parsed.slides if s.title), "") or prompt
    try:
        title = normalise_title(title[:200])
    except ValueError:
        title = existing.title if existing else "Untitled deck"
    styles = parsed.styles or (existing.styles if existing else "")
    # A revision keeps the deck's other settings (theme, data source); only content changes.
    base = (
        dataclasses.replace(existing, title=title, styles=styles)
        if existing
        else Deck(id=deck_id, owner=owner, title=title, styles=styles)
    )
    try:
        return set_slides(base, parsed.slides)
    except DeckOperationError as error:
        raise AgentFailure(f"The model's deck breaks a limit: {error}.") from None


def _with_slide_ids(text: str, placements: list[tuple[int, str]]) -> str:
    """Stamp each streamed container's opening tag with the id its preview got, so the final
    parse keeps the ids the UI has already seen."""
    out: list[str] = []
    last = 0
    for start, slide_id in placements:
        match = _TAG.match(text, start)
        if match is None:
            continue
        attrs = _SLIDE_ID_ATTR.sub("", match.group(2))
        out += [text[last:start], f'<{match.group(1)} data-slide-id="{slide_id}"{attrs}>']
        last = match.end()
    out.append(text[last:])
    return "".join(out)
