"""The frame every agent run works in: its own task, the model, Genie, tracing, a deadline, and
exactly one outcome (`DeckWritten` or `Failed`).

`event_stream(work)` runs `work` in its own task and yields what it emits: a separate task
isolates the run's context (MLflow spans live in contextvars) from the consumer's, and makes
cancellation explicit: when the consumer stops iterating or is cancelled, the run task is
cancelled and awaited, so its clean-up (Genie polling stopped, the trace closed) has happened by
the time the consumer goes on.

`RunFrame.run(...)` sets up the model (`ChatDatabricks`), the Genie session and the MLflow trace,
runs the job's body under `AGENT_TIMEOUT_S`, and turns every failure into one sentence for the
user. It persists nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from databricks.sdk import WorkspaceClient

from slidegen.agent.converse import AgentFailure, Conversation, describe_failure, genie_tool
from slidegen.agent.events import AgentEvent, DeckWritten, Failed, OutlineReady
from slidegen.agent.genie import GenieSession
from slidegen.agent.genie_memory import genie_meta
from slidegen.agent.model import chat_model, user_workspace_client
from slidegen.agent.stream import SlideChunk
from slidegen.agent.tracing import traced_run
from slidegen.config import Settings
from slidegen.deck import Deck
from slidegen.users import UserContext

__all__ = ["Emit", "RunFrame", "RunSpec", "Written", "event_stream"]

log = logging.getLogger(__name__)

Emit = Callable[[AgentEvent], None]

_END = object()


@dataclass(frozen=True)
class Written:
    """What a job's body hands back: the deck, the chat's closing sentence, the version's
    one-line summary."""

    deck: Deck
    message: str
    summary: str
    meta: dict[str, Any] = field(default_factory=dict)


async def event_stream(work: Callable[[Emit], Awaitable[None]]) -> AsyncIterator[AgentEvent]:
    """Run `work` in its own task and yield what it emits (see the module docstring)."""
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


@dataclass(frozen=True)
class RunSpec:
    """Who a run is for and what it talks to."""

    user: UserContext
    deck_id: str
    kind: str  # "generate" | "edit": the trace's name and the cancellation message
    text: str  # the user's request, recorded in the trace
    space_id: str | None
    conversation_id: str | None
    endpoint: str | None


class RunFrame:
    """Model, Genie and tracing for one run, with its deadline and its one outcome."""

    def __init__(self, settings: Settings, workspace: Callable[[], WorkspaceClient]) -> None:
        self.settings = settings
        self._workspace = workspace

    async def run(
        self,
        spec: RunSpec,
        on_slide: Callable[[SlideChunk], None],
        body: Callable[[Conversation], Awaitable[Written | OutlineReady]],
        emit: Emit,
    ) -> None:
        settings = self.settings
        endpoint_name = spec.endpoint or settings.serving_endpoint
        session: GenieSession | None = None
        with traced_run(
            settings,
            f"slidegen.{spec.kind}",
            user_id=spec.user.user_id,
            deck_id=spec.deck_id,
            kind=spec.kind,
            inputs={"request": spec.text},
        ) as trace:
            try:
                async with asyncio.timeout(settings.agent_timeout_s):
                    workspace = self._workspace()
                    session = self._genie_session(spec, workspace)
                    conversation = Conversation(
                        model=chat_model(settings, workspace, endpoint_name),
                        emit=emit,
                        on_slide=on_slide,
                        tool=genie_tool(session, settings.genie_max_chars) if session else None,
                        max_tool_calls=settings.agent_max_tool_calls,
                    )
                    written = await body(conversation)
            except asyncio.CancelledError:
                if session:
                    session.cancel.set()
                trace.finish(error="cancelled")
                raise
            except Exception as error:  # every failure ends as one clear message
                if session:
                    session.cancel.set()
                message = self._failure_message(error, endpoint_name)
                trace.finish(error=message)
                emit(Failed(message, trace.trace_id))
                return
            if isinstance(written, OutlineReady):  # a planning run: the outline is its result
                trace.finish(outputs={"slides": len(written.outline.entries)})
                emit(OutlineReady(written.outline, trace.trace_id))
                return
            trace.finish(outputs={"message": written.message})
            emit(
                DeckWritten(
                    written.deck,
                    written.message,
                    written.summary,
                    trace.trace_id,
                    {**genie_meta(session), **written.meta},
                )
            )

    def _failure_message(self, error: BaseException, endpoint: str) -> str:
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

    def workspace(self) -> WorkspaceClient:
        """The app's workspace client."""
        return self._workspace()

    def genie_client(self, user: UserContext, workspace: WorkspaceClient) -> WorkspaceClient:
        """Genie as the user when the proxy forwarded their token (they see their own data),
        else as the app."""
        if user.access_token:
            return user_workspace_client(workspace, user.access_token, self.settings)
        return workspace

    def _genie_session(self, spec: RunSpec, workspace: WorkspaceClient) -> GenieSession | None:
        space_id = (spec.space_id or "").strip()
        if not space_id:
            return None
        settings = self.settings
        client = self.genie_client(spec.user, workspace)
        return GenieSession(
            client,
            space_id,
            settings.genie_timeout_s,
            poll_max_s=settings.genie_poll_max_s,
            max_rows=settings.genie_max_rows,
            conversation_id=spec.conversation_id,
        )
