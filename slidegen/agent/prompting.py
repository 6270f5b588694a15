"""The messages each run sends: the system prompt, a generation's request (with the deck it
revises), an edit's request and its retry. The texts live in `prompts/*.md`; this module decides
which one applies and what goes into it."""

from __future__ import annotations

from slidegen.agent import prompts
from slidegen.deck import SLIDE_HEIGHT, SLIDE_WIDTH, Deck, slide_source

__all__ = [
    "DEFAULT_SLIDES",
    "MAX_DECK_CONTEXT_CHARS",
    "edit_prompt",
    "edit_retry_prompt",
    "generation_prompt",
    "system_prompt",
]

# Beyond this much slide source a regeneration shows the model only the outline of the deck.
MAX_DECK_CONTEXT_CHARS = 120_000
DEFAULT_SLIDES = 8


def system_prompt(with_data_tool: bool) -> str:
    data = prompts.render("data_tool" if with_data_tool else "no_data_tool")
    return prompts.render(
        "system",
        width=SLIDE_WIDTH,
        height=SLIDE_HEIGHT,
        default_slides=DEFAULT_SLIDES,
        data_section=data,
    )


def generation_prompt(prompt: str, deck: Deck | None) -> str:
    """The user's request, with the deck it applies to when that deck already has slides.

    A follow-up such as "add a slide on risks" must see the deck it changes; a deck too large
    for the context budget is shown as its outline of titles.
    """
    if deck is None or not deck.slides:
        return prompt
    sources = "\n\n".join(slide_source(slide) for slide in deck.slides)
    if len(sources) + len(deck.styles) <= MAX_DECK_CONTEXT_CHARS:
        return prompts.render(
            "revise",
            deck_title=deck.title,
            count=len(deck.slides),
            instruction=prompt,
            styles=deck.styles,
            slides=sources,
        )
    outline = "\n".join(
        f"{n}. {slide.title or '(untitled)'}" for n, slide in enumerate(deck.slides, 1)
    )
    return prompts.render(
        "revise_outline",
        deck_title=deck.title,
        count=len(deck.slides),
        instruction=prompt,
        outline=outline,
    )


def edit_prompt(deck: Deck, ids: tuple[str, ...], instruction: str) -> str:
    """The chosen slides' source and the instruction; the model answers with exactly those."""
    return prompts.render(
        "edit",
        deck_title=deck.title,
        instruction=instruction,
        styles=deck.styles,
        count=len(ids),
        slides="\n\n".join(slide_source(deck.slide(i)) for i in ids),
    )


def edit_retry_prompt(problem: object, ids: tuple[str, ...]) -> str:
    return prompts.render("edit_retry", problem=problem, count=len(ids), ids=", ".join(ids))
