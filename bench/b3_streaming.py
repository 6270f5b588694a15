"""B3 streaming overhead: how soon each slide is visible after the model wrote it.

Two generation modes, each measured against its own raw streams (`--mode single|outline|both`):

**single** (GENERATION_MODE=single, the one-answer path): the emulator streams a 10-slide deck
(about 1 KB of HTML per slide, charts with inline scripts on some) at a fixed token rate through
the real stack: `ChatDatabricks` (OpenAI client, SSE) → the agent's incremental splitter →
`SlideReady` events → the deck saved in a SQLite store. For each slide we take the time its
closing tag left the emulator (the emulator stamps every chunk it sends) and the time the
consumer of the generation turn saw its `SlideReady` (same process, same clock). "Visible in the
user's state" is measured at that event boundary: the UI copies the event into its state; that
last hop is B1's subject.

Figures (targets from BENCHMARKS.md):
- first slide visible, as a fraction of the stream's duration (target: before 20 %);
- added delay per slide, p50 / p95 over all slides of all runs (target: p95 < 100 ms);
- total wall time of a generation (request → `TurnSaved`, deck saved) over the raw stream: the
  same scripted answer read with plain httpx from request to `[DONE]`, alternated with the agent
  runs in the same process (target: ≤ 1.05).

**outline** (GENERATION_MODE=outline, the default): the same number of slides from
`sample_deck` (a chart slide of about `--slide-tokens` tokens each): one outline call, whose
entries become placeholders (`SlidePlanned`), then one call a slide, SLIDE_CONCURRENCY (4) at
once. Each slide's stream is told apart by its text; a slide is complete when its call's last
token is sent (the slide writer parses a whole answer), so the added delay is `SlideReady` minus
that moment. "First placeholder" and "first slide" are fractions of the generation's streaming
span (the outline's first token to the last slide's last token). The raw floor reads the same
answers with httpx in the same pattern: the outline, then the slides 4 at a time. AUTO_FIT is
off (B10 measures fitting).

Run: `python -m bench.b3_streaming [--mode both] [--runs N] [--rate TOKENS_PER_S] [--slides N]`
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from slidegen.agent import Agent, SlidePlanned, SlideReady
from slidegen.agent.stream import SlideSplitter
from slidegen.config import Settings, load_settings
from slidegen.emulator import running_emulator
from slidegen.emulator.sample_decks import SampleDeck, sample_deck
from slidegen.emulator.scripts import ModelReply, ModelScript, StreamRecord, model_script
from slidegen.server.identity import UserContext
from slidegen.service import DeckService, TurnSaved, TurnService
from slidegen.store import DeckStore, open_store

ENDPOINT = "bench-endpoint"


def deck_text(slides: int) -> str:
    parts = [
        "<title>Quarterly review</title>",
        "<style>.slide{font-family:sans-serif;padding:48px}h2{color:#0b5cad}</style>",
    ]
    for i in range(1, slides + 1):
        bullets = "".join(
            f"<li>Point {j} of slide {i}: a sentence of ordinary length.</li>" for j in range(1, 7)
        )
        chart = ""
        if i % 3 == 0:
            chart = (
                f'<canvas id="c{i}"></canvas><script>new Chart(document.getElementById('
                f"'c{i}'), {{type: 'bar', data: {{labels: ['Q1','Q2','Q3'], datasets: "
                f"[{{label: 'Revenue', data: [{i}, {i * 2}, {i * 3}]}}]}}, options: "
                "{animation: false}});</script>"
            )
        parts.append(
            f'<div class="slide"><h2>Slide {i}</h2><ul>{bullets}</ul>{chart}'
            f"<p>{'Notes for the audience. ' * 12}</p></div>"
        )
    return "\n".join(parts)


def close_offsets(text: str) -> list[int]:
    """Character offset just after each slide container's closing tag."""
    splitter = SlideSplitter()
    return [c.start + len(c.html) for c in splitter.feed(text)]


def close_times(record: StreamRecord, offsets: list[int]) -> list[float]:
    """When the chunk holding each closing tag's last character was sent."""
    times, position, chunk = [], 0, 0
    for offset in offsets:
        while position + len(record.chunks[chunk]) < offset:
            position += len(record.chunks[chunk])
            chunk += 1
        times.append(record.sent_at[chunk])
    return times


@dataclass
class AgentRun:
    wall_s: float
    first_fraction: float
    delays_ms: list[float]
    placeholder_fraction: float | None = None  # outline mode: the first placeholder


async def agent_run(
    script: ModelScript, text: str, store: DeckStore, settings: Settings, user: UserContext
) -> AgentRun:
    script.replies.append(ModelReply(text=text))
    seen: list[float] = []
    started = time.perf_counter()
    turns = TurnService(DeckService(lambda: store), lambda: Agent(settings), lambda: settings)
    async for event in turns.generate(user, "quarterly review"):
        if isinstance(event, SlideReady):
            seen.append(time.perf_counter())
        elif isinstance(event, TurnSaved):
            wall = time.perf_counter() - started
        else:
            continue
    record = script.streams[-1]
    offsets = close_offsets(text)
    closed = close_times(record, offsets)
    if len(seen) != len(offsets):
        raise RuntimeError(f"{len(seen)} slides seen, {len(offsets)} streamed")
    stream_start, stream_end = record.sent_at[0], record.sent_at[-1]
    first_fraction = (seen[0] - stream_start) / (stream_end - stream_start)
    delays = [(s - c) * 1000 for s, c in zip(seen, closed, strict=True)]
    return AgentRun(wall, first_fraction, delays)


async def raw_run(script: ModelScript, text: str, url: str) -> float:
    """The same answer read as bare SSE with httpx: the floor for any client."""
    script.replies.append(ModelReply(text=text))
    started = time.perf_counter()
    async with httpx.AsyncClient(timeout=60) as client:
        await _read_sse(client, url)
    return time.perf_counter() - started


async def _read_sse(client: httpx.AsyncClient, url: str) -> None:
    body = {"model": ENDPOINT, "stream": True, "messages": [{"role": "user", "content": "x"}]}
    async with (
        client.stream(
            "POST",
            f"{url}/serving-endpoints/chat/completions",
            json=body,
            headers={"Authorization": "Bearer bench"},
        ) as response,
    ):
        async for line in response.aiter_lines():
            if line == "data: [DONE]":
                break


async def outline_agent_run(
    script: ModelScript, deck: SampleDeck, store: DeckStore, settings: Settings, user: UserContext
) -> AgentRun:
    """One outline-first generation of `deck`; placeholders and slides timed against the
    streams the emulator sent for them."""
    deck.script(script)
    first_stream = len(script.streams)
    planned: list[float] = []
    seen: dict[int, float] = {}
    started = time.perf_counter()
    turns = TurnService(DeckService(lambda: store), lambda: Agent(settings), lambda: settings)
    async for event in turns.generate(user, "quarterly review", genie_space_id=""):
        if isinstance(event, SlidePlanned):
            planned.append(time.perf_counter())
        elif isinstance(event, SlideReady):
            seen[event.index] = time.perf_counter()
        elif isinstance(event, TurnSaved):
            wall = time.perf_counter() - started
    records = script.streams[first_stream:]
    by_text = {s.html: s.number - 1 for s in deck.slides}
    closed: dict[int, float] = {}
    for record in records:
        if record.text in by_text:
            closed[by_text[record.text]] = record.sent_at[-1]
    if sorted(seen) != sorted(closed) or len(seen) != len(deck.slides):
        raise RuntimeError(f"{len(seen)} slides seen, {len(closed)} slide streams matched")
    span_start = min(r.sent_at[0] for r in records)
    span = max(r.sent_at[-1] for r in records) - span_start
    delays = [(seen[i] - closed[i]) * 1000 for i in sorted(seen)]
    return AgentRun(
        wall,
        (min(seen.values()) - span_start) / span,
        delays,
        (planned[0] - span_start) / span,
    )


async def outline_raw_run(script: ModelScript, deck: SampleDeck, url: str, at_once: int) -> float:
    """The outline, then every slide answer `at_once` at a time, read as bare SSE."""
    started = time.perf_counter()
    limit = asyncio.Semaphore(at_once)
    async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=32)) as client:
        script.replies.append(ModelReply(text=deck.outline()))
        await _read_sse(client, url)

        async def one(html: str) -> None:
            async with limit:
                script.replies.append(ModelReply(text=html))
                await _read_sse(client, url)

        await asyncio.gather(*(one(s.html) for s in deck.slides))
    return time.perf_counter() - started


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="B3 streaming overhead")
    parser.add_argument("--mode", choices=("single", "outline", "both"), default="both")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rate", type=float, default=500.0, help="tokens per second")
    parser.add_argument("--slides", type=int, default=10)
    parser.add_argument("--slide-tokens", type=int, default=250, help="outline mode")
    args = parser.parse_args(argv)

    with running_emulator() as server, tempfile.TemporaryDirectory() as data:
        os.environ["DATABRICKS_HOST"] = server.url
        os.environ["DATABRICKS_TOKEN"] = "bench-token"
        for name in ("DATABRICKS_CLIENT_ID", "DATABRICKS_CLIENT_SECRET", "MLFLOW_TRACKING_URI"):
            os.environ.pop(name, None)
        script = model_script(server.emulator)
        script.tokens_per_s, script.chars_per_token = args.rate, 4
        user = UserContext("bench", "bench@example.com", "Bench", "bench")
        if args.mode in ("single", "both"):
            settings = load_settings(
                data_dir=data,
                serving_endpoint=ENDPOINT,
                genie_space_id="",
                llm_max_retries=0,
                generation_mode="single",
                auto_fit="off",
            )
            store = open_store(settings)
            try:
                single(args, script, server.url, store, settings, user)
            finally:
                store.dispose()
        if args.mode in ("outline", "both"):
            settings = load_settings(
                data_dir=data,
                serving_endpoint=ENDPOINT,
                genie_space_id="",
                llm_max_retries=0,
                generation_mode="outline",
                auto_fit="off",
            )
            store = open_store(settings)
            try:
                outline(args, script, server.url, store, settings, user)
            finally:
                store.dispose()


def _summary(agents: list[AgentRun], raws: list[float]) -> None:
    delays = [d for run in agents for d in run.delays_ms]
    raw_median = statistics.median(raws)
    agent_median = statistics.median(r.wall_s for r in agents)
    print(
        f"raw stream (httpx)        median {raw_median:.3f} s  "
        f"(min {min(raws):.3f}, max {max(raws):.3f})"
    )
    print(
        f"agent generation          median {agent_median:.3f} s  "
        f"(min {min(r.wall_s for r in agents):.3f}, max {max(r.wall_s for r in agents):.3f})"
    )
    print(f"ratio agent / raw         {agent_median / raw_median:.3f}   (target <= 1.05)")
    placeholders = [r.placeholder_fraction * 100 for r in agents if r.placeholder_fraction]
    if placeholders:
        print(
            f"first placeholder at      median {statistics.median(placeholders):.1f} % of the "
            f"streams (max {max(placeholders):.1f} %)"
        )
    fractions = [r.first_fraction * 100 for r in agents]
    print(
        f"first slide visible at    median {statistics.median(fractions):.1f} % of the stream "
        f"(max {max(fractions):.1f} %)   (target < 20 %)"
    )
    print(
        f"added delay per slide     p50 {percentile(delays, 0.5):.2f} ms, "
        f"p95 {percentile(delays, 0.95):.2f} ms, max {max(delays):.2f} ms over "
        f"{len(delays)} slides   (target p95 < 100 ms)"
    )


def single(
    args: argparse.Namespace,
    script: ModelScript,
    url: str,
    store: DeckStore,
    settings: Settings,
    user: UserContext,
) -> None:
    """GENERATION_MODE=single: one answer holding the whole deck."""
    text = deck_text(args.slides)

    async def go() -> tuple[list[AgentRun], list[float]]:
        await raw_run(script, text, url)  # warm-up: imports, connections
        await agent_run(script, text, store, settings, user)
        agents, raws = [], []
        for _ in range(args.runs):
            raws.append(await raw_run(script, text, url))
            agents.append(await agent_run(script, text, store, settings, user))
        return agents, raws

    agents, raws = asyncio.run(go())
    tokens = len(script.tokens(text))
    print(
        f"single: {args.slides} slides in one answer, {len(text)} chars, {tokens} tokens at "
        f"{args.rate:g} tokens/s; {args.runs} runs (+1 warm-up)"
    )
    _summary(agents, raws)


def outline(
    args: argparse.Namespace,
    script: ModelScript,
    url: str,
    store: DeckStore,
    settings: Settings,
    user: UserContext,
) -> None:
    """GENERATION_MODE=outline: an outline call, then one call a slide in parallel."""
    deck = sample_deck(args.slides, args.slide_tokens)
    at_once = settings.slide_concurrency

    async def go() -> tuple[list[AgentRun], list[float]]:
        await outline_raw_run(script, deck, url, at_once)  # warm-up
        await outline_agent_run(script, deck, store, settings, user)
        agents, raws = [], []
        for _ in range(args.runs):
            raws.append(await outline_raw_run(script, deck, url, at_once))
            agents.append(await outline_agent_run(script, deck, store, settings, user))
        return agents, raws

    agents, raws = asyncio.run(go())
    print(
        f"outline: {args.slides} slides, outline {deck.tokens(deck.outline())} tokens + "
        f"{deck.slide_tokens} slide tokens at {args.rate:g} tokens/s a stream, "
        f"{at_once} slides at once; {args.runs} runs (+1 warm-up)"
    )
    _summary(agents, raws)


if __name__ == "__main__":
    main()
