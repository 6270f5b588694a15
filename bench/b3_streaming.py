"""B3 streaming overhead: how soon each slide is visible after the model wrote it.

The emulator streams a 10-slide deck (about 1 KB of HTML per slide, charts with inline scripts
on some) at a fixed token rate through the real stack: `ChatDatabricks` (OpenAI client, SSE) →
the agent's incremental splitter → `SlideReady` events → the deck saved in a SQLite store.
For each slide we take the time its closing tag left the emulator (the emulator stamps every
chunk it sends) and the time the consumer of the generation turn saw its `SlideReady` (same process,
same clock). "Visible in the user's state" is measured at that event boundary: the UI copies the
event into its state; that last hop is B1's subject.

Figures (targets from BENCHMARKS.md):
- first slide visible, as a fraction of the stream's duration (target: before 20 %);
- added delay per slide, p50 / p95 over all slides of all runs (target: p95 < 100 ms);
- total wall time of a generation (request → `TurnSaved`, deck saved) over the raw stream: the
  same scripted answer read with plain httpx from request to `[DONE]`, alternated with the agent
  runs in the same process (target: ≤ 1.05).

Run: `python -m bench.b3_streaming [--runs N] [--rate TOKENS_PER_S] [--slides N]`
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

from slidegen.agent import Agent, SlideReady
from slidegen.agent.stream import SlideSplitter
from slidegen.config import Settings, load_settings
from slidegen.emulator import running_emulator
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
    body = {"model": ENDPOINT, "stream": True, "messages": [{"role": "user", "content": "x"}]}
    started = time.perf_counter()
    async with (
        httpx.AsyncClient(timeout=60) as client,
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
    return time.perf_counter() - started


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="B3 streaming overhead")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rate", type=float, default=500.0, help="tokens per second")
    parser.add_argument("--slides", type=int, default=10)
    args = parser.parse_args(argv)
    text = deck_text(args.slides)

    with running_emulator() as server, tempfile.TemporaryDirectory() as data:
        os.environ["DATABRICKS_HOST"] = server.url
        os.environ["DATABRICKS_TOKEN"] = "bench-token"
        for name in ("DATABRICKS_CLIENT_ID", "DATABRICKS_CLIENT_SECRET", "MLFLOW_TRACKING_URI"):
            os.environ.pop(name, None)
        script = model_script(server.emulator)
        script.tokens_per_s, script.chars_per_token = args.rate, 4
        settings = load_settings(
            data_dir=data, serving_endpoint=ENDPOINT, genie_space_id="", llm_max_retries=0
        )
        store = open_store(settings)
        user = UserContext("bench", "bench@example.com", "Bench", "bench")

        async def go() -> tuple[list[AgentRun], list[float]]:
            await raw_run(script, text, server.url)  # warm-up: imports, connections
            await agent_run(script, text, store, settings, user)
            agents, raws = [], []
            for _ in range(args.runs):
                raws.append(await raw_run(script, text, server.url))
                agents.append(await agent_run(script, text, store, settings, user))
            return agents, raws

        agents, raws = asyncio.run(go())
        store.dispose()

    tokens = len(script.tokens(text))
    delays = [d for run in agents for d in run.delays_ms]
    raw_median = statistics.median(raws)
    agent_median = statistics.median(r.wall_s for r in agents)
    print(
        f"deck: {args.slides} slides, {len(text)} chars, {tokens} tokens at "
        f"{args.rate:g} tokens/s; {args.runs} runs (+1 warm-up)"
    )
    print(
        f"raw stream (httpx)        median {raw_median:.3f} s  "
        f"(min {min(raws):.3f}, max {max(raws):.3f})"
    )
    print(
        f"agent generation          median {agent_median:.3f} s  "
        f"(min {min(r.wall_s for r in agents):.3f}, max {max(r.wall_s for r in agents):.3f})"
    )
    print(f"ratio agent / raw         {agent_median / raw_median:.3f}   (target <= 1.05)")
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


if __name__ == "__main__":
    main()
