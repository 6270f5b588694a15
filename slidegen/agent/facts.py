"""The data phase of a generation: the outline's questions asked of Genie before any slide is
written, so every slide is written from the same facts.

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

__all__ = ["GENIE_PARALLEL", "Fact", "gather_facts"]

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


async def gather_facts(
    questions: Sequence[str],
    *,
    workspace: WorkspaceClient,
    space_id: str,
    settings: Settings,
    conversation_id: str | None,
    emit: Callable[[AgentEvent], None],
    sessions: list[GenieSession],
) -> dict[str, Fact]:
    """Ask every question; returns the facts by question. `sessions` collects the Genie
    sessions opened (the caller cancels their polling if the run is cancelled, and records
    the first one's conversation)."""
    limit = asyncio.Semaphore(GENIE_PARALLEL)

    async def ask(number: int, question: str) -> Fact:
        call_id = f"genie_{number}"
        session = GenieSession(
            workspace,
            space_id,
            settings.genie_timeout_s,
            poll_max_s=settings.genie_poll_max_s,
            max_rows=settings.genie_max_rows,
            conversation_id=conversation_id if number == 0 else None,
        )
        sessions.append(session)
        async with limit:
            emit(ToolCallStarted(call_id, question))
            try:
                result = await asyncio.to_thread(session.ask, question)
            except GenieError as error:
                emit(ToolResult(call_id, question, error=str(error)))
                return Fact(question, error=str(error))
        emit(
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

    facts = await asyncio.gather(*(ask(n, q) for n, q in enumerate(questions)))
    return {fact.question: fact for fact in facts}
