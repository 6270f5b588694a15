"""Agent runs: generate a deck from a prompt, or revise chosen slides, as a stream of events.

    async for event in run_generation(GenerateRequest(user, "Q3 review for the board"),
                                      store=store):
        ...  # TextDelta, ToolCallStarted, ToolResult, SlideReady…, then Finished or Failed

Guarantees (each is tested against the emulator):
- the deck changes only by ONE new version saved at the very end (`ChangeKind.GENERATE`,
  `CHAT_EDIT`, or `CREATE` for a new deck); any failure, timeout or cancellation saves nothing
  to the deck;
- every run of an existing deck leaves chat messages: the user's request, then the assistant's
  summary or the failure, with the MLflow trace id and the Genie conversation id in `meta`;
  for a new deck the messages are written together with its first version;
- edits replace exactly the chosen slides (ids and positions kept); an unusable answer is
  retried once with a sharper instruction;
- the run works in its own task: cancelling the consumer (or closing the iterator) cancels it,
  stops Genie polling and leaves the deck untouched.

The store is reached through the small `AgentStore` protocol below (the methods of
`slidegen.store.DeckStore` the agent uses); only the store's value types are imported.
A new deck (`deck_id` None) is created with its generated content as its first version
(`ChangeKind.CREATE`); a deck the UI created empty beforehand gets a `GENERATE` version.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from databricks.sdk import WorkspaceClient
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from slidegen.agent import prompts
from slidegen.agent.converse import AgentFailure, Conversation, describe_failure, genie_tool
from slidegen.agent.events import AgentEvent, Failed, Finished, Retrying, SlideReady
from slidegen.agent.genie import GenieSession
from slidegen.agent.model import app_workspace_client, chat_model, user_workspace_client
from slidegen.agent.stream import SlideChunk, SlideSplitter
from slidegen.agent.tracing import RunTrace, traced_run
from slidegen.config import Settings, get_settings
from slidegen.deck import (
    SLIDE_HEIGHT,
    SLIDE_WIDTH,
    Deck,
    DeckOperationError,
    DeckParseError,
    Slide,
    new_deck_id,
    normalise_title,
    parse_deck_html,
    parse_single_slide,
    replace_slides,
    set_slides,
    slide_source,
)
from slidegen.demo_workspace import current_demo
from slidegen.prompt_limit import prompt_problem
from slidegen.server.identity import UserContext
from slidegen.store.models import ChangeKind, DeckNotFoundError, StaleVersionError

__all__ = [
    "Agent",
    "AgentStore",
    "EditRequest",
    "GenerateRequest",
    "UnsavedRecord",
    "run_edit",
    "run_generation",
]

log = logging.getLogger(__name__)

# Beyond this much slide source a regeneration shows the model only the outline of the deck.
MAX_DECK_CONTEXT_CHARS = 120_000
DEFAULT_SLIDES = 8
_TAG = re.compile(r"""<([A-Za-z][\w:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>""")
_SLIDE_ID_ATTR = re.compile(r"""\s+data-slide-id\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)""", re.I)


class AgentStore(Protocol):
    """What the agent needs from the store (`slidegen.store`)."""

    def get_deck(self, owner: str, deck_id: str) -> Any: ...  # DeckRecord: .deck, .version

    def save_deck(
        self,
        owner: str,
        deck: Deck,
        *,
        base_version: int,
        kind: ChangeKind,
        summary: str,
        actor: str | None = None,
    ) -> Any: ...

    def create_deck(
        self,
        owner: str,
        title: str,
        *,
        actor: str | None = None,
        styles: str = "",
        slides: tuple[Slide, ...] = (),
    ) -> Any: ...

    def add_chat_message(
        self,
        owner: str,
        deck_id: str,
        role: str,
        content: str,
        *,
        trace_id: str | None = None,
        meta: dict[str, Any] | None = None,
    ) -> Any: ...

    def list_chat_messages(self, owner: str, deck_id: str) -> Sequence[Any]: ...


@dataclass(frozen=True)
class GenerateRequest:
    """Write a deck. `deck_id` None creates a new deck; else its slides are replaced (as a new
    version). `genie_space_id` None uses GENIE_SPACE_ID; "" runs without the data tool."""

    user: UserContext
    prompt: str
    deck_id: str | None = None
    genie_space_id: str | None = None
    endpoint: str | None = None


@dataclass(frozen=True)
class EditRequest:
    """Revise the slides `slide_ids` of `deck_id` following `instruction`."""

    user: UserContext
    deck_id: str
    slide_ids: tuple[str, ...]
    instruction: str
    genie_space_id: str | None = None
    endpoint: str | None = None


@dataclass(frozen=True)
class UnsavedRecord:
    """What `Finished.record` holds when the agent runs without a store (`slidegen generate`)."""

    deck: Deck
    version: None = None


class _EditOutputError(ValueError):
    """The model's edit answer does not hold exactly the wanted slides."""


_END = object()


async def _event_stream(
    work: Callable[[Callable[[AgentEvent], None]], Awaitable[None]],
) -> AsyncIterator[AgentEvent]:
    """Run `work` in its own task and yield what it emits.

    A separate task isolates the run's context (MLflow spans live in contextvars) from the
    consumer's, and makes cancellation explicit: when the consumer stops iterating or is
    cancelled, the run task is cancelled and awaited, so its clean-up has happened by the time
    the consumer goes on.
    """
    queue: asyncio.Queue[Any] = asyncio.Queue()

    async def runner() -> None:
        try:
            await work(queue.put_nowait)
        finally:
            queue.put_nowait(_END)

    task = asyncio.create_task(runner(), name="slidegen-agent-run")
    try:
        while (event := await queue.get()) is not _END:
            yield event
        await task
    finally:
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


class Agent:
    """The agent with its dependencies: settings, the store and the app's workspace client.

    Without a store (headless use) nothing is persisted: generation works and `Finished.record`
    is an `UnsavedRecord`; editing or regenerating an existing deck needs a store.
    """

    def __init__(
        self,
        store: AgentStore,
        settings: Settings | None = None,
        *,
        workspace: WorkspaceClient | None = None,
        profile: str | None = None,
    ) -> None:
        self.store = store
        self.settings = settings or get_settings()
        self._workspace = workspace
        self._profile = profile

    @property
    def workspace(self) -> WorkspaceClient:
        if self._workspace is None:
            self._workspace = app_workspace_client(self.settings, profile=self._profile)
        return self._workspace

    def generate(self, request: GenerateRequest) -> AsyncIterator[AgentEvent]:
        return _event_stream(lambda emit: self._generate(request, emit))

    def edit(self, request: EditRequest) -> AsyncIterator[AgentEvent]:
        return _event_stream(lambda emit: self._edit(request, emit))

    # --- generation ---------------------------------------------------------------------------

    async def _generate(self, request: GenerateRequest, emit: Callable[[AgentEvent], None]) -> None:
        owner = request.user.user_id
        prompt = request.prompt.strip()
        if not prompt:
            emit(Failed("Describe the deck you want: the prompt is empty."))
            return
        if too_long := prompt_problem(prompt, "prompt"):
            emit(Failed(too_long))
            return
        existing = None
        if request.deck_id:
            existing = self._load(owner, request.deck_id, emit)
            if existing is None:
                return
            self.store.add_chat_message(owner, request.deck_id, "user", prompt)
        deck_id = request.deck_id or new_deck_id()
        placements: list[tuple[int, str]] = []

        def on_slide(chunk: SlideChunk) -> None:
            try:
                slide = parse_single_slide(chunk.html)
            except DeckParseError as error:  # the final parse reports it if it matters
                log.info("streamed slide %d not previewable: %s", chunk.index + 1, error)
                return
            placements.append((chunk.start, slide.id))
            emit(SlideReady(len(placements) - 1, slide))

        async def body(conversation: Conversation) -> tuple[Any, str]:
            messages: list[BaseMessage] = [
                SystemMessage(self._system_prompt(conversation.tool is not None)),
                HumanMessage(_generation_prompt(prompt, existing.deck if existing else None)),
            ]
            text = await conversation.turn(messages)
            deck = self._new_deck(deck_id, owner, prompt, text, placements, existing)
            message = f"Created a deck of {len(deck.slides)} slides: {deck.title}."
            if self.store is None:
                return UnsavedRecord(deck), message
            if existing is not None:
                record = self.store.save_deck(
                    owner,
                    deck,
                    base_version=existing.version,
                    kind=ChangeKind.GENERATE,
                    summary=f"Generated {len(deck.slides)} slides",
                    actor=request.user.email,
                )
                return record, message
            # A new deck is born with its content: one version, no empty deck left on failure.
            record = self.store.create_deck(
                owner,
                deck.title,
                actor=request.user.email,
                styles=deck.styles,
                slides=deck.slides,
            )
            self.store.add_chat_message(owner, record.deck.id, "user", prompt)
            return record, message

        await self._run(
            request.user,
            deck_id,
            "generate",
            prompt,
            request.genie_space_id,
            request.endpoint,
            existing is not None,
            on_slide,
            body,
            emit,
        )

    def _new_deck(
        self,
        deck_id: str,
        owner: str,
        prompt: str,
        text: str,
        placements: list[tuple[int, str]],
        existing: Any,
    ) -> Deck:
        try:
            parsed = parse_deck_html(_with_slide_ids(text, placements))
        except DeckParseError as error:
            raise AgentFailure(
                f"The model's answer could not be used as a deck: {error}."
            ) from None
        title = parsed.title or next((s.title for s in parsed.slides if s.title), "") or prompt
        try:
            title = normalise_title(title[:200])
        except ValueError:
            title = existing.deck.title if existing else "Untitled deck"
        # A revision that leaves out the shared <style> block keeps the deck's own: the slides it
        # keeps were written for those styles (models often skip CSS they were only shown).
        styles = parsed.styles or (existing.deck.styles if existing else "")
        try:
            return set_slides(
                Deck(id=deck_id, owner=owner, title=title, styles=styles), parsed.slides
            )
        except DeckOperationError as error:
            raise AgentFailure(f"The model's deck breaks a limit: {error}.") from None

    # --- edits --------------------------------------------------------------------------------

    async def _edit(self, request: EditRequest, emit: Callable[[AgentEvent], None]) -> None:
        owner = request.user.user_id
        instruction = request.instruction.strip()
        ids = tuple(dict.fromkeys(request.slide_ids))
        if not instruction:
            emit(Failed("Say how the selected slides should change: the instruction is empty."))
            return
        if too_long := prompt_problem(instruction, "instruction"):
            emit(Failed(too_long))
            return
        if not ids:
            emit(Failed("Select at least one slide to edit."))
            return
        existing = self._load(owner, request.deck_id, emit)
        if existing is None:
            return
        deck: Deck = existing.deck
        unknown = [i for i in ids if i not in deck.slide_ids]
        if unknown:
            emit(Failed(f"These slides are not in the deck (any more): {', '.join(unknown)}."))
            return
        self.store.add_chat_message(
            owner, deck.id, "user", instruction, meta={"slide_ids": list(ids)}
        )
        positions = {slide_id: deck.index_of(slide_id) for slide_id in ids}

        def on_slide(chunk: SlideChunk) -> None:
            with contextlib.suppress(DeckParseError):
                slide = parse_single_slide(chunk.html)
                if slide.id in positions:
                    emit(SlideReady(positions[slide.id], slide))

        async def body(conversation: Conversation) -> tuple[Any, str]:
            messages: list[BaseMessage] = [
                SystemMessage(self._system_prompt(conversation.tool is not None)),
                HumanMessage(
                    prompts.render(
                        "edit",
                        deck_title=deck.title,
                        instruction=instruction,
                        styles=deck.styles,
                        count=len(ids),
                        slides="\n\n".join(slide_source(deck.slide(i)) for i in ids),
                    )
                ),
            ]
            replacements: dict[str, Slide] = {}
            for attempt in (1, 2):
                text = await conversation.turn(messages)
                try:
                    replacements = _replacements(text, ids)
                    break
                except _EditOutputError as problem:
                    if attempt == 2:
                        raise AgentFailure(
                            f"The model's revised slides could not be used ({problem})."
                        ) from None
                    emit(Retrying(str(problem)))
                    messages.append(
                        HumanMessage(
                            prompts.render(
                                "edit_retry", problem=problem, count=len(ids), ids=", ".join(ids)
                            )
                        )
                    )
                    conversation.splitter = SlideSplitter()
            try:
                new_deck = replace_slides(deck, replacements)
            except DeckOperationError as error:
                raise AgentFailure(f"The revised slides could not be applied: {error}.") from None
            numbers = ", ".join(str(positions[i] + 1) for i in ids)
            record = self.store.save_deck(
                owner,
                new_deck,
                base_version=existing.version,
                kind=ChangeKind.CHAT_EDIT,
                summary=f"Edited slide{'s' if len(ids) > 1 else ''} {numbers}",
                actor=request.user.email,
            )
            return record, f"Revised slide{'s' if len(ids) > 1 else ''} {numbers}."

        await self._run(
            request.user,
            deck.id,
            "edit",
            instruction,
            request.genie_space_id,
            request.endpoint,
            True,
            on_slide,
            body,
            emit,
        )

    # --- shared -------------------------------------------------------------------------------

    async def _run(
        self,
        user: UserContext,
        deck_id: str,
        kind: str,
        text: str,
        space: str | None,
        endpoint: str | None,
        deck_exists: bool,
        on_slide: Callable[[SlideChunk], None],
        body: Callable[[Conversation], Awaitable[tuple[Any, str]]],
        emit: Callable[[AgentEvent], None],
    ) -> None:
        """Set up model, Genie and tracing; run `body` under the deadline; report the outcome."""
        settings = self.settings
        endpoint_name = endpoint or settings.serving_endpoint
        space_id = _default_space(settings) if space is None else (space.strip() or None)
        session: GenieSession | None = None
        with traced_run(
            settings,
            f"slidegen.{kind}",
            user_id=user.user_id,
            deck_id=deck_id,
            kind=kind,
            inputs={"request": text},
        ) as trace:
            try:
                async with asyncio.timeout(settings.agent_timeout_s):
                    session = self._genie_session(user, deck_id, space_id, deck_exists)
                    conversation = Conversation(
                        model=chat_model(settings, self.workspace, endpoint_name),
                        emit=emit,
                        on_slide=on_slide,
                        tool=genie_tool(session, settings.genie_max_chars) if session else None,
                        max_tool_calls=settings.agent_max_tool_calls,
                    )
                    record, message = await body(conversation)
            except asyncio.CancelledError:
                if session:
                    session.cancel.set()
                trace.finish(error="cancelled")
                if deck_exists:
                    self._note(
                        user.user_id,
                        deck_id,
                        f"The {kind} was cancelled; the deck is unchanged.",
                        trace,
                        None,
                    )
                raise
            except Exception as error:  # every failure ends as one clear message
                if session:
                    session.cancel.set()
                message = self._failure_message(error, endpoint_name)
                trace.finish(error=message)
                if deck_exists:
                    self._note(user.user_id, deck_id, message, trace, {"error": True})
                emit(Failed(message, trace.trace_id))
                return
            meta = self._genie_meta(session)
            trace.finish(outputs={"message": message})
            saved_id = record.deck.id
            if saved_id != deck_id:  # a new deck got its id from the store
                trace.tag("slidegen.deck_id", saved_id)
            self._note(user.user_id, saved_id, message, trace, meta)
            emit(Finished(record, message, trace.trace_id, meta))

    def _failure_message(self, error: BaseException, endpoint: str) -> str:
        if isinstance(error, StaleVersionError):
            return "The deck was changed elsewhere while this ran; nothing was saved. Try again."
        if isinstance(error, TimeoutError) and not isinstance(error, AgentFailure):
            detail = (
                f"The request took longer than {self.settings.agent_timeout_s:g} s and was stopped."
            )
        else:
            detail = describe_failure(
                error, endpoint=endpoint, timeout_s=self.settings.llm_timeout_s
            )
        if not isinstance(error, AgentFailure):
            log.warning("agent run failed: %s", detail, exc_info=error)
        return f"{detail} The deck is unchanged."

    def _note(
        self, owner: str, deck_id: str, message: str, trace: RunTrace, meta: dict[str, Any] | None
    ) -> None:
        if self.store is None:
            return
        try:
            self.store.add_chat_message(
                owner, deck_id, "assistant", message, trace_id=trace.trace_id, meta=meta or None
            )
        except Exception:  # the run's outcome must still reach the user
            log.exception("could not store the chat message for deck %s", deck_id)

    def _load(self, owner: str, deck_id: str, emit: Callable[[AgentEvent], None]) -> Any:
        """The deck's record, or None after emitting `Failed` when it is not the owner's."""
        if self.store is None:
            emit(Failed("Editing an existing deck needs the deck store."))
            return None
        try:
            record = self.store.get_deck(owner, deck_id)
        except DeckNotFoundError:
            record = None
        if record is None:
            emit(Failed(f"Deck {deck_id} was not found."))
        return record

    def _system_prompt(self, with_data_tool: bool) -> str:
        data = prompts.render("data_tool" if with_data_tool else "no_data_tool")
        return prompts.render(
            "system",
            width=SLIDE_WIDTH,
            height=SLIDE_HEIGHT,
            default_slides=DEFAULT_SLIDES,
            data_section=data,
        )

    def _genie_session(
        self, user: UserContext, deck_id: str, space_id: str | None, deck_exists: bool
    ) -> GenieSession | None:
        if not space_id:
            return None
        settings = self.settings
        workspace = (
            user_workspace_client(self.workspace, user.access_token, settings)
            if user.access_token
            else self.workspace
        )
        remembered = (
            self._remembered_conversation(user.user_id, deck_id, space_id) if deck_exists else None
        )
        return GenieSession(
            workspace,
            space_id,
            settings.genie_timeout_s,
            poll_max_s=settings.genie_poll_max_s,
            max_rows=settings.genie_max_rows,
            conversation_id=remembered,
        )

    def _remembered_conversation(self, owner: str, deck_id: str, space_id: str) -> str | None:
        if self.store is None:
            return None
        for message in reversed(list(self.store.list_chat_messages(owner, deck_id))):
            meta = getattr(message, "meta", None) or {}
            if meta.get("genie_space_id") == space_id and meta.get("genie_conversation_id"):
                return str(meta["genie_conversation_id"])
        return None

    @staticmethod
    def _genie_meta(session: GenieSession | None) -> dict[str, Any]:
        if session is None or not session.conversation_id:
            return {}
        return {
            "genie_space_id": session.space_id,
            "genie_conversation_id": session.conversation_id,
        }


def _default_space(settings: Settings) -> str | None:
    """GENIE_SPACE_ID, else the demo workspace's space when the process runs against it."""
    if settings.genie_space_id:
        return settings.genie_space_id
    demo = current_demo()
    return demo.genie_space_id if demo else None


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


def _replacements(text: str, ids: tuple[str, ...]) -> dict[str, Slide]:
    try:
        parsed = parse_deck_html(text)
    except DeckParseError as error:
        raise _EditOutputError(str(error)) from None
    got = [s.id for s in parsed.slides]
    missing = [i for i in ids if i not in got]
    if len(got) != len(ids) or missing:
        detail = f"; missing data-slide-id {', '.join(missing)}" if missing else ""
        raise _EditOutputError(
            f"expected {len(ids)} slides with the given ids, got {len(got)}{detail}"
        )
    return {s.id: s for s in parsed.slides}


def _generation_prompt(prompt: str, deck: Deck | None) -> str:
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


async def run_generation(
    request: GenerateRequest,
    *,
    store: AgentStore | None,
    settings: Settings | None = None,
    workspace: WorkspaceClient | None = None,
) -> AsyncIterator[AgentEvent]:
    """Generate a deck; see the module docstring and `slidegen.agent.events`."""
    async for event in Agent(store, settings, workspace=workspace).generate(request):
        yield event


async def run_edit(
    request: EditRequest,
    *,
    store: AgentStore,
    settings: Settings | None = None,
    workspace: WorkspaceClient | None = None,
) -> AsyncIterator[AgentEvent]:
    """Revise the chosen slides of a deck; see the module docstring."""
    async for event in Agent(store, settings, workspace=workspace).edit(request):
        yield event
