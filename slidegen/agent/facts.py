"""The data phase of a generation: the outline's questions asked of Genie before the slides
that need them are written, so every slide is written from the same facts.

Questions go out as soon as their outline entry is complete, while the rest of the outline
still streams (a real Genie answer takes seconds); a slide's call waits only for its own.

Independent questions go out in parallel, each in its own Genie conversation (a conversation
answers one message at a time), at most `GENIE_PARALLEL` at once to stay inside Genie's
per-workspace pacing; the first continues the deck's remembered conversation, so a follow-up
keeps Genie's context. Each question is reported as `ToolCallStarted` / `ToolResult` as in the
single-stream run; a failed question leaves its slides to say the data is missing, never to
invent it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from databricks.sdk import WorkspaceClient

from slidegen.agent.events import AgentEvent, ToolCallStarted, ToolResult
from slidegen.agent.genie import GenieError, GenieResult, GenieSession, format_for_model
from slidegen.config import Settings

__all__ = ["GENIE_PARALLEL", "Fact", "FactFinder"]

GENIE_PARALLEL = 3


@dataclass(frozen=True)
class Fact:
    """One question and Genie's answer (`result`) or why there is none (`error`)."""

    question: str
    result: GenieResult | None = None
    error: str | None = None

    def for_model(self, max_chars: int) -> str:
        if self.result is not None:
            return format_for_model(self.result, max_chars=max_chars)
        return (
            f"Question: {self.question}\nGenie could not answer: {self.error}. "
            "Do not invent figures for it; say the data is unavailable."
        )


class FactFinder:
    """Asks Genie the questions of a run as they become known; each question once.

    `ask(question)` starts it at once (an outline entry's questions go out while the rest of
    the outline is still streaming); `facts_for(questions)` awaits the answers a slide needs.
    `close()` stops every poll still running (a cancelled or failed run)."""

    def __init__(
        self,
        *,
        workspace: WorkspaceClient,
        space_id: str,
        settings: Settings,
        conversation_id: str | None,
        emit: Callable[[AgentEvent], None],
    ) -> None:
        self._workspace = workspace
        self._space_id = space_id
        self._settings = settings
        self._conversation_id = conversation_id
        self._emit = emit
        self._limit = asyncio.Semaphore(GENIE_PARALLEL)
        self._tasks: dict[str, asyncio.Task[Fact]] = {}
        self.sessions: list[GenieSession] = []

    def ask(self, question: str) -> asyncio.Task[Fact]:
        task = self._tasks.get(question)
        if task is None:
            number = len(self._tasks)
            task = asyncio.create_task(self._answer(number, question), name="slidegen-genie")
            self._tasks[question] = task
        return task

    async def facts_for(self, questions: Sequence[str]) -> dict[str, Fact]:
        answers = await asyncio.gather(*(self.ask(q) for q in questions))
        return {fact.question: fact for fact in answers}

    def close(self) -> None:
        for session in self.sessions:
            session.cancel.set()
        for task in self._tasks.values():
            task.cancel()

    async def _answer(self, number: int, question: str) -> Fact:
        call_id = f"genie_{number}"
        settings = self._settings
        session = GenieSession(
            self._workspace,
            self._space_id,
            settings.genie_timeout_s,
            poll_max_s=settings.genie_poll_max_s,
            max_rows=settings.genie_max_rows,
            # The first question continues the deck's conversation; the others run beside it.
            conversation_id=self._conversation_id if number == 0 else None,
        )
        self.sessions.append(session)
        async with self._limit:
            self._emit(ToolCallStarted(call_id, question))
            try:
                result = await asyncio.to_thread(session.ask, question)
            except GenieError as error:
                self._emit(ToolResult(call_id, question, error=str(error)))
                return Fact(question, error=str(error))
        self._emit(
            ToolResult(
                call_id,
                question,
                result.sql,
                result.columns,
                result.rows,
                result.total_rows,
                result.text,
            )
        )
        return Fact(question, result)
