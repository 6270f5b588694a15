"""B2: users per process: N simulated users editing their own decks at once against one process.

The packaged app is started as production does (ENVIRONMENT=production, no Redis: one Granian
worker, Reflex's in-memory state manager). Each simulated user is a `python-socketio` client
(`tests.support.reflex_client`, the browser's protocol) with its own proxy headers (its own
identity) and its own 20-slide deck (~4 KB of HTML a slide) created through the store. All N
connect and open their deck; then all edit at once: each user starts at a random moment and,
after a random think time (uniform, 0.5-1.5 x the mean) each time, either reorders a slide (a
new version saved in the store) or selects one (no store write), R times. Measured:
- round trip of every edit (send -> the delta that shows it): median and p95 over all users
  (and p95 of the reorders alone); edits per second; the worker's CPU (from /proc) over the
  editing phase, per edit; the benchmark process's own CPU (the 200 clients);
- resident memory of the worker (VmRSS from /proc) before the N users connect (after one
  warm-up user) and with all N connected and their decks open: (after - before) / N.
Target (../shared/BENCHMARKS.md): 200 users with p95 < 150 ms; < 2 MB per connected user.
The clients run on the same machine (2 shared cores), so their CPU competes with the server's.

    python -m bench.b2_users_per_process [--users 50 100 200] [--edits 10] [--think 2.0]
                                          [--postgres]

--postgres stores decks in the local PostgreSQL (a schema of its own, dropped afterwards) as
production does with Lakebase; the default is the SQLite file of a single-process app.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from tests.support.procnet import child_pids
from tests.support.reflex_client import ReflexSocket, event_name

SLIDES = 20
HYDRATE = "reflex___state____state.hydrate"
CONNECT_BATCH = 20


def slide_html(user: int, i: int) -> str:
    rows = "".join(
        f"<tr><td>Region {r}</td><td>{(i * 7 + r * 13 + user) % 97}.{r}</td><td>+{r}%</td></tr>"
        for r in range(64)
    )
    bullets = "".join(f"<li>Point {b} of slide {i} for user {user}.</li>" for b in range(8))
    return (
        f'<div class="slide"><h2>User {user} slide {i + 1}</h2><ul>{bullets}</ul>'
        f"<table><tr><th>Region</th><th>Revenue</th><th>Growth</th></tr>{rows}</table></div>"
    )


def make_decks(settings_env: dict[str, str], users: int, prefix: str) -> list[str]:
    """One 20-slide deck per user, through the store; returns the deck ids in user order."""
    from slidegen.config import load_settings
    from slidegen.deck import parse_deck_html
    from slidegen.store import open_store

    store = open_store(load_settings(**settings_env))
    try:
        ids = []
        for u in range(users):
            parsed = parse_deck_html("\n".join(slide_html(u, i) for i in range(SLIDES)))
            record = store.create_deck(f"{prefix}-{u}", f"Deck of user {u}", slides=parsed.slides)
            ids.append(record.deck.id)
        return ids
    finally:
        store.dispose()


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def cpu_s(pid: int) -> float:
    """User + system CPU seconds used by `pid` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _deck_delta(update: dict[str, Any]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for key, value in (update.get("delta") or {}).items():
        if key.endswith("deck____deck_state"):
            merged.update(value)
    return merged


class User:
    def __init__(self, url: str, name: str, deck_id: str) -> None:
        headers = {
            "x-forwarded-user": name,
            "x-forwarded-email": f"{name}@example.com",
            "x-forwarded-preferred-username": name,
            "origin": url,
        }
        self.socket = ReflexSocket(url, headers=headers)
        self.deck_id = deck_id
        self.deck: dict[str, Any] = {}
        self.samples: list[tuple[str, float]] = []

    async def until(self, check: Any, timeout: float = 60) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not check(self.deck):
            update = await self.socket.next_update(max(0.01, deadline - loop.time()))
            for key, value in _deck_delta(update).items():
                self.deck[key.removesuffix("_rx_state_")] = value

    async def open(self) -> None:
        from slidegen.web.states import SessionState

        await self.socket.connect(timeout=30)
        path = f"/?deck={self.deck_id}"
        await self.socket.send(HYDRATE, path=path)
        await self.socket.send(event_name(SessionState, "on_load"), path=path)
        await self.until(lambda d: len(d.get("order", [])) == SLIDES)

    async def edit(self, edits: int, think: float, rng: random.Random) -> None:
        from slidegen.web.states import DeckState

        # Users do not act in step: each starts at a random moment of a think time.
        await asyncio.sleep(rng.uniform(0, think))
        for _ in range(edits):
            await asyncio.sleep(rng.uniform(0.5 * think, 1.5 * think))
            order = list(self.deck["order"])
            start = time.perf_counter()
            kind = rng.choice(("move", "select"))
            if kind == "move":
                version = self.deck["version"]
                # The first slide after another one: always a real move (a new version).
                source, target = order[0], order[rng.randrange(1, SLIDES)]
                await self.socket.send(
                    event_name(DeckState, "move"),
                    {"slide_id": source, "target_id": target, "after": True},
                )
                await self.until(lambda d, v=version: d["version"] != v)
            else:
                chosen = order[rng.randrange(SLIDES)]
                if self.deck.get("selected") == [chosen]:
                    chosen = order[(order.index(chosen) + 1) % SLIDES]
                await self.socket.send(event_name(DeckState, "select"), {"slide_id": chosen})
                await self.until(lambda d, c=chosen: d.get("selected") == [c])
            self.samples.append((kind, (time.perf_counter() - start) * 1000))


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


async def run_level(
    app: Any, settings_env: dict[str, str], users: int, edits: int, think: float
) -> dict[str, Any]:
    prefix = f"b2-{uuid.uuid4().hex[:6]}"
    deck_ids = make_decks(settings_env, users + 1, prefix)
    (worker,) = child_pids(app.process.pid)

    # Warm-up: one user opens and edits, so lazily loaded code is not counted per user.
    warm = User(app.url, f"{prefix}-{users}", deck_ids[users])
    await warm.open()
    await warm.edit(2, 0.05, random.Random(0))
    await warm.socket.close()
    await asyncio.sleep(1.0)
    before = rss_kb(worker)

    crowd = [User(app.url, f"{prefix}-{u}", deck_ids[u]) for u in range(users)]
    start = time.perf_counter()
    for i in range(0, users, CONNECT_BATCH):
        await asyncio.gather(*(u.open() for u in crowd[i : i + CONNECT_BATCH]))
    connect_s = time.perf_counter() - start
    await asyncio.sleep(1.0)
    connected = rss_kb(worker)

    try:
        start, cpu_start, own_start = time.perf_counter(), cpu_s(worker), time.process_time()
        await asyncio.gather(*(u.edit(edits, think, random.Random(n)) for n, u in enumerate(crowd)))
        edit_s = time.perf_counter() - start
        worker_cpu, client_cpu = cpu_s(worker) - cpu_start, time.process_time() - own_start
        after_edits = rss_kb(worker)
    finally:
        await asyncio.gather(*(u.socket.close() for u in crowd), return_exceptions=True)
    samples = [ms for u in crowd for _, ms in u.samples]
    moves = [ms for u in crowd for kind, ms in u.samples if kind == "move"]
    return {
        "users": users,
        "events": len(samples),
        "median_ms": statistics.median(samples),
        "p95_ms": _p95(samples),
        "max_ms": max(samples),
        "move_p95_ms": _p95(moves),
        "events_per_s": len(samples) / edit_s,
        "worker_cpu_pct": 100 * worker_cpu / edit_s,
        "client_cpu_pct": 100 * client_cpu / edit_s,
        "cpu_ms_per_event": 1000 * worker_cpu / len(samples),
        "connect_s": connect_s,
        "rss_before_mb": before / 1024,
        "rss_connected_mb": connected / 1024,
        "rss_after_edits_mb": after_edits / 1024,
        "per_user_mb": (connected - before) / 1024 / users,
    }


def report(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| users | edits | median | p95 | p95 reorders | max | edits/s | worker CPU (ms/edit)"
        " | client CPU | RSS before → connected (after edits) | per user |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['users']} | {r['events']} | {r['median_ms']:.1f} ms | {r['p95_ms']:.1f} ms | "
            f"{r['move_p95_ms']:.1f} ms | "
            f"{r['max_ms']:.0f} ms | {r['events_per_s']:.0f} | {r['worker_cpu_pct']:.0f}% "
            f"({r['cpu_ms_per_event']:.1f}) | {r['client_cpu_pct']:.0f}% | "
            f"{r['rss_before_mb']:.0f} → "
            f"{r['rss_connected_mb']:.0f} MB ({r['rss_after_edits_mb']:.0f} MB) | "
            f"{r['per_user_mb']:.2f} MB |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[50, 100, 200])
    parser.add_argument("--edits", type=int, default=10, help="edits per user")
    parser.add_argument("--think", type=float, default=2.0, help="mean seconds between edits")
    parser.add_argument("--postgres", action="store_true", help="decks in the local PostgreSQL")
    args = parser.parse_args(argv)

    from tests.support.app_server import build_once, start_packaged_app

    tmp = Path(tempfile.mkdtemp(prefix="b2-"))
    build = build_once(tmp)
    rows = []
    for users in args.users:
        run_dir = tmp / f"run-{users}"
        env = {"SLIDEGEN_DATA_DIR": str(run_dir / "data")}
        schema = None
        if args.postgres:
            schema = _create_schema()
            env.update(DATABASE_URL=_POSTGRES_URL, DATABASE_SCHEMA=schema)
        # A fresh process per level: each starts from the same baseline.
        app = start_packaged_app(
            build, run_dir, env={"ENVIRONMENT": "production", "LOG_LEVEL": "WARNING", **env}
        )
        try:
            rows.append(asyncio.run(run_level(app, env, users, args.edits, args.think)))
            print(report(rows[-1:]).splitlines()[-1], flush=True)
        finally:
            app.terminate()
            if schema:
                _drop_schema(schema)
    store = "PostgreSQL (local)" if args.postgres else "SQLite file"
    print(f"\n{store}; {args.edits} edits per user, think time {args.think} s mean")
    print(report(rows))


_POSTGRES_URL = "postgresql+psycopg2://postgres@127.0.0.1:5432/test"


def _create_schema() -> str:
    import sqlalchemy as sa

    schema = f"b2_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(_POSTGRES_URL)
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    return schema


def _drop_schema(schema: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(_POSTGRES_URL)
    with engine.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


if __name__ == "__main__":
    main()
