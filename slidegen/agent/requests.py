"""What a caller asks the agent for: a deck written from a prompt, or chosen slides revised.

The agent is pure: everything it needs comes in the request (the deck being revised, the Genie
space to query and the Genie conversation to continue), and the finished deck comes back in a
`DeckWritten` event. Loading decks, checking access and saving versions is the service's job
(`slidegen.service.turns`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slidegen.agent.outline import Outline
from slidegen.deck import Deck, Slide
from slidegen.deck.themes import Theme
from slidegen.users import UserContext

__all__ = ["EditRequest", "GenerateRequest", "RegenerateRequest"]


@dataclass(frozen=True)
class GenerateRequest:
    """Write a deck from `prompt`.

    `deck` is the deck being revised (its slides are shown to the model and its id, title and
    styles carried over), or None for a new deck, which gets `deck_id` (a fresh id when None).
    `genie_space_id` None or "" runs without the data tool; `genie_conversation_id` continues
    an earlier conversation in that space. `theme` is the look slides are written for (the
    deck's own when None, else the default theme). `fit_check` measures a written slide in a
    browser (None: slides are not measured); `fit_scale` scales one that still does not fit
    (given the slide and its report)."""

    user: UserContext
    prompt: str
    deck: Deck | None = None
    deck_id: str | None = None
    genie_space_id: str | None = None
    genie_conversation_id: str | None = None
    endpoint: str | None = None
    theme: Theme | None = None
    fit_check: Callable[[Slide], Awaitable[Any]] | None = None
    fit_scale: Callable[[Slide, Any], Slide | None] | None = None
    # Outline review: `plan_only` stops after the outline (`OutlineReady`); `outline` is one
    # the user reviewed, written without planning again.
    plan_only: bool = False
    outline: Outline | None = None


@dataclass(frozen=True)
class EditRequest:
    """Revise the slides `slide_ids` of `deck` following `instruction`."""

    user: UserContext
    deck: Deck
    slide_ids: tuple[str, ...]
    instruction: str
    genie_space_id: str | None = None
    genie_conversation_id: str | None = None
    endpoint: str | None = None


@dataclass(frozen=True)
class RegenerateRequest:
    """Write slide `slide_id` of `deck` again (a failed placeholder from its plan, any other
    slide from its title and text, following `instruction` when given)."""

    user: UserContext
    deck: Deck
    slide_id: str
    instruction: str = ""
    genie_space_id: str | None = None
    genie_conversation_id: str | None = None
    endpoint: str | None = None
    theme: Theme | None = None
    fit_check: Callable[[Slide], Awaitable[Any]] | None = None
    fit_scale: Callable[[Slide, Any], Slide | None] | None = None
