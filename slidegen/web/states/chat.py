"""The chat: the user's prompts, the assistant's streamed answer, Genie queries, Stop.

A turn runs as a Reflex *background* event, so the tab stays responsive and the state lock is
taken only for each small update (`async with self`). What streams is kept small on purpose
(a changed var is resent whole): the running answer lives in `answer` (a short string) and
finished messages are appended to `messages` once, at the end of the turn. Slides the agent
completes are shown one by one through `DeckView` (one new shard entry each). The turn itself
(the agent run, the one saved version, the chat rows) is `slidegen.service.turns`'s.

Without a selection, a prompt (re)generates the deck; with slides selected, it edits only those
(the agent gets exactly those slides) and the chat says which. Stop cancels the task that
consumes the turn's stream; nothing is saved unless the turn finishes, so the deck stays as
it was. Every failure ends as a chat message that says what to do next.

Limits on a turn, because the model's output is untrusted: `send` is the only way in (it checks
the prompt, the rate limit and that no turn runs, then hands `run_turn` a one-time ticket that
the client never sees, so a `run_turn` event sent by the client does nothing); a turn stops as
soon as the model has streamed more slides than a deck may hold or more bytes than
`TURN_MAX_PUSH_BYTES` would send to the tab; and a running turn renews a lease in the tab's
state (`_lease_until`), so a tab whose worker died mid-turn is released at its next event
(`slidegen.web.guard.OwnerGuard`) instead of showing "generating" forever.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from typing import Any, TypedDict

import reflex as rx

from slidegen.config import get_settings
from slidegen.deck.model import MAX_SLIDES_PER_DECK
from slidegen.prompt_limit import prompt_problem
from slidegen.server.ratelimit import turn_limiter
from slidegen.service import VIEW_ONLY_MESSAGE, TurnSaved, TurnStarted
from slidegen.web.auth import asset_base, connection_user
from slidegen.web.states.common import deck_service, turn_service, user_message
from slidegen.web.states.deck import DeckView, when_deck_changes_elsewhere, when_deck_switches
from slidegen.web.view import prose_of, slide_document

__all__ = ["ChatMessage", "ChatState", "QueryView"]

log = logging.getLogger("slidegen.web.chat")

MAX_ROWS_SHOWN = 8

# Tasks consuming an agent stream, by client token: Stop cancels the one of its tab at once when
# it runs in this process. With several workers a tab may reconnect to another worker while its
# turn runs on the first: Stop then sets `_stop_requested` in the shared (Redis) state, and the
# turn stops at its next update to the view.
_RUNNING: dict[str, asyncio.Task[Any]] = {}

# `run_turn` modes besides a prompt: one slide written again; a generation that stops at its
# outline for review; the reviewed outline written.
REGENERATE = "regenerate"
REVIEW = "review"
WRITE_OUTLINE = "write-outline"

STOPPED = "Stopped. The deck is unchanged; send a new message to try again."
LEASE_LOST = (
    "The assistant stopped answering (its server restarted). The deck is unchanged; send "
    "your message again."
)
TOO_MANY_SLIDES = (
    f"The answer ran past {MAX_SLIDES_PER_DECK} slides, the most a deck may hold, and was "
    "stopped. The deck is unchanged; ask for fewer slides."
)
TOO_LARGE = (
    "The answer grew too large to show and was stopped. The deck is unchanged; ask for fewer "
    "or simpler slides."
)
# What one update to the view costs besides the slide document: its id in the id list (resent
# with each new slide) and the message framing.
_ID_BYTES = 16
_UPDATE_BYTES = 200


class QueryView(TypedDict):
    sql: str
    columns: list[str]
    rows: list[list[str]]
    more: int
    text: str


class ChatMessage(TypedDict):
    role: str  # "user" | "assistant" | "error" | "info"
    text: str
    queries: list[QueryView]
    author: str  # who asked (a user's message; several people may chat about a shared deck)


def _query_view(result: Any) -> QueryView:
    columns = [str(c) for c in (getattr(result, "columns", None) or [])]
    rows = list(getattr(result, "rows", None) or [])
    total = int(getattr(result, "total_rows", 0) or len(rows))
    return {
        "sql": str(getattr(result, "sql", "") or ""),
        "columns": columns,
        "rows": [["" if v is None else str(v) for v in row] for row in rows[:MAX_ROWS_SHOWN]],
        "more": max(0, total - min(len(rows), MAX_ROWS_SHOWN)),
        "text": str(getattr(result, "error", None) or getattr(result, "text", "") or ""),
    }


def _message(
    role: str, text: str, queries: list[QueryView] | None = None, author: str = ""
) -> ChatMessage:
    return {"role": role, "text": text, "queries": queries or [], "author": author}


class OutlineRow(TypedDict):
    """One planned slide as the outline review shows it; `keep` is the number of a slide of
    the current deck kept as it is (0: a slide to write)."""

    title: str
    intent: str
    layout: str
    data: list[str]
    keep: int


def _rows_of(outline: Any) -> list[OutlineRow]:
    return [
        {
            "title": e.title,
            "intent": e.intent,
            "layout": e.layout,
            "data": list(e.data),
            "keep": e.keep or 0,
        }
        for e in outline.entries
    ]


def _outline_of(title: str, rows: list[OutlineRow]) -> Any:
    from slidegen.agent import Outline, OutlineEntry

    entries = tuple(
        OutlineEntry(keep=int(r["keep"]))
        if int(r.get("keep") or 0) > 0
        else OutlineEntry(
            title=" ".join(str(r.get("title", "")).split())[:200],
            intent=" ".join(str(r.get("intent", "")).split())[:500],
            layout=str(r.get("layout") or "text"),
            data=tuple(str(q)[:500] for q in (r.get("data") or [])[:3]),
        )
        for r in rows[:MAX_SLIDES_PER_DECK]
    )
    return Outline(" ".join(title.split())[:200], entries)


class ChatState(rx.State):
    messages: list[ChatMessage] = []
    answer: str = ""
    queries: list[QueryView] = []
    status: str = ""
    generating: bool = False
    scope: str = ""
    _stop_requested: bool = False
    # The one-time ticket `send` hands its `run_turn`; the lease a running turn keeps renewing.
    _turn_ticket: str = ""
    _lease_until: float = 0.0
    # Outline review: "" follows OUTLINE_REVIEW, else the tab's own choice ("on" | "off").
    review_choice: str = ""
    outline_rows: list[OutlineRow] = []
    outline_title: str = ""
    _outline_prompt: str = ""

    def _lease_expired(self) -> bool:
        return self.generating and self._lease_until < time.time()

    async def _release_dead_turn(self) -> None:
        """The turn's worker stopped renewing its lease: end it as failed, keep the deck."""
        from slidegen.web.states.deck import DeckState

        deck = await self.get_state(DeckState)
        self.messages = [*self.messages, _message("error", LEASE_LOST)]
        self.answer, self.queries, self.status, self.scope = "", [], "", ""
        self.generating = False
        self._stop_requested = False
        self._turn_ticket = ""
        deck.busy = False

    async def _load_history(self) -> None:
        """The open deck's persisted chat (after a reload, or when switching decks)."""
        from slidegen.web.states.deck import DeckState

        user = connection_user(self)
        deck = await self.get_state(DeckState)
        self.answer, self.queries, self.status = "", [], ""
        if user is None or not deck.deck_id:
            self.messages = []
            return
        try:
            items = await deck_service().chat_history(user, deck.deck_id)
        except Exception as error:  # history is a convenience: never block the editor on it
            log.warning("chat history unavailable: %s", type(error).__name__)
            items = []
        self.messages = [
            _message(
                "error" if getattr(m, "role", "") == "error" else str(m.role),
                str(getattr(m, "content", "") or ""),
                author=str((getattr(m, "meta", None) or {}).get("author", "")),
            )
            for m in items
            if getattr(m, "role", "") in ("user", "assistant", "error")
        ]

    @rx.event
    async def send(self, form: dict[str, Any]) -> Any:
        from slidegen.web.states.deck import DeckState

        prompt = str(form.get("prompt", "")).strip()
        if self._lease_expired():
            await self._release_dead_turn()
        if not prompt or self.generating:
            return None
        user = connection_user(self)
        deck = await self.get_state(DeckState)
        if user is None or not deck.deck_id:
            return None
        if not deck.can_edit:  # a viewer: the service would refuse the turn's writes too
            self.messages = [*self.messages, _message("error", VIEW_ONLY_MESSAGE)]
            return None
        if too_long := prompt_problem(prompt, "message"):
            self.messages = [*self.messages, _message("error", too_long)]
            return None
        refused = await turn_limiter().acquire(user.user_id)
        if refused is not None:
            self.messages = [*self.messages, _message("user", prompt, author=user.email)]
            self.messages = [*self.messages, _message("error", refused.message())]
            return None
        selected = [s for s in deck.order if s in deck.selected]
        new = [_message("user", prompt, author=user.email)]
        if selected:
            self.scope = f"Editing only {deck.selection_label}"
            new.append(_message("info", f"{self.scope}; the other slides stay as they are."))
        else:
            self.scope = ""
        self.messages = [*self.messages, *new]
        mode = REVIEW if self.review_outline and not selected else ""
        return ChatState.run_turn(prompt, selected, self._begin_turn(deck), mode)

    def _begin_turn(self, deck: Any) -> str:
        """Mark the turn as running; the ticket its `run_turn` must present."""
        self.answer, self.queries = "", []
        self.status = "Thinking…"
        self.generating = True
        self._stop_requested = False
        self._turn_ticket = secrets.token_urlsafe(24)
        self._lease_until = time.time() + get_settings().turn_lease_s
        deck.busy = True
        return self._turn_ticket

    @rx.event
    async def regenerate(self, slide_id: str) -> Any:
        """Write one slide again: Retry on a slide that could not be written, Regenerate on
        any other. The rest of the deck stays as it is."""
        from slidegen.web.states.deck import DeckState

        if self._lease_expired():
            await self._release_dead_turn()
        if self.generating:
            return None
        user = connection_user(self)
        deck = await self.get_state(DeckState)
        if user is None or not deck.deck_id or slide_id not in deck.order:
            return None
        if not deck.can_edit:
            self.messages = [*self.messages, _message("error", VIEW_ONLY_MESSAGE)]
            return None
        number = deck.order.index(slide_id) + 1
        text = f"Regenerate slide {number}"
        refused = await turn_limiter().acquire(user.user_id)
        if refused is not None:
            self.messages = [*self.messages, _message("user", text, author=user.email)]
            self.messages = [*self.messages, _message("error", refused.message())]
            return None
        self.scope = f"Rewriting only slide {number}"
        self.messages = [*self.messages, _message("user", text, author=user.email)]
        return ChatState.run_turn(text, [slide_id], self._begin_turn(deck), REGENERATE)

    @rx.var
    def review_outline(self) -> bool:
        if self.review_choice:
            return self.review_choice == "on"
        return get_settings().outline_review

    @rx.event
    def set_review_outline(self, on: bool) -> None:
        self.review_choice = "on" if on else "off"

    # --- the outline under review: the user's own edits, nothing is saved until written ----
    def _outline_index(self, index: Any) -> int | None:
        try:
            at = int(index)
        except (TypeError, ValueError):
            return None
        return at if 0 <= at < len(self.outline_rows) else None

    @rx.event
    def set_outline_title(self, value: str) -> None:
        self.outline_title = " ".join(str(value).split())[:200]

    @rx.event
    def outline_set_title(self, index: int, value: str) -> None:
        if (at := self._outline_index(index)) is not None:
            rows = list(self.outline_rows)
            rows[at] = {**rows[at], "title": str(value)[:200], "keep": 0}
            self.outline_rows = rows

    @rx.event
    def outline_set_intent(self, index: int, value: str) -> None:
        if (at := self._outline_index(index)) is not None:
            rows = list(self.outline_rows)
            rows[at] = {**rows[at], "intent": str(value)[:500], "keep": 0}
            self.outline_rows = rows

    @rx.event
    def outline_move(self, index: int, delta: int) -> None:
        at = self._outline_index(index)
        if at is None:
            return
        to = max(0, min(len(self.outline_rows) - 1, at + (1 if int(delta) > 0 else -1)))
        rows = list(self.outline_rows)
        rows.insert(to, rows.pop(at))
        self.outline_rows = rows

    @rx.event
    def outline_remove(self, index: int) -> None:
        if (at := self._outline_index(index)) is not None:
            self.outline_rows = [r for i, r in enumerate(self.outline_rows) if i != at]

    @rx.event
    def outline_add(self) -> None:
        if len(self.outline_rows) >= MAX_SLIDES_PER_DECK:
            return
        row: OutlineRow = {
            "title": "New slide",
            "intent": "",
            "layout": "text",
            "data": [],
            "keep": 0,
        }
        self.outline_rows = [*self.outline_rows, row]

    @rx.event
    def outline_discard(self) -> None:
        self.outline_rows, self.outline_title, self._outline_prompt = [], "", ""

    @rx.event
    async def write_outline(self) -> Any:
        """Write the slides of the reviewed outline (one version, as any generation)."""
        from slidegen.web.states.deck import DeckState

        if self._lease_expired():
            await self._release_dead_turn()
        if self.generating or not self.outline_rows:
            return None
        user = connection_user(self)
        deck = await self.get_state(DeckState)
        if user is None or not deck.deck_id:
            return None
        if not deck.can_edit:
            self.messages = [*self.messages, _message("error", VIEW_ONLY_MESSAGE)]
            return None
        refused = await turn_limiter().acquire(user.user_id)
        if refused is not None:
            self.messages = [*self.messages, _message("error", refused.message())]
            return None
        count = len(self.outline_rows)
        self.messages = [
            *self.messages,
            _message("info", f"Writing {count} slides from the outline."),
        ]
        self.scope = ""
        prompt = self._outline_prompt or self.outline_title or "the reviewed outline"
        return ChatState.run_turn(prompt, [], self._begin_turn(deck), WRITE_OUTLINE)

    @rx.event
    async def stop(self) -> None:
        if not self.generating:
            return
        self._stop_requested = True
        self.status = "Stopping…"
        task = _RUNNING.get(self.router.session.client_token)
        if task is not None and not task.done():
            task.cancel()

    @rx.event(background=True)
    async def run_turn(
        self, prompt: str, selected: list[str], ticket: str = "", mode: str = ""
    ) -> None:
        from slidegen.web.states.deck import DeckState

        token = self.router.session.client_token
        user = connection_user(self)
        async with self:
            if not ticket or not secrets.compare_digest(ticket, self._turn_ticket):
                # Not started by `send` (a client cannot read the ticket): do nothing.
                log.warning("run_turn without a valid ticket ignored")
                return
            self._turn_ticket = ""
            deck = await self.get_state(DeckState)
            deck_id, base_version = deck.deck_id, deck.version
        if user is None or not deck_id:
            return
        consumer = asyncio.create_task(
            self._consume(user, deck_id, base_version, prompt, selected, mode)
        )
        heartbeat = asyncio.create_task(self._renew_lease(consumer))
        _RUNNING[token] = consumer
        outcome: ChatMessage | None = None
        try:
            outcome = await consumer
        except asyncio.CancelledError:
            if not consumer.cancelled():
                raise  # the whole task is being cancelled (shutdown): let it go
            outcome = _message("info", STOPPED)
        except Exception as error:  # a bug or an unexpected failure: tell, keep the deck
            log.exception("chat turn failed")
            outcome = _message(
                "error",
                f"Something went wrong ({user_message(error)}). The deck is unchanged; try again.",
            )
        finally:
            heartbeat.cancel()
            if _RUNNING.get(token) is consumer:
                del _RUNNING[token]
        async with self:
            await self._finish(outcome)

    async def _renew_lease(self, consumer: asyncio.Task[Any]) -> None:
        """Keep the turn's lease fresh while it waits on the model or Genie."""
        lease = get_settings().turn_lease_s
        with contextlib.suppress(asyncio.CancelledError):
            while not consumer.done():
                await asyncio.sleep(lease / 3)
                async with self:
                    if not self.generating:
                        return
                    self._lease_until = time.time() + lease

    async def _finish(self, outcome: ChatMessage | None) -> None:
        from slidegen.web.states.deck import DeckState

        deck = await self.get_state(DeckState)
        if outcome is not None:
            if outcome["role"] != "assistant" and self.answer.strip():
                # Keep what was said before the failure or the Stop.
                self.messages = [
                    *self.messages,
                    _message("assistant", self.answer.strip(), self.queries),
                ]
            self.messages = [*self.messages, outcome]
        self.answer, self.queries, self.status, self.scope = "", [], "", ""
        self.generating = False
        self._stop_requested = False
        # The store is the truth: show exactly what was saved (or the unchanged deck).
        await DeckView(deck).finish_stream()

    async def _consume(
        self,
        user: Any,
        deck_id: str,
        base_version: int,
        prompt: str,
        selected: list[str],
        mode: str = "",
    ) -> ChatMessage:
        """Read the agent's events into the view; return the closing chat message."""
        from slidegen import agent

        origin = asset_base(self)
        turns = turn_service()
        measurer = self._measurer()
        if mode == REGENERATE and selected:
            events = turns.regenerate(user, deck_id, selected[0], measurer=measurer)
        elif selected:
            events = turns.edit(user, deck_id, selected, prompt)
        elif mode == WRITE_OUTLINE:
            async with self:
                outline = _outline_of(self.outline_title, list(self.outline_rows))
                self.outline_rows, self.outline_title = [], ""
            events = turns.generate(
                user, prompt, deck_id=deck_id, measurer=measurer, outline=outline
            )
        else:
            if mode == REVIEW:
                async with self:
                    self._outline_prompt = prompt
            events = turns.generate(
                user, prompt, deck_id=deck_id, measurer=measurer, review_outline=mode == REVIEW
            )
        streamed: list[str] = []
        written = 0
        look: Any = None  # the theme the turn's slides are written for (None: the deck's)
        raw, shown = "", ""  # the out-of-slide text so far, and its prose as on screen
        lease = get_settings().turn_lease_s
        budget = get_settings().turn_max_push_bytes  # bytes this turn may still push
        # Closing the agent's stream on an early return ends the model request too.
        async with contextlib.aclosing(events):
            async for event in events:
                if isinstance(event, agent.TextDelta):
                    # Slide HTML arrives as SlideReady; only the prose between slides is
                    # shown. Most deltas (slide text, markup) change nothing on screen: they
                    # take no state lock (with Redis each `async with self` is a lock, a read
                    # and a write).
                    if event.in_slide:
                        continue
                    raw = (raw + event.text)[-8000:]
                    prose = prose_of(raw)[-4000:]
                    if prose == shown:
                        continue
                    shown = prose
                    budget -= len(shown.encode()) + _UPDATE_BYTES
                elif isinstance(event, TurnStarted):
                    look = event.theme
                    continue
                elif isinstance(event, agent.SlidePlanned | agent.SlideReady):
                    new_entry = not selected and event.slide.id not in streamed
                    if new_entry and len(streamed) >= MAX_SLIDES_PER_DECK:
                        return _message("error", TOO_MANY_SLIDES)
                    budget -= _UPDATE_BYTES + _ID_BYTES * (len(streamed) if new_entry else 0)
                if budget < 0:
                    return _message("error", TOO_LARGE)
                async with self:
                    self._lease_until = time.time() + lease
                    if not self.generating:
                        # The tab's view was reset (another user on this token): stop here.
                        return _message("info", "Stopped.")
                    if self._stop_requested:  # Stop arrived at another worker
                        return _message("info", STOPPED)
                    if isinstance(event, agent.TextDelta):
                        self.answer = shown
                    elif isinstance(event, agent.ToolCallStarted):
                        self.status = f"Asking Genie: {event.question[:120]}"
                    elif isinstance(event, agent.ToolResult):
                        if event.error:
                            self.queries = [*self.queries, _query_view(event)]
                            self.status = "Genie could not answer; writing without that data…"
                        else:
                            self.queries = [*self.queries, _query_view(event)]
                            self.status = "Writing slides…"
                    elif isinstance(event, agent.Retrying):
                        self.status = "The answer was unusable; asking the model once more…"
                    elif isinstance(event, agent.SlidePlanned):
                        deck_state = await DeckView.of(self)
                        budget -= self._show_slide(deck_state, event, False, streamed, origin, look)
                        self.status = f"Planned {len(streamed)} slides…"
                    elif isinstance(event, agent.SlideReady | agent.SlideNotWritten):
                        deck_state = await DeckView.of(self)
                        budget -= self._show_slide(
                            deck_state, event, bool(selected), streamed, origin, look
                        )
                        written += 1
                        if selected:
                            self.status = f"Rewrote {written} of {len(selected)} slides…"
                        elif isinstance(event, agent.SlideNotWritten):
                            self.status = f"Slide {event.index + 1} could not be written…"
                        else:
                            self.status = f"Wrote slide {event.index + 1} ({written} done)…"
                    elif isinstance(event, agent.OutlineReady):
                        self.outline_rows = _rows_of(event.outline)
                        self.outline_title = event.outline.title
                        count = len(self.outline_rows)
                        return _message(
                            "assistant",
                            f"Here is the outline: {count} slides. Change it below, then "
                            "choose **Write slides**.",
                        )
                    elif isinstance(event, TurnSaved):
                        return _message("assistant", event.message or "Done.", self.queries)
                    elif isinstance(event, agent.Failed):
                        return _message("error", event.message)
        return _message(
            "error", "The assistant stopped without finishing. The deck is unchanged; try again."
        )

    def _measurer(self) -> Any:
        """The turn checks its slides fit in this tab's browser (the server's Chromium when the
        browser does not answer)."""
        from slidegen.web.fit_bridge import browser_fit_check

        timeout_s = get_settings().fit_browser_timeout_s
        return lambda deck: browser_fit_check(self, deck, timeout_s=timeout_s)

    def _show_slide(
        self,
        deck: Any,
        event: Any,
        editing: bool,
        streamed: list[str],
        origin: str,
        theme: Any = None,
    ) -> int:
        """Put one slide on screen: a placeholder, a just-written slide, or its rewrite (a
        preview: the turn saves at the end). Returns the size of the document sent to the tab."""
        slide = event.slide
        doc = slide_document(_DeckShim(deck, theme), slide, origin)
        if editing or slide.id in streamed:
            # An edit keeps the replaced slide's id, and a written slide its placeholder's:
            # the new look takes its place.
            if editing:
                streamed.append(slide.id)
            deck.replace_slide(slide.id, doc, slide.title)
            return len(doc.encode())
        if not streamed:
            deck.begin_stream()
        streamed.append(slide.id)
        # Untitled: "" as in the saved deck (the panel shows "Slide N"), so the saved deck's
        # entries equal the streamed ones and nothing is resent when the generation ends.
        deck.stream_slide(slide.id, doc, slide.title or "")
        return len(doc.encode())


class _DeckShim:
    """The deck fields a slide document needs, while the new deck is not saved yet."""

    def __init__(self, deck_state: Any, theme: Any = None) -> None:
        self.id = deck_state.deck_id
        self.owner = ""
        self.styles = deck_state.styles
        self.theme = theme if theme is not None else deck_state.theme


@when_deck_switches
async def _show_chat_of_opened_deck(deck_state: rx.State) -> None:
    """Opening another deck shows that deck's persisted conversation."""
    await (await deck_state.get_state(ChatState))._load_history()


@when_deck_changes_elsewhere
async def _show_chat_written_elsewhere(deck_state: rx.State) -> None:
    """Another user's turn on a shared deck saved a version: their request shows here too
    (unless this tab's own turn is running, which shows its own messages)."""
    chat = await deck_state.get_state(ChatState)
    if not chat.generating:
        await chat._load_history()
