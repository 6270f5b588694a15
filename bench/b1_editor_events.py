"""B1: editor event cost over a real websocket, as the browser drives it.

A `python-socketio` client (the protocol the browser speaks; `tests.support.reflex_client`)
connects to the packaged app served as in production, with the proxy's headers, opens a 40-slide
deck (~4 KB of HTML a slide) and sends reorder, delete (+ undo), duplicate (+ delete) and
HTML-edit events. For each event it measures the round trip (send -> the state delta that shows
the change) and the bytes the server pushed for it. Target: p95 < 50 ms on loopback; bytes for a
reorder < 2% of the deck's HTML.

It then measures the generation stream: the scripted model of the Databricks REST emulator
writes decks of 10, 40 and 80 such slides, and the bytes pushed to the tab during each
generation are counted (slides appear one by one). Linear growth means a constant number of
bytes per slide; a view that resends every slide on each new one grows with the square.

    python -m bench.b1_editor_events [--rounds 30] [--url URL --data-dir DIR]

Without --url it builds the package and starts it (ENVIRONMENT=production) on a free port with
the emulator as its workspace; with --url only the editor events are measured.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.support.reflex_client import ReflexSocket, event_name

USER = "b1-bench-user"
SLIDES = 40
HYDRATE = "reflex___state____state.hydrate"
GENERATED_SIZES = (10, 40, 80)


def slide_html(i: int) -> str:
    rows = "".join(
        f"<tr><td>Region {r}</td><td>{(i * 7 + r * 13) % 97}.{r}</td><td>+{r}.{i % 9}%</td></tr>"
        for r in range(64)
    )
    bullets = "".join(
        f"<li>Point {b} of slide {i}: a sentence of ordinary length.</li>" for b in range(8)
    )
    return (
        f'<div class="slide"><h2>Slide {i + 1}: quarterly figures</h2><ul>{bullets}</ul>'
        f"<table><tr><th>Region</th><th>Revenue</th><th>Growth</th></tr>{rows}</table></div>"
    )


def make_deck(data_dir: Path) -> tuple[str, int]:
    from slidegen.config import load_settings
    from slidegen.deck import parse_deck_html
    from slidegen.store import open_store

    html = "\n".join(slide_html(i) for i in range(SLIDES))
    parsed = parse_deck_html(html)
    store = open_store(load_settings(SLIDEGEN_DATA_DIR=str(data_dir)))
    try:
        record = store.create_deck(USER, "B1 deck", styles=parsed.styles, slides=parsed.slides)
    finally:
        store.dispose()
    deck_html = sum(len(s.html.encode()) for s in parsed.slides)
    return record.deck.id, deck_html


def _deck_delta(update: dict[str, Any]) -> dict[str, Any]:
    for key, value in (update.get("delta") or {}).items():
        if key.endswith("deck____deck_state"):
            return value
    return {}


class Driver:
    def __init__(self, socket: ReflexSocket) -> None:
        self.socket = socket
        self.version = 0
        self.order: list[str] = []

    def _absorb(self, delta: dict[str, Any]) -> None:
        self.version = delta.get("version_rx_state_", self.version)
        self.order = delta.get("order_rx_state_", self.order)

    async def call(self, state: Any, handler: str, payload: dict[str, Any]) -> tuple[float, int]:
        """Send one event; wait for the delta with a new deck version. (ms, bytes pushed)."""
        before_bytes, before_version = self.socket.bytes_received, self.version
        start = time.perf_counter()
        await self.socket.send(event_name(state, handler), payload)
        while True:
            update = await self.socket.next_update(15)
            delta = _deck_delta(update)
            self._absorb(delta)
            if self.version != before_version:
                break
        elapsed = (time.perf_counter() - start) * 1000
        # Let the rest of this event's messages (if any) arrive before counting bytes.
        await asyncio.sleep(0.02)
        while not self.socket.updates.empty():
            self._absorb(_deck_delta(self.socket.updates.get_nowait()))
        return elapsed, self.socket.bytes_received - before_bytes


async def run(url: str, deck_id: str, deck_bytes: int, rounds: int) -> dict[str, Any]:
    from slidegen.web.states import DeckState, EditorState, SessionState

    headers = {"x-forwarded-user": USER, "x-forwarded-email": f"{USER}@example.com", "origin": url}
    socket = await ReflexSocket(url, headers=headers).connect()
    driver = Driver(socket)
    try:
        await socket.send(HYDRATE, path=f"/?deck={deck_id}")
        await socket.send(event_name(SessionState, "on_load"), path=f"/?deck={deck_id}")
        while len(driver.order) != SLIDES:
            driver._absorb(_deck_delta(await socket.next_update(30)))
        results: dict[str, list[tuple[float, int]]] = {
            k: [] for k in ("reorder", "delete", "duplicate", "html_edit")
        }
        for i in range(rounds):
            o = driver.order
            results["reorder"].append(
                await driver.call(
                    DeckState, "move", {"slide_id": o[0], "target_id": o[20], "after": True}
                )
            )
            o = driver.order
            results["delete"].append(await driver.call(DeckState, "delete", {"slide_id": o[5]}))
            await driver.call(DeckState, "undo", {})
            o = driver.order
            results["duplicate"].append(
                await driver.call(DeckState, "duplicate", {"slide_id": o[7]})
            )
            await driver.call(DeckState, "delete", {"slide_id": driver.order[8]})
            target = driver.order[3]
            await socket.send(event_name(EditorState, "start"), {"slide_id": target})
            await asyncio.sleep(0.05)
            while not socket.updates.empty():
                socket.updates.get_nowait()
            html = slide_html(1000 + i).replace("quarterly", f"edited {i}")
            results["html_edit"].append(
                await driver.call(EditorState, "save", {"form": {"html": html}})
            )
    finally:
        await socket.close()
    return {"deck_html_bytes": deck_bytes, "results": results}


def _state_delta(update: dict[str, Any], suffix: str) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for key, value in (update.get("delta") or {}).items():
        if key.endswith(suffix):
            merged.update(value)
    return merged


async def run_generations(url: str, emulator: Any) -> list[dict[str, Any]]:
    """Bytes pushed to the tab while the agent writes decks of GENERATED_SIZES slides."""
    from slidegen.emulator.scripts import ModelReply, model_script
    from slidegen.web.states import ChatState, SessionState

    user = "b1-generate-user"
    headers = {"x-forwarded-user": user, "x-forwarded-email": f"{user}@example.com", "origin": url}
    script = model_script(emulator.emulator)
    rows = []
    for size in GENERATED_SIZES:
        socket = await ReflexSocket(url, headers=headers).connect()
        try:
            await socket.send(HYDRATE)
            await socket.send(event_name(SessionState, "new_deck"))
            await asyncio.sleep(1.0)  # hydrate + the new (empty) deck
            while not socket.updates.empty():
                socket.updates.get_nowait()
            answer = "\n".join(slide_html(i) for i in range(size))
            script.replies.append(ModelReply(text=answer))
            before = socket.bytes_received
            start = time.perf_counter()
            await socket.send(event_name(ChatState, "send"), {"form": {"prompt": "a deck"}})
            generating, slides_seen = True, 0
            while generating or slides_seen < size:
                update = await socket.next_update(120)
                chat = _state_delta(update, "chat____chat_state")
                if chat.get("generating_rx_state_") is True:
                    generating = True
                elif chat.get("generating_rx_state_") is False:
                    generating = False
                order = _deck_delta(update).get("order_rx_state_")
                if order is not None:
                    slides_seen = len(order)
            elapsed = time.perf_counter() - start
            await asyncio.sleep(0.3)
            while not socket.updates.empty():
                socket.updates.get_nowait()
            pushed = socket.bytes_received - before
        finally:
            await socket.close()
        html = len(answer.encode())
        rows.append(
            {
                "slides": size,
                "html": html,
                "pushed": pushed,
                "seconds": elapsed,
                "ratio": pushed / html,
            }
        )
    return rows


def report_generations(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| slides generated | deck HTML | bytes pushed | per slide | pushed / HTML | seconds |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['slides']} | {r['html'] / 1024:.0f} KB | {r['pushed'] / 1024:.0f} KB | "
            f"{r['pushed'] / r['slides'] / 1024:.1f} KB | {r['ratio']:.2f} | {r['seconds']:.1f} |"
        )
    return "\n".join(lines)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def report(summary: dict[str, Any]) -> str:
    deck = summary["deck_html_bytes"]
    lines = [
        f"deck HTML: {deck / 1024:.0f} KB ({SLIDES} slides)",
        "| event | median ms | p95 ms | median bytes pushed | % of deck HTML |",
        "|---|---|---|---|---|",
    ]
    for name, samples in summary["results"].items():
        ms = [s[0] for s in samples]
        sizes = [s[1] for s in samples]
        size = statistics.median(sizes)
        lines.append(
            f"| {name} | {statistics.median(ms):.1f} | {_p95(ms):.1f} | {size:.0f} | "
            f"{100 * size / deck:.2f}% |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--url", help="an app already running (with --data-dir)")
    parser.add_argument("--data-dir", type=Path, help="that app's SLIDEGEN_DATA_DIR")
    args = parser.parse_args(argv)
    if args.url:
        deck_id, deck_bytes = make_deck(args.data_dir)
        summary = asyncio.run(run(args.url, deck_id, deck_bytes, args.rounds))
        print(report(summary))
        return
    from slidegen.emulator import running_emulator
    from tests.support.app_server import build_once, start_packaged_app

    tmp = Path(tempfile.mkdtemp(prefix="b1-"))
    build = build_once(tmp)
    with running_emulator() as emulator:
        app = start_packaged_app(
            build,
            tmp / "run",
            env={
                "ENVIRONMENT": "production",
                "LOG_LEVEL": "WARNING",
                "DATABRICKS_HOST": emulator.url,
                "DATABRICKS_TOKEN": "bench-token",
                "SERVING_ENDPOINT": "slides-endpoint",
                "GENIE_SPACE_ID": "space-bench",
            },
        )
        try:
            deck_id, deck_bytes = make_deck(tmp / "run" / "data")
            summary = asyncio.run(run(app.url, deck_id, deck_bytes, args.rounds))
            print(report(summary))
            rows = asyncio.run(run_generations(app.url, emulator))
            print(report_generations(rows))
        finally:
            app.terminate()


if __name__ == "__main__":
    main()
