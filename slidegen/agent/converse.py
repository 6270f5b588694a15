"""The model loop of one run: stream the model's answer, run the Genie tool when asked, repeat.

`Conversation.turn(messages)` streams one model answer through `ChatDatabricks.astream`, feeding
its text to the `SlideSplitter` as it arrives, and executes tool calls (at most
`AGENT_MAX_TOOL_CALLS` per run; after that the model is asked to write without tools). It returns
the whole text the model wrote. Transport errors become `AgentFailure` with a message for the
user (`failures.describe_failure`); retries of 429/5xx happen below us, in the OpenAI client, with
backoff and honouring Retry-After, up to `LLM_MAX_RETRIES`.

Why a hand-written loop rather than a prebuilt LangChain agent: the run must stream slide HTML
token by token to the splitter, bound the tool budget and Genie's wait, and translate every
failure into one clear sentence; each of those is a few lines here and a fight with a framework.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, ToolMessage
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool, StructuredTool
from pydantic import BaseModel, Field

from slidegen.agent.events import AgentEvent, TextDelta, ToolCallStarted, ToolResult
from slidegen.agent.failures import AgentFailure, describe_failure
from slidegen.agent.genie import GenieError, GenieResult, GenieSession, format_for_model
from slidegen.agent.stream import SlideChunk, SlideSplitter
from slidegen.deck.model import MAX_SLIDES_PER_DECK

__all__ = ["AgentFailure", "Conversation", "describe_failure", "genie_tool"]

log = logging.getLogger(__name__)

TOOL_NAME = "query_genie_space"
# An answer past these bounds is not a usable deck: the stream is closed at once, which ends
# the model request, instead of being read to its end and refused afterwards.
MAX_ANSWER_CHARS = 16_000_000


class _GenieQuestion(BaseModel):
    question: str = Field(
        description="One plain-language question about the data, e.g. "
        "'Monthly revenue by region for 2024'."
    )


def genie_tool(session: GenieSession, max_chars: int) -> BaseTool:
    """The LangChain tool the model sees; its artifact is the structured `GenieResult`."""

    async def query_genie_space(question: str) -> tuple[str, GenieResult | GenieError]:
        try:
            result = await asyncio.to_thread(session.ask, question)
        except GenieError as error:
            return f"Genie could not answer: {error}. Do not invent figures.", error
        return format_for_model(result, max_chars=max_chars), result

    return StructuredTool.from_function(
        coroutine=query_genie_space,
        name=TOOL_NAME,
        description=(
            "Ask the user's Genie data space a question in plain language; returns "
            "the SQL it ran, the result table and a short answer."
        ),
        args_schema=_GenieQuestion,
        response_format="content_and_artifact",
    )


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in content)
    return ""


@dataclass
class Conversation:
    """Model + optional Genie tool + the run's event sink and slide splitter."""

    model: BaseChatModel
    emit: Callable[[AgentEvent], None]
    on_slide: Callable[[SlideChunk], None]
    tool: BaseTool | None = None
    max_tool_calls: int = 4
    splitter: SlideSplitter = field(default_factory=SlideSplitter)
    tool_calls_made: int = 0
    genie_results: list[GenieResult] = field(default_factory=list)
    _bound: Runnable | None = None

    def _runnable(self) -> Runnable:
        if self.tool is None or self.tool_calls_made >= self.max_tool_calls:
            return self.model
        if self._bound is None:
            self._bound = self.model.bind_tools([self.tool])
        return self._bound

    async def turn(self, messages: list[BaseMessage]) -> str:
        """Run the model (and tools) until it answers without tool calls; return all its text.

        `messages` is extended in place with the assistant and tool messages of this turn.
        """
        written: list[str] = []
        while True:
            answer = await self._stream_once(messages, written)
            calls = answer.tool_calls
            messages.append(AIMessage(content=answer.content, tool_calls=calls))
            if not calls:
                return "".join(written)
            for call in calls:
                messages.append(await self._run_tool(call))

    async def _stream_once(self, messages: list[BaseMessage], written: list[str]) -> AIMessageChunk:
        answer: AIMessageChunk | None = None
        size = sum(len(t) for t in written)
        async with contextlib.aclosing(self._runnable().astream(messages)) as stream:
            async for chunk in stream:
                if not isinstance(chunk, AIMessageChunk):
                    continue
                answer = chunk if answer is None else answer + chunk
                text = _text_of(chunk.content)
                if text:
                    written.append(text)
                    size += len(text)
                    if size > MAX_ANSWER_CHARS:
                        raise AgentFailure(
                            "The model's answer grew past "
                            f"{MAX_ANSWER_CHARS // 1_000_000} million characters and was "
                            "stopped; ask for fewer or simpler slides."
                        )
                    for slide in self.splitter.feed(text):
                        if slide.index >= MAX_SLIDES_PER_DECK:
                            raise AgentFailure(
                                f"The model wrote more than {MAX_SLIDES_PER_DECK} slides, the "
                                "most a deck may hold, and was stopped; ask for fewer slides."
                            )
                        self.on_slide(slide)
                    self.emit(TextDelta(text, self.splitter.in_slide))
        if answer is None:
            raise AgentFailure("The model returned an empty answer.")
        return answer

    async def _run_tool(self, call: dict[str, Any]) -> ToolMessage:
        call_id = call.get("id") or f"call_{self.tool_calls_made}"
        args = call.get("args") or {}
        question = str(args.get("question", "")).strip() if isinstance(args, dict) else ""
        if call.get("name") != TOOL_NAME or self.tool is None:
            return ToolMessage(
                f"Unknown tool {call.get('name')!r}: only {TOOL_NAME} exists.",
                tool_call_id=call_id,
                status="error",
            )
        if self.tool_calls_made >= self.max_tool_calls:
            return ToolMessage(
                "The data-query budget for this request is used up: write the "
                "answer with the data you already have.",
                tool_call_id=call_id,
                status="error",
            )
        self.tool_calls_made += 1
        self.emit(ToolCallStarted(call_id, question))
        try:
            message = await self.tool.ainvoke({**call, "id": call_id, "type": "tool_call"})
        except (ValueError, TypeError) as error:  # arguments that do not fit the schema
            self.emit(ToolResult(call_id, question, error=f"invalid arguments: {error}"))
            return ToolMessage(
                f"Invalid arguments for {TOOL_NAME}: pass one 'question' string.",
                tool_call_id=call_id,
                status="error",
            )
        artifact = getattr(message, "artifact", None)
        if isinstance(artifact, GenieResult):
            self.genie_results.append(artifact)
            self.emit(
                ToolResult(
                    call_id,
                    question,
                    artifact.sql,
                    artifact.columns,
                    artifact.rows,
                    artifact.total_rows,
                    artifact.text,
                )
            )
        else:
            error = str(artifact) if artifact is not None else _text_of(message.content)
            self.emit(ToolResult(call_id, question, error=error))
            log.info("genie tool call failed: %s", error)
        return message
