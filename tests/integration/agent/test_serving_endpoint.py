"""The emulated serving endpoint behaves like a real one for parallel per-slide generation.

Everything goes through the real `ChatDatabricks` (the OpenAI client underneath) against the
emulator: streams paced independently (N in parallel take about as long as one), the time to
first token honoured, the concurrency cap answering the 429 the OpenAI client parses (and
retries itself unless `max_retries=0`), a client that goes away freeing its place, and the
per-endpoint stats benchmarks read.
"""

from __future__ import annotations

import asyncio
import time

import openai
import pytest
from databricks.sdk import WorkspaceClient
from databricks_langchain import ChatDatabricks
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from slidegen.emulator.scripts import ModelReply, ModelScript

from .conftest import ENDPOINT

TEXT = "".join(f"word{i:03d} " for i in range(100))  # 800 characters: 200 tokens of 4


def llm(*, max_retries: int = 0, endpoint: str = ENDPOINT, timeout: float = 10.0):
    return ChatDatabricks(
        model=endpoint, workspace_client=WorkspaceClient(), max_retries=max_retries, timeout=timeout
    )


def messages(text: str = "Say something.") -> list[BaseMessage]:
    return [SystemMessage("You are terse."), HumanMessage(text)]


async def timed_stream(model: ChatDatabricks) -> tuple[str, float, float]:
    """The streamed text, the time to its first content, and the total time (client side)."""
    start = time.perf_counter()
    first: float | None = None
    parts: list[str] = []
    async for chunk in model.astream(messages()):
        if chunk.content and first is None:
            first = time.perf_counter() - start
        parts.append(str(chunk.content))
    assert first is not None
    return "".join(parts), first, time.perf_counter() - start


async def until(condition, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        await asyncio.sleep(0.01)


def test_concurrent_streams_each_run_at_full_pace(emulator, model: ModelScript) -> None:
    model.pace(tokens_per_s=200, ttft_s=0.2)  # one stream: 0.2 s + 199 / 200 s
    model.default = lambda request: ModelReply(text=TEXT)
    chat = llm()

    async def scenario() -> tuple[float, float, list[str]]:
        text, _, alone = await timed_stream(chat)
        assert text == TEXT
        start = time.perf_counter()
        results = await asyncio.gather(*(timed_stream(chat) for _ in range(4)))
        return alone, time.perf_counter() - start, [r[0] for r in results]

    alone, together, texts = asyncio.run(scenario())
    assert texts == [TEXT] * 4
    assert alone >= 1.1  # the pace is honoured: no stream comes faster than its schedule
    # Four streams one after another would take 4x; in parallel they take about as long as one.
    assert together < 2 * alone, (alone, together)
    stats = model.stats(ENDPOINT)
    assert stats.peak_concurrent == 4 and stats.active == 0 and stats.rejected == 0
    assert [c.status for c in stats.calls] == ["ok"] * 5
    for call in stats.calls:
        assert call.stream and call.kind == "chat" and call.completion_tokens == 200
        assert call.duration_s is not None and call.duration_s >= 1.1


def test_time_to_first_token_is_per_endpoint(emulator, model: ModelScript) -> None:
    model.pace("slow-start", ttft_s=0.8)
    model.default = lambda request: ModelReply(text="short answer")

    async def scenario() -> tuple[float, float]:
        _, slow, _ = await timed_stream(llm(endpoint="slow-start"))
        _, fast, _ = await timed_stream(llm(endpoint="quick"))
        return slow, fast

    slow, fast = asyncio.run(scenario())
    assert slow >= 0.75
    (slow_call,) = model.stats("slow-start").calls
    (fast_call,) = model.stats("quick").calls
    assert slow_call.ttft_s is not None and slow_call.ttft_s >= 0.8
    assert fast_call.ttft_s is not None and fast_call.ttft_s < 0.4
    assert fast < slow


def test_non_streaming_calls_take_as_long_as_their_stream(emulator, model: ModelScript) -> None:
    model.pace(tokens_per_s=400, ttft_s=0.3)
    model.default = lambda request: ModelReply(text=TEXT)
    start = time.perf_counter()
    answer = llm().invoke(messages())
    elapsed = time.perf_counter() - start
    assert answer.content == TEXT
    assert elapsed >= 0.3 + 199 / 400
    (call,) = model.stats(ENDPOINT).calls
    assert not call.stream and call.status == "ok" and call.completion_tokens == 200


def test_beyond_the_cap_the_endpoint_answers_429(emulator, model: ModelScript) -> None:
    model.pace(ENDPOINT, max_concurrent=2, retry_after_s=1)
    model.default = lambda request: ModelReply(text=TEXT)
    model.hold_after_chunks = 3  # the first two streams stay in flight until released
    stats = model.stats(ENDPOINT)

    async def scenario() -> None:
        held = [asyncio.create_task(timed_stream(llm())) for _ in range(2)]
        await until(lambda: stats.active == 2)
        with pytest.raises(openai.RateLimitError) as raised:
            await llm(max_retries=0).ainvoke(messages())
        error = raised.value
        assert error.status_code == 429
        assert isinstance(error.body, dict)
        assert error.body["error_code"] == "REQUEST_LIMIT_EXCEEDED"
        assert "REQUEST_LIMIT_EXCEEDED" in error.body["message"]
        assert error.response.headers["retry-after"] == "1"
        assert stats.rejected == 1 and stats.active == 2

        # With retries the OpenAI client waits Retry-After and tries again; by then a place
        # is free, so the call succeeds.
        retried = asyncio.create_task(llm(max_retries=2).ainvoke(messages()))
        await until(lambda: stats.rejected == 2)
        model.release.set()
        for task in held:
            text, _, _ = await task
            assert text == TEXT
        assert (await retried).content == TEXT

    asyncio.run(scenario())
    assert stats.peak_concurrent == 2 and stats.active == 0
    statuses = [c.status for c in stats.calls]
    assert statuses.count("rejected") == 2 and statuses.count("ok") == 3
    # A rejected call takes no scripted reply: every answered call got its own.
    assert len(model.requests) == 3


def test_a_cancelled_call_frees_its_place_at_once(emulator, model: ModelScript) -> None:
    # Stop cancels the task that reads the stream: the OpenAI stream closes its response on the
    # way out, the endpoint sees the client go away and stops writing.
    model.pace(tokens_per_s=50, max_concurrent=1)  # 4 s for the whole answer
    model.default = lambda request: ModelReply(text=TEXT)
    stats = model.stats(ENDPOINT)

    async def scenario() -> None:
        reading = asyncio.create_task(timed_stream(llm()))
        await until(lambda: bool(stats.calls) and stats.calls[0].completion_tokens >= 3)
        reading.cancel()
        with pytest.raises(asyncio.CancelledError):
            await reading
        await until(lambda: stats.active == 0, timeout_s=3)
        model.pace(tokens_per_s=0)
        # The place is free at once: a new call is admitted, not answered 429.
        answer = await llm().ainvoke([HumanMessage("again")])
        assert answer.content == TEXT

    asyncio.run(scenario())
    first = stats.calls[0]
    assert first.status == "cancelled"
    assert 3 <= first.completion_tokens < 200
    assert stats.rejected == 0 and stats.active == 0
