"""Chat turns: run the agent for a user's request and save what it wrote as one version.

`TurnService.generate` (write or rewrite a deck from a prompt) and `TurnService.edit` (revise
chosen slides) are the one implementation of a turn for every front (the UI's chat, the CLI,
the MCP server). Each:
- loads the deck through `DeckService` (so its access rule applies) and gives the agent exactly
  that deck, the Genie space to use and the Genie conversation to continue;
- records the user's request in the deck's chat before the model is called;
- passes the agent's events through as they come (previews, Genie queries, retries);
- on `DeckWritten` saves ONE version (`GENERATE`, `CHAT_EDIT`, or `CREATE` for a new deck,
  which is created with its content so a failure leaves no empty deck) from the version the
  agent was shown, records the assistant's message with the MLflow trace id and the Genie
  conversation in `meta`, and yields `TurnSaved`;
- on failure yields `Failed` (and notes it in the chat); a deck changed meanwhile is refused by
  the conflict policy and nothing is saved;
- when the consumer stops early or is cancelled, saves nothing (the agent's task is cancelled,
  which closes the model stream and stops Genie) and leaves a note in the chat.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from slidegen.agent import (
    Agent,
    AgentEvent,
    DeckWritten,
    EditRequest,
    Failed,
    GenerateRequest,
    Outline,
    OutlineReady,
    RegenerateRequest,
    edit_input_problem,
    edit_request_problem,
    remembered_conversation,
)
from slidegen.agent.slide_writer import FitCheck
from slidegen.config import Settings, get_settings
from slidegen.deck import Deck, DeckOperationError, Slide
from slidegen.deck.fitting import (
    MIN_SCALE,
    is_scaled_to_fit,
    scale_slide_to_fit,
    slide_fit_scale,
)
from slidegen.deck.themes import DEFAULT_THEME_ID, Theme, builtin_theme
from slidegen.export.fit import (
    FitReport,
    FitSession,
    FitUnavailable,
    fit_session,
    measure_fit_available,
)
from slidegen.prompt_limit import prompt_problem
from slidegen.service.data_sources import default_genie_space, space_for_deck
from slidegen.service.decks import MISSING_MESSAGE, DeckService, Status
from slidegen.store import ChangeKind, DeckRecord
from slidegen.users import UserContext

__all__ = [
    "CHANGED_MEANWHILE",
    "TurnEvent",
    "TurnSaved",
    "TurnService",
    "TurnStarted",
    "scaled_to_fit",
]

log = logging.getLogger(__name__)

FIT_MARGIN = 0.9  # of the measured scale, so content is not drawn exactly at the edge

CHANGED_MEANWHILE = "The deck was changed elsewhere while this ran; nothing was saved. Try again."


@dataclass(frozen=True)
class TurnSaved:
    """The turn saved one new version; `record` is it (its slide ids match the previews')."""

    record: DeckRecord
    message: str
    trace_id: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TurnStarted:
    """A generation is under way with this theme (what its slide previews are drawn with)."""

    theme: Theme | None


TurnEvent = TurnStarted | AgentEvent | TurnSaved
# Given the deck's look, the check that measures one written slide (`slidegen.export.fit`).
Measurer = Callable[[Deck], FitCheck]


def scaled_to_fit(slide: Slide, report: FitReport) -> Slide | None:
    """`slide` scaled into its box as `report` measured it (marked on its card; a slide already
    scaled is scaled again from its original), or None when
    scaling cannot fix it (nothing reaches past the box, or it would need to shrink too far).

    Text spilling out of its own box often comes with content past the slide (a flex column
    squeezes the heading above a tall table); drawn in the larger box scaling gives, it fits."""
    beyond = any(issue.kind in ("beyond", "outside") for issue in report.issues)
    # Already scaled and still squeezed: a little smaller again gives the items their room.
    beyond = beyond or (is_scaled_to_fit(slide) and bool(report.issues))
    # A little room to spare: content measured exactly at the edge of the larger box still
    # squeezes flex items (a heading) by a few pixels.
    scale = math.floor(slide_fit_scale(slide) * report.scale * FIT_MARGIN * 1000) / 1000
    if not beyond or not MIN_SCALE <= scale < 1.0:
        return None
    holder = Deck(id="d_fitscale", owner="fit", title="Fit", slides=(slide,))
    try:
        return scale_slide_to_fit(holder, slide.id, scale).slide(slide.id)
    except DeckOperationError:
        return None


class ServerFitCheck:
    """Measures a turn's slides with one Chromium kept open for the turn (`fit_session`: a
    tenth of a second a slide instead of a browser start each); `close()` ends it."""

    def __init__(self, context: Deck) -> None:
        self._context = context
        self._lock = asyncio.Lock()
        self._stack: contextlib.AsyncExitStack | None = None
        self._session: FitSession | None = None
        self._unavailable = False

    async def __call__(self, slide: Slide) -> FitReport | None:
        async with self._lock:
            if self._session is None and not self._unavailable:
                stack = contextlib.AsyncExitStack()
                try:
                    self._session = await stack.enter_async_context(fit_session())
                    self._stack = stack
                except FitUnavailable as why:
                    self._unavailable = True
                    log.info("slides not measured: %s", why)
        if self._session is None:
            return None
        try:
            (report,) = await self._session.measure([slide], self._context)
        except FitUnavailable as why:
            log.info("slide not measured: %s", why)
            return None
        return report if report.measured else None

    async def close(self) -> None:
        stack, self._stack, self._session = self._stack, None, None
        if stack is not None:
            await stack.aclose()


async def _closed(check: FitCheck | None) -> None:
    """End the turn's Chromium, if it opened one (also when the turn was stopped)."""
    if isinstance(check, ServerFitCheck):
        try:
            await check.close()
        except Exception:  # the turn's outcome stands; a browser that will not close is logged
            log.warning("could not close the fit-check browser", exc_info=True)


class TurnService:
    """Generation and edit turns over `decks`, with the agent `agent()` returns (read at each
    turn, so tests and settings changes are picked up)."""

    def __init__(
        self,
        decks: DeckService,
        agent: Callable[[], Agent] | None = None,
        settings: Callable[[], Settings] = get_settings,
    ) -> None:
        self.decks = decks
        self._settings = settings
        self._agent = agent or (lambda: Agent(self._settings()))

    # ------------------------------------------------------------------------- generation
    async def generate(
        self,
        user: UserContext,
        prompt: str,
        *,
        deck_id: str | None = None,
        genie_space_id: str | None = None,
        endpoint: str | None = None,
        theme: Theme | None = None,
        measurer: Measurer | None = None,
        review_outline: bool = False,
        outline: Outline | None = None,
    ) -> AsyncIterator[TurnEvent]:
        """Write a new deck (`deck_id` None) or rewrite `deck_id` from `prompt`.

        With `review_outline` the turn ends at the outline (`OutlineReady`, nothing saved);
        the user's edited `outline` then comes back here to be written.

        `genie_space_id` None uses the deck's chosen space (the app's default for a new deck);
        "" runs without data. `theme` None keeps the deck's (the default theme for a new deck).
        `measurer(deck)` gives the check that measures written slides drawn with `deck`'s look
        (the UI's measures in the user's browser); None uses the server's Chromium when it is
        installed. Nothing is measured with AUTO_FIT off."""
        owner = user  # the service checks access with the whole user (e-mail, groups)
        prompt = prompt.strip()
        if not prompt:
            yield Failed("Describe the deck you want: the prompt is empty.")
            return
        if too_long := prompt_problem(prompt, "prompt"):
            yield Failed(too_long)
            return
        existing: DeckRecord | None = None
        conversation = None
        if deck_id:
            existing = await self.decks.open(owner, deck_id)
            if existing is None:
                yield Failed(f"Deck {deck_id} was not found.")
                return
        elif full := await self.decks.room_for_a_deck(owner):
            yield Failed(full)  # before the model runs: its deck could not be saved
            return
        space = self._space(genie_space_id, existing.deck if existing else None)
        if existing is not None:
            if outline is None:  # a reviewed outline continues the request already recorded
                await self.decks.add_chat(owner, existing.deck.id, "user", prompt)
            conversation = await self._conversation(owner, existing.deck.id, space)
        look = (
            theme or (existing.deck.theme if existing else None) or builtin_theme(DEFAULT_THEME_ID)
        )
        check = self._fit_check(measurer, existing.deck if existing else None, look)
        request = GenerateRequest(
            user,
            prompt,
            deck=existing.deck if existing else None,
            genie_space_id=space,
            genie_conversation_id=conversation,
            endpoint=endpoint,
            theme=look,
            fit_check=check,
            fit_scale=scaled_to_fit if check is not None else None,
            plan_only=review_outline and outline is None,
            outline=outline,
        )
        if self._settings().generation_mode == "outline":
            yield TurnStarted(look)
        events = self._agent().generate(request)
        try:
            async for event in self._drive(user, "generate", prompt, existing, events):
                yield event
        finally:
            await _closed(check)

    # ------------------------------------------------------------------------------ edits
    async def edit(
        self,
        user: UserContext,
        deck_id: str,
        slide_ids: Sequence[str],
        instruction: str,
        *,
        genie_space_id: str | None = None,
        endpoint: str | None = None,
    ) -> AsyncIterator[TurnEvent]:
        """Revise the slides `slide_ids` of `deck_id` following `instruction`."""
        owner = user
        ids = tuple(dict.fromkeys(slide_ids))
        if problem := edit_input_problem(instruction, ids):
            yield Failed(problem)
            return
        existing = await self.decks.open(owner, deck_id)
        if existing is None:
            yield Failed(f"Deck {deck_id} was not found.")
            return
        space = self._space(genie_space_id, existing.deck)
        request = EditRequest(user, existing.deck, ids, instruction.strip(), space, None, endpoint)
        if problem := edit_request_problem(request):
            yield Failed(problem)
            return
        await self.decks.add_chat(
            owner, deck_id, "user", request.instruction, meta={"slide_ids": list(ids)}
        )
        conversation = await self._conversation(owner, deck_id, space)
        if conversation:
            request = EditRequest(
                user, existing.deck, ids, request.instruction, space, conversation, endpoint
            )
        events = self._agent().edit(request)
        async for event in self._drive(user, "edit", request.instruction, existing, events):
            yield event

    # ----------------------------------------------------------------------- regeneration
    async def regenerate(
        self,
        user: UserContext,
        deck_id: str,
        slide_id: str,
        instruction: str = "",
        *,
        endpoint: str | None = None,
        measurer: Measurer | None = None,
    ) -> AsyncIterator[TurnEvent]:
        """Write slide `slide_id` again (Retry on a failed placeholder, Regenerate on any
        slide), as one version."""
        owner = user
        existing = await self.decks.open(owner, deck_id)
        if existing is None:
            yield Failed(f"Deck {deck_id} was not found.")
            return
        deck = existing.deck
        if slide_id not in deck.slide_ids:
            yield Failed("This slide is not in the deck (any more).")
            return
        number = deck.index_of(slide_id) + 1
        space = self._space(None, deck)
        await self.decks.add_chat(
            owner,
            deck.id,
            "user",
            f"Regenerate slide {number}"
            + (f": {instruction.strip()}" if instruction.strip() else ""),
            meta={"slide_ids": [slide_id]},
        )
        look = deck.theme or builtin_theme(DEFAULT_THEME_ID)
        check = self._fit_check(measurer, deck, look)
        request = RegenerateRequest(
            user,
            deck,
            slide_id,
            instruction,
            genie_space_id=space,
            genie_conversation_id=await self._conversation(owner, deck.id, space),
            endpoint=endpoint,
            theme=look,
            fit_check=check,
            fit_scale=scaled_to_fit if check is not None else None,
        )
        yield TurnStarted(look)
        events = self._agent().regenerate(request)
        try:
            async for event in self._drive(
                user, "regeneration", f"slide {number}", existing, events
            ):
                yield event
        finally:
            await _closed(check)

    # ----------------------------------------------------------------------------- shared
    async def _drive(
        self,
        user: UserContext,
        kind: str,
        text: str,
        existing: DeckRecord | None,
        events: AsyncIterator[AgentEvent],
    ) -> AsyncIterator[TurnEvent]:
        """Pass the agent's events on; save on `DeckWritten`; note the outcome in the chat."""
        owner = user
        ended = False
        try:
            async with contextlib.aclosing(events):
                async for event in events:
                    if isinstance(event, DeckWritten):
                        ended = True
                        yield await self._save(user, kind, text, existing, event)
                        return
                    if isinstance(event, OutlineReady):
                        ended = True
                        if existing is not None:
                            count = len(event.outline.entries)
                            await self._note(
                                owner,
                                existing.deck.id,
                                f"Planned {count} slides. Review the outline, then write them.",
                                event.trace_id,
                                None,
                            )
                        yield event
                        return
                    if isinstance(event, Failed):
                        ended = True
                        if existing is not None:
                            await self._note(
                                owner,
                                existing.deck.id,
                                event.message,
                                event.trace_id,
                                {"error": True},
                            )
                        yield event
                        return
                    yield event
            ended = True
            yield Failed(
                "The assistant stopped without finishing. The deck is unchanged; try again."
            )
        finally:
            if not ended and existing is not None:
                # Stopped or cancelled: the agent's task is gone and nothing was saved.
                self.decks.add_chat_detached(
                    owner,
                    existing.deck.id,
                    "assistant",
                    f"The {kind} was cancelled; the deck is unchanged.",
                )

    async def _save(
        self,
        user: UserContext,
        kind: str,
        text: str,
        existing: DeckRecord | None,
        written: DeckWritten,
    ) -> TurnSaved | Failed:
        owner = user
        deck = written.deck
        if existing is None:
            # A new deck is born with its content: one version, no empty deck left on failure.
            try:
                record = await self.decks.create(
                    owner,
                    deck.title,
                    styles=deck.styles,
                    slides=deck.slides,
                    actor=user.email,
                    deck_id=deck.id,
                    theme=deck.theme,
                )
            except ValueError as error:
                return Failed(f"The deck could not be saved: {error}. Nothing was saved.")
            await self._note(owner, record.deck.id, text, None, None, role="user")
        else:
            outcome = await self.decks.save_content(
                owner,
                existing.deck.id,
                deck,
                existing.version,
                ChangeKind.GENERATE if kind == "generate" else ChangeKind.CHAT_EDIT,
                written.summary,
                actor=user.email,
            )
            if outcome.status is not Status.SAVED or outcome.record is None:
                message = {
                    Status.CONFLICT: CHANGED_MEANWHILE,
                    Status.MISSING: MISSING_MESSAGE,
                }.get(outcome.status, f"{outcome.message} The deck is unchanged.")
                if outcome.status is not Status.MISSING:
                    await self._note(
                        owner, existing.deck.id, message, written.trace_id, {"error": True}
                    )
                return Failed(message, written.trace_id)
            record = outcome.record
        await self._note(owner, record.deck.id, written.message, written.trace_id, written.meta)
        return TurnSaved(record, written.message, written.trace_id, dict(written.meta))

    async def _note(
        self,
        owner: str,
        deck_id: str,
        message: str,
        trace_id: str | None,
        meta: dict[str, Any] | None,
        *,
        role: str = "assistant",
    ) -> None:
        try:
            await self.decks.add_chat(
                owner, deck_id, role, message, trace_id=trace_id, meta=meta or None
            )
        except Exception:  # the run's outcome must still reach the user
            log.exception("could not store the chat message for deck %s", deck_id)

    def _space(self, genie_space_id: str | None, deck: Deck | None) -> str | None:
        """The Genie space a turn asks: the caller's, else the deck's choice, else the app's."""
        if genie_space_id is None:
            settings = self._settings()
            return space_for_deck(deck, settings) if deck else default_genie_space(settings)
        return genie_space_id.strip() or None

    def _fit_check(
        self, measurer: Measurer | None, deck: Deck | None, theme: Theme
    ) -> FitCheck | None:
        """How this turn measures its slides (None: not at all)."""
        if self._settings().auto_fit != "auto":
            return None
        context = Deck(
            id=deck.id if deck else "d_fitcheck",
            owner=deck.owner if deck else "fit",
            title=deck.title if deck else "Fit check",
            styles=deck.styles if deck else "",
            theme=theme,
        )
        if measurer is not None:
            return measurer(context)
        if not measure_fit_available():
            return None
        return ServerFitCheck(context)

    async def _conversation(self, owner: str, deck_id: str, space: str | None) -> str | None:
        if not space:
            return None
        try:
            messages = await self.decks.chat_history(owner, deck_id)
        except Exception:  # a lost memory only means Genie starts afresh
            log.warning("chat history unavailable for deck %s", deck_id)
            return None
        return remembered_conversation(messages, space)
